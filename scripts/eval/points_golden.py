#!/usr/bin/env python3
"""Golden values of Gantry's 2-D shape metrics on fixed point sets, written to
src/test/resources/eval/points-golden.json for PointsGoldenTest.

Independent of Gantry's method:
- eval/sliced-wasserstein: scipy.stats.wasserstein_distance (its CDF integral, which handles any
  sample sizes) of the two samples projected on 64 equally spaced directions theta_k = pi k / 64,
  averaged over the directions.
- eval/spread: numpy's median of the distances to the nearest mode centre, over the points within
  3 sigma of it, generated over real.

Run with Debian's python3-numpy and python3-scipy:
    /usr/bin/python3 scripts/eval/points_golden.py
"""
import json
import pathlib

import numpy as np
from scipy.stats import wasserstein_distance

OUT = pathlib.Path(__file__).resolve().parents[2] / "src/test/resources/eval/points-golden.json"
DIRECTIONS = 64


def sliced(a, b):
    total = 0.0
    for k in range(DIRECTIONS):
        theta = np.pi * k / DIRECTIONS
        u = np.array([np.cos(theta), np.sin(theta)])
        total += wasserstein_distance(a.astype(np.float64) @ u, b.astype(np.float64) @ u)
    return total / DIRECTIONS


def median_within(points, modes, limit):
    p = points.astype(np.float64)
    d = np.sqrt(((p[:, None, :] - modes[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    d = d[d <= limit]
    return float(np.median(d)) if len(d) else None


def mixture(rng, modes, sigma, n, scale=1.0, shift=(0.0, 0.0)):
    which = rng.integers(0, len(modes), n)
    return (modes[which] + rng.standard_normal((n, 2)) * sigma * scale + np.array(shift)).astype(np.float32)


def main():
    rng = np.random.default_rng(20261130)
    grid = np.array([[x, y] for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)], dtype=np.float64)
    ring = np.array([[2 * np.cos(2 * np.pi * i / 8), 2 * np.sin(2 * np.pi * i / 8)] for i in range(8)])
    cases = []
    for name, modes, sigma, n, scale, shift, note in [
        ("grid25-right", grid, 0.05, 500, 1.0, (0, 0), "generated from the data's own law"),
        ("grid25-collapsed", grid, 0.05, 500, 0.4, (0, 0), "each mode 0.4 times too narrow"),
        ("ring8-wide", ring, 0.02, 401, 2.0, (0, 0), "twice too wide, an odd count"),
        ("ring8-shifted", ring, 0.02, 300, 1.0, (0.5, -0.25), "every point shifted"),
    ]:
        real = mixture(rng, modes, sigma, n)
        fake = mixture(rng, modes, sigma, n, scale, shift)
        gen_median = median_within(fake, modes, 3 * sigma)
        real_median = median_within(real, modes, 3 * sigma)
        cases.append({
            "name": name,
            "note": note,
            "modes": modes.tolist(),
            "sigma": sigma,
            "real": real.astype(np.float64).ravel().tolist(),
            "fake": fake.astype(np.float64).ravel().tolist(),
            "slicedWasserstein": sliced(fake, real),
            "spread": None if gen_median is None or real_median is None else gen_median / real_median,
        })
    OUT.write_text(json.dumps({"directions": DIRECTIONS, "cases": cases}) + "\n")
    for c in cases:
        print(c["name"], c["slicedWasserstein"], c["spread"])


if __name__ == "__main__":
    main()
