"""Golden values for super-resolution evaluation: bicubic upsampling (PyTorch), PSNR and SSIM
(scikit-image), area downsampling (PyTorch's avg_pool2d).

Writes src/test/resources/training/sr-golden.json:
    /usr/bin/python3 scripts/training/sr_golden.py     # Debian's python3-torch and python3-skimage
"""
import json

import numpy as np
import torch
import torch.nn.functional as F
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

OUT = "src/test/resources/training/sr-golden.json"
rng = np.random.default_rng(20261130)


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]


cases = {"bicubic": [], "quality": [], "downsample": []}

for n, c, h, w, scale in [(2, 1, 8, 8, 2), (1, 3, 5, 7, 4), (3, 1, 16, 16, 4)]:
    x = rng.uniform(-1, 1, (n, c, h, w)).astype(np.float32)
    up = F.interpolate(torch.from_numpy(x), scale_factor=scale, mode="bicubic", align_corners=False)
    cases["bicubic"].append({"shape": [n, c, h, w], "scale": scale, "input": floats(x), "expected": floats(up.numpy())})

for n, c, h, w, noise in [(2, 1, 32, 32, 0.1), (2, 3, 16, 20, 0.3), (1, 1, 11, 11, 0.05), (1, 3, 32, 32, 0.0)]:
    ref = rng.uniform(-1, 1, (n, c, h, w)).astype(np.float32)
    img = np.clip(ref + rng.normal(0, noise, ref.shape), -1.2, 1.2).astype(np.float32)
    unit = lambda a: np.clip((a + 1) / 2, 0, 1).astype(np.float64)
    psnr, ssim = [], []
    for i in range(n):
        a, b = unit(img[i]), unit(ref[i])
        psnr.append(min(100.0, peak_signal_noise_ratio(b, a, data_range=1)) if noise > 0 else 100.0)
        ssim.append(np.mean([structural_similarity(a[k], b[k], data_range=1, gaussian_weights=True, sigma=1.5,
                                                   use_sample_covariance=False) for k in range(c)]))
    cases["quality"].append({"shape": [n, c, h, w], "image": floats(img), "reference": floats(ref),
                             "psnr": float(np.mean(psnr)), "ssim": float(np.mean(ssim))})

for n, c, h, w, scale in [(2, 1, 8, 8, 2), (1, 3, 16, 16, 4)]:
    x = rng.uniform(-1, 1, (n, c, h, w)).astype(np.float32)
    cases["downsample"].append({"shape": [n, c, h, w], "scale": scale, "input": floats(x),
                                "expected": floats(F.avg_pool2d(torch.from_numpy(x), scale).numpy())})

with open(OUT, "w") as f:
    json.dump(cases, f, separators=(",", ":"))
print({k: len(v) for k, v in cases.items()}, "cases written to", OUT)
