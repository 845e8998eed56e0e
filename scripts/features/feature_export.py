"""What export_vgg19.py and export_inception.py share: their options, the descriptor file, and
scripting, freezing, checking and saving the module.

A feature network for Gantry is a TorchScript module whose forward(x) returns a dict of named
tensors, uploaded with a JSON descriptor (POST /api/v1/feature-networks, parts "descriptor" then
"module"):

  {"name": "vgg19",
   "input": {"channels": 3, "range": [0.0, 1.0], "mean": [...], "std": [...],
             "size": 224, "resize": "bilinear"},          # size and resize: optional, together
   "outputs": ["relu1_2", ...]}

Gantry maps its images from [-1, 1] onto "range", resizes them to "size" if one is given, then
subtracts "mean" and divides by "std" per channel, and runs the module with autograd on, in
training mode: the module is frozen here (torch.jit.freeze) so that batch norm and dropout cannot
change with the mode, and Gantry's validation refuses one whose outputs do.

The standard library only until the module is built, so --descriptor-only runs without torch.
"""
import argparse
import json
import os
import sys
import time


def options(description, default_out):
    p = argparse.ArgumentParser(description=description)
    weights = p.add_mutually_exclusive_group()
    weights.add_argument(
        "--random-weights",
        action="store_true",
        help="random weights from a fixed seed instead of the pretrained ones: the same module, for trying"
        " the upload where the weights cannot be downloaded (useless for training)",
    )
    weights.add_argument(
        "--weights",
        metavar="FILE",
        help="torchvision's pretrained weights file (.pth), already downloaded, instead of downloading it",
    )
    p.add_argument(
        "--out",
        default=default_out,
        metavar="PREFIX",
        help="writes PREFIX.pt (the module) and PREFIX.json (the descriptor); default %(default)s",
    )
    p.add_argument("--name", help="the descriptor's name; default the network's, with -random for random weights")
    p.add_argument(
        "--descriptor-only",
        action="store_true",
        help="write PREFIX.json only (no torch needed), e.g. to upload the same module under other settings",
    )
    return p


def name(args, default):
    if args.name:
        return args.name
    return default + ("-random" if args.random_weights else "")


def write_descriptor(prefix, descriptor):
    path = prefix + ".json"
    with open(path, "w") as f:
        json.dump(descriptor, f, indent=2)
        f.write("\n")
    print("wrote", path)


def step(text):
    print(text, "…", flush=True)


def save(module, descriptor, prefix, check_sides, reference):
    """Scripts and freezes the module (in eval mode, parameters without gradient), checks it, and
    writes PREFIX.pt and PREFIX.json.

    reference(x) gives the same outputs from the original model, independently of the module, for
    the check on x (Gantry's images, (N, C, H, W) in [-1, 1], already resized).
    """
    import torch

    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    step("scripting and freezing")
    started = time.monotonic()
    frozen = torch.jit.freeze(torch.jit.script(module))
    check(frozen, descriptor, check_sides, reference)
    path = prefix + ".pt"
    frozen.save(path)
    print("wrote %s: %.1f MB (%.0f s)" % (path, os.path.getsize(path) / 1e6, time.monotonic() - started))
    write_descriptor(prefix, descriptor)


def check(frozen, descriptor, sides, reference):
    """What Gantry's validation will find, found here first: every declared output, finite, with
    the batch axis, equal in training and evaluation mode, and equal to the original model's."""
    import torch

    torch.manual_seed(0)
    inp = descriptor["input"]
    lo, hi = inp["range"]
    mean = torch.tensor(inp["mean"]).view(1, -1, 1, 1)
    std = torch.tensor(inp["std"]).view(1, -1, 1, 1)
    for side in sides:
        step("checking at %d×%d" % (side, side))
        images = torch.rand(2, inp["channels"], side, side) * 2 - 1
        x = (lo + (images + 1) * (hi - lo) / 2 - mean) / std
        with torch.no_grad():
            frozen.train()
            trained = frozen(x)
            frozen.eval()
            evaluated = frozen(x)
            expected = reference(images)
        missing = [o for o in descriptor["outputs"] if o not in evaluated]
        if missing:
            sys.exit("the module does not return %s; it returns %s" % (missing, list(evaluated)))
        for o in descriptor["outputs"]:
            a = evaluated[o]
            scale = expected[o].abs().max().item()
            error = (a - expected[o]).abs().max().item()
            mode = (trained[o] - a).abs().max().item()
            print("  %-8s %-18s largest |value| %.3g, differs from the model by %.1e, train/eval by %.1e"
                  % (o, tuple(a.shape[1:]), scale, error, mode))
            if a.shape[0] != 2 or not torch.isfinite(a).all() or error > 1e-3 * max(scale, 1) or mode != 0:
                sys.exit("output %s is not what the model gives" % o)


def pretrained(build, weights_enum, args):
    """The torchvision model with the weights the options ask for."""
    import torch

    if args.random_weights:
        torch.manual_seed(0)
        return build(weights=None)
    if args.weights:
        model = build(weights=None)
        model.load_state_dict(torch.load(args.weights, map_location="cpu"))
        return model
    step("loading %s (downloaded to ~/.cache/torch on first use)" % weights_enum)
    try:
        return build(weights=weights_enum)
    except Exception as e:  # no network, a proxy, a partial file: say what to do instead
        sys.exit("could not load %s: %s\n(download it elsewhere and pass --weights FILE, or try --random-weights)"
                 % (weights_enum, e))
