#!/usr/bin/python3
"""Writes src/test/resources/training/augment-golden.json, the conformance cases of
training.augment.Augmentation against DiffAugment (Zhao et al. 2020) in PyTorch (float64).

The operations are written here from the authors' DiffAugment_pytorch.py (mit-han-lab/
data-efficient-gans), same formulas, same ratios (translation int(size/8 + 1/2) with zero padding,
cutout int(size/2 + 1/2) clamped to the image), but by slicing per image instead of the reference's
batched gathers, so that the Java gather and this code are two implementations of one definition.

Each case gives the draws in the order Java's Augmentation takes them from its RandomGenerator
(its class comment): for each operation of the policy, N values ("float": u ~ U[0,1) for the colour
operations; "int": N row shifts then N column shifts, or N cutout center rows then N columns), then
in ADA mode N gates ("double" g, the image takes part when g < p). The Java test replays exactly
this sequence, so the draw order is checked too. In ADA mode an operation maps image b to
op(x)_b where its gate is on and leaves x_b otherwise.

Outputs: the augmented batch, and the gradient of sum(out * weights) w.r.t. the input batch.
Inputs are rounded to float32 first, so Java sees exactly the numbers PyTorch started from.

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 scripts/training/augment_golden.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

POLICIES = {
    "color": ["brightness", "saturation", "contrast"],
    "translation": ["translation"],
    "cutout": ["cutout"],
}


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def translation_shift(size):
    return int(size * 0.125 + 0.5)


def cutout_size(size):
    return int(size * 0.5 + 0.5)


def per_image(v):
    return v.view(-1, 1, 1, 1)


def brightness(x, u):
    return x + (per_image(u) - 0.5)


def saturation(x, u):
    mean = x.mean(dim=1, keepdim=True)
    return (x - mean) * (per_image(u) * 2) + mean


def contrast(x, u):
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * (per_image(u) + 0.5) + mean


def translation(x, rows, cols):
    """Output (i, j) reads input (i + rows[b], j + cols[b]); zero where that is outside."""
    n, c, h, w = x.shape
    padded = F.pad(x, [1, 1, 1, 1])
    out = []
    for b in range(n):
        r = torch.clamp(torch.arange(h) + rows[b] + 1, 0, h + 1)
        q = torch.clamp(torch.arange(w) + cols[b] + 1, 0, w + 1)
        out.append(padded[b][:, r][:, :, q])
    return torch.stack(out)


def cutout(x, rows, cols):
    n, c, h, w = x.shape
    sh, sw = cutout_size(h), cutout_size(w)
    mask = torch.ones(n, h, w)
    for b in range(n):
        r = torch.clamp(torch.arange(sh) + rows[b] - sh // 2, 0, h - 1)
        q = torch.clamp(torch.arange(sw) + cols[b] - sw // 2, 0, w - 1)
        mask[b][r[:, None], q[None, :]] = 0
    return x * mask.unsqueeze(1)


class Draws:
    """Draws values in Java's order and records them for the replay."""

    def __init__(self, seed):
        self.gen = torch.Generator().manual_seed(seed)
        self.sequence = []

    def floats(self, n):
        u = f32(torch.rand(n, generator=self.gen))
        self.sequence += [{"kind": "float", "value": v} for v in u.tolist()]
        return u

    def ints(self, n, low, high, forced=None):
        v = forced if forced is not None else torch.randint(low, high, (n,), generator=self.gen).tolist()
        assert all(low <= k < high for k in v)
        self.sequence += [{"kind": "int", "value": k, "from": low, "to": high} for k in v]
        return v

    def gates(self, n, p):
        g = torch.rand(n, generator=self.gen).tolist()
        self.sequence += [{"kind": "double", "value": v} for v in g]
        return torch.tensor([v < p for v in g])


def augment(x, policy, draws, p=None, forced=None):
    n, _, h, w = x.shape
    forced = forced or {}
    for name in policy.split(","):
        for op in POLICIES[name]:
            if op in ("brightness", "saturation", "contrast"):
                u = draws.floats(n)
                y = {"brightness": brightness, "saturation": saturation, "contrast": contrast}[op](x, u)
            elif op == "translation":
                sr, sc = translation_shift(h), translation_shift(w)
                rows = draws.ints(n, -sr, sr + 1, forced.get("rows"))
                cols = draws.ints(n, -sc, sc + 1, forced.get("cols"))
                y = translation(x, rows, cols)
            else:
                rows = draws.ints(n, 0, h + 1 - cutout_size(h) % 2, forced.get("cutRows"))
                cols = draws.ints(n, 0, w + 1 - cutout_size(w) % 2, forced.get("cutCols"))
                y = cutout(x, rows, cols)
            if p is not None:
                on = draws.gates(n, p)
                y = torch.where(per_image(on), y, x)
            x = y
    return x


def case(name, policy, shape, seed, p=None, forced=None):
    gen = torch.Generator().manual_seed(seed)
    x = f32(torch.rand(*shape, generator=gen) * 2 - 1).requires_grad_(True)
    weights = f32(torch.randn(*shape, generator=gen))
    draws = Draws(seed + 1000)
    out = augment(x, policy, draws, p, forced)
    (out * weights).sum().backward()
    return {
        "name": name,
        "policy": policy,
        "p": p,
        "shape": list(shape),
        "input": x.detach().flatten().tolist(),
        "weights": weights.flatten().tolist(),
        "draws": draws.sequence,
        "output": out.detach().flatten().tolist(),
        "inputGradient": x.grad.flatten().tolist(),
    }


def main():
    cases = [
        case("color", "color", (3, 3, 8, 8), 1),
        # Shifts at both extremes (±2 on 16 pixels) and none.
        case("translation 16x16", "translation", (4, 2, 16, 16), 2,
             forced={"rows": [-2, 2, 0, 1], "cols": [2, -2, 0, -1]}),
        # 28 pixels: s = int(3.5 + 0.5) = 4, where the older reference's 28 // 8 would give 3.
        case("translation 28x28", "translation", (2, 1, 28, 28), 3, forced={"rows": [4, -3], "cols": [-4, 1]}),
        # Odd size: a 5×5 square whose center may be 0…8; at 0 and 8 it sticks out and is clamped.
        case("cutout 9x9", "cutout", (4, 1, 9, 9), 4, forced={"cutRows": [0, 8, 4, 2], "cutCols": [8, 0, 4, 7]}),
        # Not square: shifts ±1 rows, ±2 columns; a 4×6 cut.
        case("all 8x12", "color,translation,cutout", (4, 3, 8, 12), 5),
        case("all reordered", "cutout,translation,color", (3, 3, 8, 8), 6),
        case("ada p=0.5", "color,translation,cutout", (6, 3, 8, 8), 7, p=0.5),
        case("ada p=1", "translation,cutout", (3, 1, 8, 8), 8, p=1.0),
    ]
    out = pathlib.Path("src/test/resources/training/augment-golden.json")
    out.write_text(json.dumps({"cases": cases}, indent=None) + "\n")
    print(f"wrote {out}: {len(cases)} cases")


if __name__ == "__main__":
    main()
