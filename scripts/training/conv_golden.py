#!/usr/bin/python3
"""Writes src/test/resources/training/conv-golden.json, the conformance cases of Gantry's
convolutional layers and architectures (package dev.gantry.training.model), computed with
PyTorch in float64 on small fixed inputs:

  conv                  nn.Conv2d, stride / padding / bias variants: output and the gradients of
                        L = sum(out * R) w.r.t. the input, the weight and the bias
  upsample              F.interpolate(scale_factor=2, mode="nearest"): output, input gradient
  batchNorm             nn.BatchNorm2d in training mode (output, updated running statistics,
                        gradients w.r.t. input, gain, bias) and in eval mode
  conditionalBatchNorm  the same for categorical conditional batch norm, with its embedding
  spectralNorm          torch.nn.utils.spectral_norm on conv weights: W_SN, new u, dL/dW
  residualBlocks        SNGAN's generator block (plain and conditional), discriminator block
                        (downsampling, identity shortcut) and optimized first block
  networks              dcgan 32 (G and D, 1 and 3 channels, D with batch norm or with spectral
                        norm), dcgan 64, conditional dcgan (projection D), resnet and conditional
                        resnet: forward, gradients w.r.t. every parameter (and D's input), state after
  gradientPenalty       WGAN-GP (Gulrajani et al. 2017) on images through a DCGAN D without batch
                        norm: value, interpolates, D-parameter gradients (second order)

The networks are scripts/export/gantry_models.py's modules and their weights are written under
their state_dict() names: the Java tests load them into Gantry's networks by these names, so the
names are checked too. gantry_models' own spectral norm is checked here against
torch.nn.utils.spectral_norm before anything is written.

Weights are redrawn at scales that keep activations of order one (PyTorch's or DCGAN's init would
leave a small network's outputs near 0, where the comparison floor hides errors), batch-norm gains,
biases and running statistics away from their initial 1, 0, 0, 1, and every input and weight is
rounded to float32 first, so Java starts from exactly these numbers. Every case also runs in
float32, with NCHW and with channels-last maps, and stores per result the larger error against
float64 as "float32Error": the Java tests allow a multiple of it (ConvGolden), since a float32
convolution's sums may cancel far below the relative tolerance's floor.

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 scripts/training/conv_golden.py
"""
import copy
import json
import math
import pathlib
import struct
import sys

import torch
import torch.nn.functional as F
from torch import nn

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "export"))
import gantry_models as gm  # noqa: E402

torch.set_default_dtype(torch.float64)


def f32(t):
    """The float64 tensor of t's values rounded to float32."""
    return t.to(torch.float32).to(torch.float64)


def compact(v):
    """The shortest decimal that reads back as the same float32 when v is one (inputs, weights),
    else 9 significant digits (references: 5e-9 relative, far below every tolerance)."""
    f = struct.unpack("f", struct.pack("f", v))[0]
    if f == v:
        for digits in range(6, 10):
            shorter = float(f"{v:.{digits}g}")
            if struct.unpack("f", struct.pack("f", shorter))[0] == f:
                return shorter
    return float(f"{v:.9g}")


def flat(t):
    return [compact(v) for v in t.detach().flatten().tolist()]


def tensor(t):
    return {"shape": list(t.shape), "values": flat(t)}


def gen(seed):
    return torch.Generator().manual_seed(seed)


def randn(g, *shape, scale=1.0):
    return f32(torch.randn(*shape, generator=g) * scale)


def unit(g, n):
    u = torch.randn(n, generator=g)
    return f32(u / u.norm())


# ---------------------------------------------------------------- weights


