"""Golden values for ImageFitting: center crop, area resize, channel conversion.

Area resizing is computed here from its definition with exact rational arithmetic: target pixel
i of n covers the source interval [i·m/n, (i+1)·m/n), and every source pixel weighs by the length
of its overlap with it. PIL is used only to crop and to convert to "L" (its fixed-point luma); its
BOX filter is not a reference, since it weighs whole pixels by their centres instead of coverage.
Writes src/test/resources/training/fitting-golden.json:
    /usr/bin/python3 scripts/training/fitting_golden.py
"""
import json
import math
import random
from fractions import Fraction

from PIL import Image

OUT = "src/test/resources/training/fitting-golden.json"
rng = random.Random(20261130)

# (channels in, height, width, resolution, channels out)
CASES = [
    (1, 28, 28, 32, 1),   # digits to DCGAN's 32: growing
    (1, 28, 28, 14, 1),   # shrinking by an exact factor
    (3, 40, 30, 32, 3),   # tall: a centered square is cropped
    (3, 30, 53, 17, 3),   # wide, odd sizes, a fractional box
    (3, 64, 64, 32, 1),   # colour to grayscale
    (1, 20, 20, 32, 3),   # grayscale to colour
    (3, 32, 32, 32, 1),   # conversion only
]


def image(channels, height, width):
    values = [rng.randrange(256) for _ in range(channels * height * width)]
    if channels == 1:
        img = Image.frombytes("L", (width, height), bytes(values))
    else:
        # values are C×H×W; PIL wants H×W×C.
        plane = height * width
        hwc = bytes(values[c * plane + i] for i in range(plane) for c in range(3))
        img = Image.frombytes("RGB", (width, height), hwc)
    return values, img


def weights(m, n):
    """For each of n targets, (source index, weight) pairs covering it, from m sources."""
    out = []
    for i in range(n):
        start, end = Fraction(i * m, n), Fraction((i + 1) * m, n)
        row = []
        for j in range(math.floor(start), math.ceil(end)):
            overlap = min(end, j + 1) - max(start, j)
            if overlap > 0:
                row.append((j, overlap / Fraction(m, n)))
        out.append(row)
    return out


def area_resize(plane, side, res):
    """plane: side×side values; returns res×res rounded bytes."""
    w = weights(side, res)
    out = []
    for y in range(res):
        for x in range(res):
            v = sum(wy * wx * plane[sy * side + sx] for sy, wy in w[y] for sx, wx in w[x])
            out.append(max(0, min(255, math.floor(v + Fraction(1, 2)))))
    return out


def chw(img):
    data = list(img.getdata())
    if img.mode == "L":
        return data
    return [px[c] for c in range(3) for px in data]


cases = []
for cin, h, w, res, cout in CASES:
    values, img = image(cin, h, w)
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    cropped = chw(img.crop((left, top, left + side, top + side)))
    planes = [area_resize(cropped[c * side * side:(c + 1) * side * side], side, res) for c in range(cin)]
    mode = "L" if cin == 1 else "RGB"
    resized = Image.frombytes(mode, (res, res), bytes(
        planes[0] if cin == 1 else [planes[c][i] for i in range(res * res) for c in range(3)]))
    fitted = resized.convert("L" if cout == 1 else "RGB")
    cases.append({"channels": cin, "height": h, "width": w, "resolution": res, "outChannels": cout,
                  "pixels": values, "expected": chw(fitted)})

with open(OUT, "w") as f:
    json.dump({"cases": cases}, f, separators=(",", ":"))
print(f"{len(cases)} cases written to {OUT}")
