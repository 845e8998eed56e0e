#!/usr/bin/python3
"""Writes src/test/resources/features/perceptual-golden.json, the conformance cases of the
perceptual loss on an uploaded network (training.loss.PerceptualLoss through
training.features.FeatureNetwork), computed with PyTorch in float64 from the committed TorchScript
module src/test/resources/features/vgg_tiny.pt (made by make_test_networks.py):

  a generator G(z) = tanh(z W + b), reshaped to (N, C, H, W), with given z, W, b; a real batch x;
  L = sum_l w_l * D(phi_l(G(z)), phi_l(x)), D the mean over samples and values of (a - b)^2 (mse)
  or |a - b| (l1), phi_l optionally replaced by its Gram matrix F F^T / (C H W);
  the value and dL/dW, dL/db: the generator's gradient, through the frozen network.

The input preparation is written here from the descriptor's definition, not from the Java class:
grayscale repeated to 3 channels, [-1, 1] mapped linearly onto the range, F.interpolate to the
size (align_corners=False, antialias=True for bilinear and bicubic), then (x - mean) / std. Cases cover both distances, Gram matrices,
several layers with unequal weights, a weight of 0, grayscale data, ranges from 0 and from below
it, and every resize mode (with the same module under descriptors that give it a size). Inputs and weights are rounded to float32
first, so Java starts from exactly these numbers. Each case also runs in float32 and stores the
largest error against float64 per result as "float32Error" (the Java test allows a multiple).

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 scripts/features/perceptual_golden.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

RESOURCES = pathlib.Path("src/test/resources/features")
MODULE = RESOURCES / "vgg_tiny.pt"
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
LATENT = 4


def descriptor(size=None, resize=None, value_range=(0.0, 1.0), mean=IMAGENET_MEAN, std=IMAGENET_STD):
    d = {
        "name": "vgg-tiny",
        "input": {"channels": 3, "range": list(value_range), "mean": list(mean), "std": list(std)},
        "outputs": ["relu1_2", "relu2_2", "relu3_2"],
    }
    if size is not None:
        d["input"]["size"] = size
        d["input"]["resize"] = resize
    return d


def prepare(images, desc):
    """Gantry images (N, C, H, W) in [-1, 1] -> the module's input, as the descriptor defines it."""
    inp = desc["input"]
    x = images
    if x.shape[1] == 1 and inp["channels"] == 3:
        x = x.repeat(1, 3, 1, 1)
    lo, hi = inp["range"]
    x = lo + (x + 1) * (hi - lo) / 2
    size = inp.get("size")
    if size is not None and (x.shape[2] != size or x.shape[3] != size):
        mode = inp["resize"]
        # Antialiased, as PIL and torchvision's Resize resize (and as DJL's interpolation codes 1
        # and 3 do): for bilinear and bicubic the filter widens with the scale when shrinking, and
        # bicubic uses a = -0.5 instead of -0.75.
        kwargs = {"align_corners": False, "antialias": True} if mode in ("bilinear", "bicubic") else {}
        x = F.interpolate(x, size=(size, size), mode=mode, **kwargs)
    mean = torch.tensor(inp["mean"], dtype=x.dtype).view(1, -1, 1, 1)
    std = torch.tensor(inp["std"], dtype=x.dtype).view(1, -1, 1, 1)
    return (x - mean) / std


def gram(f):
    n, c, h, w = f.shape
    m = f.reshape(n, c, h * w)
    return m @ m.transpose(1, 2) / (c * h * w)


def loss(module, desc, params, z, W, b, real, shape):
    fake = torch.tanh(z @ W + b).reshape(shape)
    out_fake = module(prepare(fake, desc))
    out_real = module(prepare(real, desc))
    total = torch.zeros((), dtype=z.dtype)
    for name, weight in params["layers"].items():
        a, r = out_fake[name], out_real[name]
        if params.get("gram", 0) == 1:
            a, r = gram(a), gram(r)
        d = (a - r).abs().mean() if params.get("distance", "mse") == "l1" else ((a - r) ** 2).mean()
        total = total + weight * d
    return total


def run(dtype, case):
    module = torch.jit.load(str(MODULE))
    module = module.double() if dtype == torch.float64 else module.float()
    module.eval()
    z = torch.tensor(case["z"], dtype=dtype)
    W = torch.tensor(case["W"], dtype=dtype, requires_grad=True)
    b = torch.tensor(case["b"], dtype=dtype, requires_grad=True)
    real = torch.tensor(case["real"], dtype=dtype)
    value = loss(module, case["descriptor"], case["params"], z, W, b, real, tuple(case["shape"]))
    value.backward()
    return {"value": value.item(), "gradW": W.grad.flatten().tolist(), "gradB": b.grad.flatten().tolist()}