def randomize(module, seed):
    """Every parameter and buffer redrawn from `seed` (see the module doc), float32-rounded."""
    g = gen(seed)
    cbn_embeds = {id(m.embed) for m in module.modules() if isinstance(m, gm.ConditionalBatchNorm2d)}
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, gm.ConditionalBatchNorm2d):
                classes, c2 = m.embed.weight.shape
                c = c2 // 2
                m.embed.weight.copy_(torch.cat([1 + randn(g, classes, c, scale=0.3), randn(g, classes, c, scale=0.3)], 1))
            elif isinstance(m, nn.BatchNorm2d):
                c = m.running_mean.shape[0]
                if m.affine:
                    m.weight.copy_(1 + randn(g, c, scale=0.3))
                    m.bias.copy_(randn(g, c, scale=0.3))
                m.running_mean.copy_(randn(g, c, scale=0.2))
                m.running_var.copy_(f32(0.5 + torch.rand(c, generator=g)))
            elif isinstance(m, (nn.Conv2d, nn.Linear)) or (isinstance(m, nn.Embedding) and id(m) not in cbn_embeds):
                w = m.weight
                fan_in = w[0].numel()
                w.copy_(randn(g, *w.shape, scale=math.sqrt(2.0 / fan_in)))
                if getattr(m, "bias", None) is not None:
                    m.bias.copy_(randn(g, *m.bias.shape, scale=0.1))
            if hasattr(m, "weight_u"):
                m.weight_u.copy_(unit(g, m.weight_u.shape[0]))


def weights(module):
    return {name: tensor(t) for name, t in module.state_dict().items()}


STATE = ("running_mean", "running_var", "weight_u")


class Holder(nn.Module):
    """Puts a layer under a name, so its state_dict names are `<name>.…`."""

    def __init__(self, name, layer):
        super().__init__()
        self.name = name
        self.add_module(name, layer)

    def forward(self, *args):
        return getattr(self, self.name)(*args)


# ---------------------------------------------------------------- running a case in float64 and float32


def in_dtype(x, dtype):
    return None if x is None else (x.to(dtype) if x.is_floating_point() else x)


def channels_last(x):
    return x.contiguous(memory_format=torch.channels_last) if x is not None and x.dim() == 4 else x


def both(run, module, *inputs):
    """Runs `run(module, *inputs)` on a float64 copy (the reference) and on float32 copies, and
    returns the float64 results with, per result, the largest |float32 - float64|: the rounding
    a correct float32 implementation (PyTorch's own) makes on that tensor, which the Java tests
    allow for next to their relative tolerance. Float32 runs twice, with NCHW and with
    channels-last maps (Gantry's networks store theirs channels-last, whose kernels sum in another
    order), and the larger error counts."""
    reference = run(copy.deepcopy(module).double() if module is not None else None,
                    *[in_dtype(x, torch.float64) for x in inputs])
    single = run(copy.deepcopy(module).float() if module is not None else None,
                 *[in_dtype(x, torch.float32) for x in inputs])
    last = run(copy.deepcopy(module).float().to(memory_format=torch.channels_last) if module is not None else None,
               *[channels_last(in_dtype(x, torch.float32)) for x in inputs])
    errors = {k: max((single[k].double() - v).abs().max().item(), (last[k].double() - v).abs().max().item())
              for k, v in reference.items()}
    return reference, errors


def record(case, results, errors):
    """Results into the case: "gradParameters.<name>" under case["gradParameters"][name], etc."""
    for key, value in results.items():
        group, _, name = key.partition(".")
        if name:
            case.setdefault(group, {})[name] = flat(value)
        else:
            case[key] = tensor(value) if key == "output" else (value.item() if value.dim() == 0 else flat(value))
    case["float32Error"] = {k: compact(v) for k, v in errors.items()}
    return case


def trained(module, x, labels, loss, grad_input=True, eval_after=False, eval_before=False):
    """One training-mode pass (optionally an eval pass before or after): output, gradients of
    loss(output) w.r.t. the input and every parameter, and the state it leaves."""
    out = {}
    args = (lambda v: (v,) if labels is None else (v, labels))
    if eval_before:
        module.eval()
        with torch.no_grad():
            out["evalOutput"] = module(*args(x))
        module.train()
    xi = x.clone().requires_grad_(grad_input)
    y = module(*args(xi))
    loss(y).backward()
    out["output"] = y.detach()
    if grad_input:
        out["gradInput"] = xi.grad
    for name, p in module.named_parameters():
        out["gradParameters." + name] = p.grad.clone() if p.grad is not None else torch.zeros_like(p)
    for name, b in module.state_dict().items():
        if name.endswith(STATE):
            out["stateAfter." + name] = b.clone()
    if eval_after:
        module.eval()
        xe = x.clone().requires_grad_(True)
        ye = module(*args(xe))
        loss(ye).backward()
        out["evalOutput"] = ye.detach()
        out["evalGradInput"] = xe.grad
    return out


