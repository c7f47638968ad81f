"""How the page's process allocates memory: at a million statements each filter state is a copy of
hundreds of MB, made while the previous one is still cached, so the allocators decide the peak.

- Arrow (reading the analytical copy) uses the system allocator, which hands freed buffers back
  at once (the default keeps them: a 60-80 MB higher peak at 1M, the same speed).
- glibc serves large arrays (numpy columns) from memory maps of their own, never from the heap:
  by default it raises that threshold to the largest array freed so far (up to 32 MB), after
  which a freed 6 MB column stays in the heap and each new filtered copy adds to the process
  (measured: 1.04 GB peak after 28 filter changes at 1M; 0.84 GB with a fixed threshold).
Either is left alone when the operator set it (ARROW_DEFAULT_MEMORY_POOL, MALLOC_MMAP_THRESHOLD_).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os

import pyarrow as pa

M_MMAP_THRESHOLD = -3      # glibc mallopt parameter
MMAP_THRESHOLD = 256 * 1024


def tune() -> None:
    """Set both allocators for the page's process (once, before it reads the data)."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())
    if os.environ.get("MALLOC_MMAP_THRESHOLD_"):
        return
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):   # not glibc (macOS, musl): nothing to set
        mallopt = None
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
