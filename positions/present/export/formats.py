"""Export formats, their MIME types and image sizes."""
from __future__ import annotations


IMAGE_FORMATS = ("png", "svg", "pdf")
DATA_FORMATS = ("csv", "xlsx", "json")
FORMATS = IMAGE_FORMATS + ("pptx", "pack-pdf") + DATA_FORMATS  # pack-pdf: the pack via LibreOffice
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# Layout size of exported charts (CSS pixels); PNG is rendered at SCALE x this.
WIDTH, HEIGHT, SCALE = 1200, 640, 2
PACK_WIDTH, PACK_HEIGHT = 1040, 500   # pack pictures: slide-shaped, so the text reads at slide size
FOOTER_MARGIN = 110   # bottom margin (px) that leaves room for the source line
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