def against(upstream):
    return lambda y: (y * upstream.to(y.dtype)).sum()


def half_square(y):
    # dL/dout = out: no upstream needs storing for the largest tensors here.
    return y.square().sum() / 2


# ---------------------------------------------------------------- layers


CONV = [  # (in, out, k, stride, padding, bias, batch, side)
    (3, 4, 3, 1, 1, True, 2, 6),
    (2, 3, 4, 2, 1, False, 2, 8),
    (3, 1, 4, 1, 0, False, 3, 4),
    (2, 5, 1, 1, 0, True, 2, 5),
    (1, 3, 3, 2, 1, True, 2, 7),
]


def conv_case(i, spec):
    cin, cout, k, stride, padding, bias, batch, side = spec
    conv = Holder("conv", nn.Conv2d(cin, cout, k, stride, padding, bias=bias))
    randomize(conv, 100 + i)
    g = gen(200 + i)
    x = randn(g, batch, cin, side, side)
    shape = conv(x).shape
    upstream = randn(g, *shape)
    results, errors = both(lambda m, xx, r: trained(m, xx, None, against(r)), conv, x, upstream)
    case = {"in": cin, "out": cout, "kernel": k, "stride": stride, "padding": padding, "bias": bias,
            "weights": weights(conv), "input": tensor(x), "upstream": flat(upstream)}
    return record(case, results, errors)


def upsample_case(seed, shape):
    g = gen(seed)
    x = randn(g, *shape)
    upstream = randn(g, shape[0], shape[1], 2 * shape[2], 2 * shape[3])

    def run(_, xx, r):
        xi = xx.clone().requires_grad_(True)
        y = gm.upsample(xi)
        (y * r).sum().backward()
        return {"output": y.detach(), "gradInput": xi.grad}

    results, errors = both(run, None, x, upstream)
    return record({"input": tensor(x), "upstream": flat(upstream)}, results, errors)


def norm_case(layer, seed, shape, classes=0):
    """Training mode (output, stats after, gradients), then eval mode on the updated statistics."""
    holder = Holder("bn", layer)
    randomize(holder, seed)
    g = gen(seed + 1000)
    x = randn(g, *shape, scale=1.5).add(0.3)
    labels = torch.randint(0, classes, (shape[0],), generator=g) if classes else None
    upstream = randn(g, *shape)
    results, errors = both(lambda m, xx, r: trained(m, xx, labels, against(r), eval_after=True), holder, x, upstream)
    case = {"weights": weights(holder), "input": tensor(x), "upstream": flat(upstream)}
    if classes:
        case["classes"] = classes
        case["labels"] = labels.tolist()
    return record(case, results, errors)


def spectral_norm_case(seed, shape):
    """torch.nn.utils.spectral_norm on a conv weight (the reference), and gantry_models' SNConv2d
    on the same numbers, which must agree before its names are trusted."""
    g = gen(seed)
    out, cin, k, _ = shape
    weight = randn(g, *shape)
    u0 = unit(g, out)
    upstream = randn(g, *shape)

    def torch_sn(_, w, u, r):
        conv = torch.nn.utils.spectral_norm(nn.Conv2d(cin, out, k, bias=False)).to(w.dtype)
        with torch.no_grad():
            conv.weight_orig.copy_(w)
            conv.weight_u.copy_(u)
        conv.train()
        conv(torch.zeros(1, cin, k, k, dtype=w.dtype))  # the pre-forward hook: one power iteration
        (conv.weight * r).sum().backward()
        return {"weightSn": conv.weight.detach(), "uAfter": conv.weight_u.clone(), "gradWeight": conv.weight_orig.grad}

    results, errors = both(torch_sn, None, weight, u0, upstream)
    ours = gm.SNConv2d(cin, out, k, bias=False)
    with torch.no_grad():
        ours.weight.copy_(weight)
        ours.weight_u.copy_(u0)
    ours.train()
    w_sn = ours.normalized_weight()
    (w_sn * upstream).sum().backward()
    for name, a, b in (("W_SN", w_sn, results["weightSn"]), ("u", ours.weight_u, results["uAfter"]),
                       ("dW", ours.weight.grad, results["gradWeight"])):
        assert torch.allclose(a, b, rtol=1e-12, atol=1e-14), f"gantry_models.SNConv2d {name} differs from torch's"
    return record({"weight": tensor(weight), "u": flat(u0), "upstream": flat(upstream)}, results, errors)


