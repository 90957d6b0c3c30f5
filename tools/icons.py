"""Render assets/icons/loupe-192.png and loupe-512.png from the shapes of loupe.svg.

Pure Python (zlib + struct), so the PNGs can be remade anywhere:
``python3 tools/icons.py``. The output is committed; run this only after
changing the icon.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"
BACKGROUND = (0x1F, 0x4F, 0x8A)
WHITE = (0xFF, 0xFF, 0xFF)
LIGHT = (0x9C, 0xC3, 0xF5)
SAMPLES = 3  # supersampling per axis, for smooth edges


def shade(x: float, y: float):
    """The colour at (x, y) in the SVG's 64×64 space, or None outside the icon."""
    if not _in_rounded_square(x, y, 64, 14):
        return None
    if _near_segment(x, y, (20, 27), (34, 27), 1.5) or _near_segment(x, y, (27, 20), (27, 34), 1.5):
        return LIGHT
    ring = math.hypot(x - 27, y - 27)
    if 10.5 <= ring <= 15.5 or _near_segment(x, y, (37, 37), (50, 50), 2.5):
        return WHITE
    return BACKGROUND


def render(size: int) -> bytes:
    rows = []
    scale = 64 / size
    for j in range(size):
        row = bytearray([0])  # filter: none
        for i in range(size):
            r = g = b = a = 0
            for sj in range(SAMPLES):
                for si in range(SAMPLES):
                    colour = shade((i + (si + 0.5) / SAMPLES) * scale, (j + (sj + 0.5) / SAMPLES) * scale)
                    if colour:
                        r, g, b, a = r + colour[0], g + colour[1], b + colour[2], a + 1
            n = SAMPLES * SAMPLES
            row += bytes([r // a, g // a, b // a, 255 * a // n] if a else [0, 0, 0, 0])
        rows.append(bytes(row))
    return _png(size, size, b"".join(rows))


def _in_rounded_square(x: float, y: float, side: float, radius: float) -> bool:
    cx = min(max(x, radius), side - radius)
    cy = min(max(y, radius), side - radius)
    return 0 <= x <= side and 0 <= y <= side and math.hypot(x - cx, y - cy) <= radius


def _near_segment(x: float, y: float, a: tuple, b: tuple, half_width: float) -> bool:
    ax, ay = a
    bx, by = b
    t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
    return math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= half_width


def _png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    for size in (192, 512):
        (ICONS / f"loupe-{size}.png").write_bytes(render(size))
        print(f"wrote assets/icons/loupe-{size}.png")
