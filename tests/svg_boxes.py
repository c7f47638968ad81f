"""Bounding boxes of the text of a plotly SVG as a browser draws it, and the pairs that overlap."""
from __future__ import annotations

# Text a reader must be able to read apart: titles, axis ticks, legend, annotations (event
# labels, "since" labels, footnotes, source line). Data labels inside the plot (map labels,
# table cells, matrix cells) are placed by plotly and checked elsewhere.
BOXES_JS = """(root) => {
  const scope = root || document;
  const out = [];
  for (const t of scope.querySelectorAll('svg text')) {
    const cls = (t.getAttribute('class') || '') + ' ' + (t.parentNode.getAttribute('class') || '');
    if (/textpoint|cell-text|bartext|nums/.test(cls)) continue;
    if (t.closest('.hoverlayer') || t.closest('.infolayer .rangeslider')) continue;
    const text = (t.textContent || '').trim();
    if (!text) continue;
    const r = t.getBoundingClientRect();
    if (r.width < 0.5 || r.height < 0.5) continue;
    const style = getComputedStyle(t);
    if (style.visibility === 'hidden' || style.display === 'none' || style.opacity === '0') continue;
    out.push({text, cls: cls.trim(), x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  }
  return out;
}"""


_MEASURE = """
import json, sys
from playwright.sync_api import sync_playwright
js, paths = sys.argv[1], sys.argv[2:]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
    page = browser.new_page()
    out = {}
    for path in paths:
        page.goto("file://" + path)
        out[path] = page.evaluate(js)
    browser.close()
print(json.dumps(out))
"""


def measure(paths: list[str]) -> dict[str, list[dict]]:
    """Text boxes of SVG files as Chromium lays them out, measured in a separate process (so it
    works whatever Playwright or asyncio loop the test session already runs)."""
    import json
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", _MEASURE, BOXES_JS, *paths], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def overlaps(boxes: list[dict], tolerance: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes intersect by more than `tolerance` px in both directions."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if dx > tolerance and dy > tolerance:
                found.append((a["text"], b["text"]))
    return found