BLOCKS = [  # (kind, in, out, downsample, classes, batch, side)
    ("generator", 4, 4, True, 0, 3, 4),
    ("generator", 3, 3, True, 3, 4, 4),
    ("discriminator", 3, 3, True, 0, 2, 8),
    ("discriminator", 3, 3, False, 0, 2, 4),
    ("optimized", 2, 4, True, 0, 2, 8),
]


def block_case(i, spec):
    kind, cin, cout, downsample, classes, batch, side = spec
    if kind == "generator":
        layer = gm.GBlock(cin, cout, classes)
    elif kind == "discriminator":
        layer = gm.DBlock(cin, cout, downsample)
    else:
        layer = gm.DBlockOptimized(cin, cout)
    holder = Holder("block", layer)
    randomize(holder, 300 + i)
    g = gen(400 + i)
    x = randn(g, batch, cin, side, side)
    labels = torch.randint(0, classes, (batch,), generator=g) if classes else None
    shape = holder(x, labels).shape if kind == "generator" else holder(x).shape
    randomize(holder, 300 + i)  # the shape probe moved the statistics and u
    upstream = randn(g, *shape)
    block_labels = labels if kind == "generator" else None
    results, errors = both(lambda m, xx, r: trained(m, xx, block_labels, against(r)), holder, x, upstream)
    case = {"kind": kind, "in": cin, "out": cout, "downsample": downsample, "classes": classes,
            "weights": weights(holder), "input": tensor(x), "upstream": flat(upstream)}
    if classes:
        case["labels"] = labels.tolist()
    return record(case, results, errors)


# ---------------------------------------------------------------- networks


def manifest(arch, resolution, channels, latent, width, norm="none", spectral=False, classes=0):
    return {"architecture": arch, "resolution": resolution, "channels": channels, "latentDim": latent,
            "width": width, "discriminatorNorm": norm, "spectralNorm": spectral, "conditional": classes > 0,
            "classes": classes}


NETWORKS = [  # (manifest, batch, G in eval mode too); every one is run as G and as D
    (manifest("dcgan", 32, 1, 8, 4, norm="batch"), 4, True),
    (manifest("dcgan", 32, 3, 8, 4, norm="batch"), 4, False),
    (manifest("dcgan", 32, 1, 6, 4, spectral=True), 4, False),
    (manifest("dcgan", 64, 1, 4, 2, norm="batch"), 2, False),
    (manifest("dcgan", 32, 1, 6, 2, spectral=True, classes=3), 4, True),
    (manifest("resnet", 32, 3, 8, 2, spectral=True), 2, True),
    (manifest("resnet", 32, 1, 4, 2, spectral=True, classes=4), 3, False),
]


def generator_case(m, batch, evaluate, seed):
    """G in training mode with L = sum(out^2) / 2; with `evaluate`, first in eval mode."""
    net = gm.build(m)
    randomize(net, seed)
    g = gen(seed + 1)
    z = randn(g, batch, m["latentDim"])
    labels = torch.randint(0, m["classes"], (batch,), generator=g) if m["conditional"] else None
    results, errors = both(
        lambda n, zz: trained(n, zz, labels, half_square, grad_input=False, eval_before=evaluate), net, z)
    case = {"role": "generator", "manifest": m, "weights": weights(net), "input": tensor(z)}
    if labels is not None:
        case["labels"] = labels.tolist()
    return record(case, results, errors)


def discriminator_case(m, batch, seed):
    net = gm.build_discriminator(m)
    randomize(net, seed)
    g = gen(seed + 1)
    r = m["resolution"]
    x = f32(torch.rand(batch, m["channels"], r, r, generator=g) * 2 - 1)
    labels = torch.randint(0, m["classes"], (batch,), generator=g) if m["conditional"] else None
    upstream = randn(g, batch, 1)
    results, errors = both(lambda n, xx, u: trained(n, xx, labels, against(u)), net, x, upstream)
    case = {"role": "discriminator", "manifest": m, "weights": weights(net), "input": tensor(x),
            "upstream": flat(upstream)}
    if labels is not None:
        case["labels"] = labels.tolist()
    return record(case, results, errors)


