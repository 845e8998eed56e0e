"""Writes a folder of small PNG images, one sub-folder per class, to try Gantry's upload with.

Three classes of white shapes on black, 32×32 grayscale, random size and position: disc, square,
cross. Python's standard library only (PNG written by hand with zlib), deterministic for a seed.

    python3 scripts/datasets/make_image_folder.py my-images 1500
"""
import math
import random
import struct
import sys
import zlib
from pathlib import Path

SIDE = 32


def png(pixels):
    """8-bit grayscale PNG of SIDE×SIDE values."""
    raw = b"".join(b"\x00" + bytes(pixels[y * SIDE:(y + 1) * SIDE]) for y in range(SIDE))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def inside(shape, x, y, cx, cy, r):
    dx, dy = x - cx, y - cy
    if shape == "disc":
        return math.hypot(dx, dy) <= r
    if shape == "square":
        return max(abs(dx), abs(dy)) <= r * 0.85
    return min(abs(dx), abs(dy)) <= r * 0.3 and max(abs(dx), abs(dy)) <= r  # cross


def image(shape, rng):
    r = rng.uniform(6, 11)
    cx, cy = rng.uniform(r + 2, SIDE - r - 2), rng.uniform(r + 2, SIDE - r - 2)
    pixels = []
    for y in range(SIDE):
        for x in range(SIDE):
            # 4×4 supersampling for soft edges.
            hits = sum(inside(shape, x + (i + 0.5) / 4, y + (j + 0.5) / 4, cx, cy, r)
                       for i in range(4) for j in range(4))
            pixels.append(round(255 * hits / 16))
    return pixels


def main():
    folder, count = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    shapes = ["disc", "square", "cross"]
    for i in range(count):
        shape = shapes[i % len(shapes)]
        (folder / shape).mkdir(parents=True, exist_ok=True)
        (folder / shape / f"{i:05d}.png").write_bytes(png(image(shape, rng)))
    print(f"{count} images in {len(shapes)} class folders under {folder}")


if __name__ == "__main__":
    main()