def f32(t):
    return t.to(torch.float32).tolist()


def make(gen, name, desc, params, channels, side, n=3):
    pixels = channels * side * side
    # Scales that keep tanh away from saturation and the features of order one.
    z = torch.randn(n, LATENT, generator=gen, dtype=torch.float64)
    W = torch.randn(LATENT, pixels, generator=gen, dtype=torch.float64) * 0.4
    b = torch.randn(pixels, generator=gen, dtype=torch.float64) * 0.2
    real = torch.rand(n, channels, side, side, generator=gen, dtype=torch.float64) * 2 - 1
    case = {
        "name": name,
        "descriptor": desc,
        "params": params,
        "shape": [n, channels, side, side],
        "z": f32(z),
        "W": f32(W),
        "b": f32(b),
        "real": f32(real),
    }
    exact = run(torch.float64, case)
    single = run(torch.float32, case)
    case.update(exact)
    case["float32Error"] = {
        "value": abs(single["value"] - exact["value"]),
        "gradW": max(abs(a - e) for a, e in zip(single["gradW"], exact["gradW"])),
        "gradB": max(abs(a - e) for a, e in zip(single["gradB"], exact["gradB"])),
    }
    return case


def main():
    gen = torch.Generator().manual_seed(909)
    relu2 = {"relu2_2": 1.0}
    cases = [
        make(gen, "mse relu2_2", descriptor(), {"layers": relu2, "distance": "mse"}, 3, 12),
        make(gen, "l1 relu2_2", descriptor(), {"layers": relu2, "distance": "l1"}, 3, 12),
        make(
            gen,
            "mse three layers, unequal weights, one 0",
            descriptor(),
            {"layers": {"relu1_2": 0.5, "relu2_2": 2.0, "relu3_2": 0.0}, "distance": "mse"},
            3,
            16,
        ),
        make(gen, "gram mse relu1_2 relu3_2", descriptor(), {"layers": {"relu1_2": 1.0, "relu3_2": 3.0}, "gram": 1}, 3, 12),
        make(gen, "gram l1 relu2_2", descriptor(), {"layers": relu2, "distance": "l1", "gram": 1}, 3, 12),
        make(gen, "grayscale repeated to 3 channels", descriptor(), {"layers": {"relu1_2": 1.0, "relu2_2": 1.0}}, 1, 12),
        make(
            gen,
            "range [0, 255], other mean/std",
            descriptor(value_range=(0.0, 255.0), mean=[120.0, 110.0, 100.0], std=[60.0, 55.0, 50.0]),
            {"layers": relu2},
            3,
            16,
        ),
        make(gen, "bilinear up to 20", descriptor(20, "bilinear"), {"layers": relu2}, 3, 12),
        make(gen, "bicubic up to 20", descriptor(20, "bicubic"), {"layers": relu2}, 3, 12),
        make(gen, "nearest up to 20", descriptor(20, "nearest"), {"layers": relu2}, 3, 12),
        make(gen, "area down to 12", descriptor(12, "area"), {"layers": relu2, "distance": "l1"}, 3, 24),
        make(gen, "bilinear down to 10, grayscale", descriptor(10, "bilinear"), {"layers": {"relu3_2": 1.0}}, 1, 12),
        # A low end other than 0: with [0, x] ranges only, the offset (low + high) / 2 and the
        # scale (high - low) / 2 cannot be told apart.
        make(
            gen,
            "range [-1, 1], mean 0, std 1 (Inception's input)",
            descriptor(value_range=(-1.0, 1.0), mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0]),
            {"layers": relu2},
            3,
            12,
        ),
        make(
            gen,
            "range [16, 235], bicubic down to 9",
            descriptor(9, "bicubic", value_range=(16.0, 235.0), mean=[120.0, 120.0, 120.0], std=[50.0, 50.0, 50.0]),
            {"layers": {"relu1_2": 1.0, "relu2_2": 1.0}},
            3,
            12,
        ),
    ]
    out = {"generatedBy": "scripts/features/perceptual_golden.py, torch " + torch.__version__, "module": MODULE.name, "cases": cases}
    path = RESOURCES / "perceptual-golden.json"
    path.write_text(json.dumps(out))
    print("wrote", path, "with", len(cases), "cases")
    for c in cases:
        print(f"  {c['name']}: value {c['value']:.6g}, float32 error {c['float32Error']['value']:.2g}")


if __name__ == "__main__":
    main()