# ---------------------------------------------------------------- gradient penalty


def gradient_penalty_case(m, params, batch, seed):
    """Gulrajani et al. 2017, Algorithm 1, on images: eps per sample, norms over C, H, W."""
    net = gm.build_discriminator(m)
    randomize(net, seed)
    g = gen(seed + 1)
    r = m["resolution"]
    real = f32(torch.rand(batch, m["channels"], r, r, generator=g) * 2 - 1)
    fake = f32(torch.tanh(torch.randn(batch, m["channels"], r, r, generator=g)))
    draws = f32(torch.rand(batch, generator=g))

    def run(d, re, fa, dr):
        eps = dr.view(-1, 1, 1, 1)
        x = (eps * re + (1 - eps) * fa).detach().requires_grad_(True)
        grad = torch.autograd.grad(d(x).sum(), x, create_graph=True)[0]
        excess = torch.sqrt((grad ** 2).sum(dim=(1, 2, 3)) + 1e-12) - params["target"]
        if params["oneSided"]:
            # Rows on both sides of the kink, or the case would not test the one-sided form.
            assert 0 < int((excess > 0).sum()) < len(excess), "one-sided case with rows on one side only"
            excess = F.relu(excess)
        value = (excess ** 2).mean()
        value.backward()
        out = {"value": value.detach(), "interpolates": x.detach()}
        for name, p in d.named_parameters():
            out["gradParameters." + name] = p.grad
        for name, b in d.state_dict().items():
            if name.endswith(STATE):
                out["stateAfter." + name] = b.clone()
        return out

    results, errors = both(run, net, real, fake, draws)
    case = {"manifest": m, "params": params, "weights": weights(net), "real": tensor(real), "fake": tensor(fake),
            "draws": flat(draws)}
    return record(case, results, errors)


GRADIENT_PENALTY = [
    (manifest("dcgan", 32, 1, 8, 4), {"target": 1.0, "oneSided": 0}, 4, 900),
    (manifest("dcgan", 32, 3, 8, 4, spectral=True), {"target": 0.25, "oneSided": 1}, 2, 910),
    (manifest("dcgan", 64, 1, 8, 2, spectral=True), {"target": 0.05, "oneSided": 0}, 2, 920),
]


def main():
    torch.manual_seed(0)  # module constructors draw their own (immediately replaced) values
    out = {"generatedBy": "scripts/training/conv_golden.py, torch " + torch.__version__}
    out["conv"] = [conv_case(i, s) for i, s in enumerate(CONV)]
    out["upsample"] = [upsample_case(500, (2, 3, 3, 4)), upsample_case(501, (1, 2, 1, 1))]
    out["batchNorm"] = [norm_case(gm.BatchNorm2d(3), 510, (4, 3, 5, 5)), norm_case(gm.BatchNorm2d(2), 511, (2, 2, 3, 3)),
                        norm_case(gm.BatchNorm2d(4), 512, (8, 4, 1, 1))]
    out["conditionalBatchNorm"] = [norm_case(gm.ConditionalBatchNorm2d(3, 4), 520, (5, 3, 4, 4), classes=4),
                                   norm_case(gm.ConditionalBatchNorm2d(2, 2), 521, (3, 2, 2, 2), classes=2)]
    out["spectralNorm"] = [spectral_norm_case(530, (4, 3, 3, 3)), spectral_norm_case(531, (1, 6, 4, 4)),
                           spectral_norm_case(532, (5, 2, 1, 1)), spectral_norm_case(533, (8, 4, 4, 4))]
    out["residualBlocks"] = [block_case(i, s) for i, s in enumerate(BLOCKS)]
    networks = []
    for i, (m, batch, evaluate) in enumerate(NETWORKS):
        networks.append(generator_case(m, batch, evaluate, 600 + 10 * i))
        networks.append(discriminator_case(m, batch, 700 + 10 * i))
    out["networks"] = networks
    out["gradientPenalty"] = [gradient_penalty_case(*c) for c in GRADIENT_PENALTY]
    path = ROOT / "src/test/resources/training/conv-golden.json"
    path.write_text(json.dumps(out) + "\n")
    for group, cases in out.items():
        if isinstance(cases, list):
            print(group, len(cases))
    print("wrote", path.relative_to(ROOT), f"({path.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
