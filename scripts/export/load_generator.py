#!/usr/bin/env python3
"""Rebuilds a Gantry generator in PyTorch from an export and runs it on given latents.

    python3 load_generator.py EXPORT.zip --latents z.npy [--labels y.npy] --out x.npy
    python3 load_generator.py EXPORT.zip --inputs small.npy --out x.npy      # a super-resolution generator
    python3 load_generator.py manifest.json generator.safetensors --latents z.npy --out x.npy
    python3 load_generator.py EXPORT_DIR                      # load and describe only

EXPORT.zip is what GET /api/v1/jobs/{id}/export returns; its two files (or a folder holding them)
work as well. The generator is built by gantry_models.build(manifest["model"]); its weights are read
from generator.safetensors (checked against the manifest's sha256, parsed by hand with the checks of
huggingface/safetensors, never evaluated) and loaded with load_state_dict(strict=True); it then
runs in eval mode without gradients. z.npy holds float32 latents of shape (n, latentDim); y.npy
int64 classes of shape (n,) for a conditional generator. x.npy receives float32 samples of shape
(n, *output shape); for images, pixel = (x + 1) * 127.5, as the manifest says.

As a module: model, manifest = load_export(paths).
"""

import argparse
import hashlib
import json
import math
import os
import sys
import zipfile

import numpy as np
import torch

import gantry_models

MANIFEST = "manifest.json"
WEIGHTS = "generator.safetensors"
MAX_HEADER_BYTES = 100_000_000

# safetensors dtype -> (numpy little-endian dtype, bytes per element)
DTYPES = {
    "F64": ("<f8", 8), "F32": ("<f4", 4), "F16": ("<f2", 2),
    "I64": ("<i8", 8), "I32": ("<i4", 4), "I16": ("<i2", 2), "I8": ("i1", 1),
    "U8": ("u1", 1), "BOOL": ("?", 1),
}


class ExportError(Exception):
    """The export cannot be loaded; the message says why."""


def read_safetensors(data):
    """Tensors by name from the bytes of a safetensors file, checked as huggingface's tensor.rs does.

    The header is parsed as JSON data (never evaluated): at most 100 MB, UTF-8, an object without
    duplicate keys; tensors must follow one another from offset 0 and span shape x dtype size bytes
    each, and the last must end exactly at the end of the file.
    """
    if len(data) < 8:
        raise ExportError(f"safetensors: {len(data)} bytes, fewer than the 8 of the header length")
    n = int.from_bytes(data[:8], "little")
    if n > MAX_HEADER_BYTES:
        raise ExportError(f"safetensors: header of {n} bytes, the limit is {MAX_HEADER_BYTES}")
    if 8 + n > len(data):
        raise ExportError(f"safetensors: header of {n} bytes in a file of {len(data)}")
    try:
        text = data[8:8 + n].decode("utf-8")
    except UnicodeDecodeError:
        raise ExportError("safetensors: the header is not UTF-8") from None
    if not text.startswith("{"):
        raise ExportError("safetensors: the header does not start with '{'")

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ExportError("safetensors: the header repeats a key")
        return dict(pairs)

    try:
        header = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        raise ExportError(f"safetensors: the header is not JSON: {e}") from None
    header.pop("__metadata__", None)
    infos = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise ExportError(f"safetensors: tensor {name}: expected dtype, shape and data_offsets")
        if info["dtype"] not in DTYPES:
            raise ExportError(f"safetensors: tensor {name}: dtype {info['dtype']!r} is not supported here")
        shape, offsets = info["shape"], info["data_offsets"]
        naturals = lambda xs: isinstance(xs, list) and all(type(x) is int and x >= 0 for x in xs)
        if not naturals(shape) or not naturals(offsets) or len(offsets) != 2:
            raise ExportError(f"safetensors: tensor {name}: bad shape or data_offsets")
        infos.append((offsets[0], offsets[1], name, info["dtype"], shape))
    infos.sort()
    start = 0
    tensors = {}
    for begin, end, name, dtype, shape in infos:
        if begin != start or end < begin:
            raise ExportError(f"safetensors: tensor {name} does not start where the previous one ends")
        numpy_dtype, size = DTYPES[dtype]
        if end - begin != math.prod(shape) * size:
            raise ExportError(f"safetensors: tensor {name} of shape {shape} does not span {end - begin} bytes")
        start = end
        array = np.frombuffer(data, dtype=numpy_dtype, count=math.prod(shape), offset=8 + n + begin)
        tensors[name] = torch.from_numpy(array.reshape(shape).astype(array.dtype.newbyteorder("="), copy=True))
    if 8 + n + start != len(data):
        raise ExportError(f"safetensors: the tensors end at byte {8 + n + start} of a file of {len(data)}")
    return tensors


def read_export(paths):
    """(manifest dict, safetensors bytes) from an export zip, a folder, or the two files."""
    if len(paths) == 1 and zipfile.is_zipfile(paths[0]):
        with zipfile.ZipFile(paths[0]) as z:
            names = set(z.namelist())
            if not {MANIFEST, WEIGHTS} <= names:
                raise ExportError(f"{paths[0]} holds {sorted(names)}, not {MANIFEST} and {WEIGHTS}")
            return json.loads(z.read(MANIFEST)), z.read(WEIGHTS)
    if len(paths) == 1 and os.path.isdir(paths[0]):
        paths = [os.path.join(paths[0], MANIFEST), os.path.join(paths[0], WEIGHTS)]
    manifests = [p for p in paths if p.endswith(".json")]
    weights = [p for p in paths if p.endswith(".safetensors")]
    if len(paths) != 2 or len(manifests) != 1 or len(weights) != 1:
        raise ExportError("give an export zip, a folder, or its manifest.json and generator.safetensors")
    with open(manifests[0], "rb") as f:
        manifest = json.load(f)
    with open(weights[0], "rb") as f:
        return manifest, f.read()


def load_export(paths):
    """The generator of an export, weights loaded, in eval mode; and its manifest."""
    manifest, weights = read_export(paths)
    if manifest.get("format") != "gantry-generator":
        raise ExportError(f"not a Gantry generator export: format {manifest.get('format')!r}")
    digest = hashlib.sha256(weights).hexdigest()
    if digest != manifest["weights"]["sha256"]:
        raise ExportError(f"{WEIGHTS} has sha256 {digest}, the manifest says {manifest['weights']['sha256']}")
    state = read_safetensors(weights)
    model = gantry_models.build(manifest["model"])
    expected = model.state_dict()
    # PyTorch's batch norm counts its updates in a buffer Gantry does not keep; eval mode never reads it.
    for name, value in expected.items():
        if name not in state and name.endswith("num_batches_tracked"):
            state[name] = torch.zeros_like(value)
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise ExportError(f"weights do not fit the {manifest['model']['architecture']} module:"
                          f" missing {missing}, unexpected {unexpected}")
    model.load_state_dict(state, strict=True)
    model.eval()
    return model, manifest


def generate(model, manifest, latents, labels=None):
    """Samples for the given latents (and labels), as a float32 numpy array."""
    latents = np.asarray(latents)
    dim = manifest["latent"]["dim"]
    if latents.dtype != np.float32 or latents.ndim != 2 or latents.shape[1] != dim:
        raise ExportError(f"latents must be float32 of shape (n, {dim}), got {latents.dtype} {latents.shape}")
    y = None
    if manifest["latent"]["conditional"]:
        if labels is None:
            raise ExportError("the generator is conditional: give --labels")
        labels = np.asarray(labels)
        if labels.shape != (latents.shape[0],) or labels.dtype.kind not in "iu":
            raise ExportError(f"labels must be integers of shape ({latents.shape[0]},), got {labels.dtype} {labels.shape}")
        y = torch.from_numpy(labels.astype(np.int64))
    elif labels is not None:
        raise ExportError("the generator is unconditional; it takes no labels")
    with torch.no_grad():
        return model(torch.from_numpy(latents), y).numpy().astype(np.float32)


def upscale(model, manifest, inputs):
    """A super-resolution generator's outputs for low-resolution images (n, C, h, w) in [-1, 1]."""
    inputs = np.asarray(inputs)
    channels = manifest["data"]["channels"]
    if inputs.dtype != np.float32 or inputs.ndim != 4 or inputs.shape[1] != channels:
        raise ExportError(f"inputs must be float32 of shape (n, {channels}, h, w), got {inputs.dtype} {inputs.shape}")
    with torch.no_grad():
        return model(torch.from_numpy(inputs)).numpy().astype(np.float32)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", nargs="+", help="export zip, folder, or manifest.json and generator.safetensors")
    parser.add_argument("--latents", help="NPY of float32 latents, shape (n, latentDim)")
    parser.add_argument("--labels", help="NPY of int64 classes, shape (n,), for conditional generators")
    parser.add_argument("--inputs", help="NPY of float32 low-resolution images (n, C, h, w), for super-resolution")
    parser.add_argument("--out", help="NPY to write the samples to")
    args = parser.parse_args(argv)
    try:
        model, manifest = load_export(args.export)
        parameters = sum(p.numel() for p in model.parameters())
        print(f"{manifest['architecture']} generator of job {manifest['jobId']} at step {manifest['step']}"
              f" ({'moving average' if manifest['ema'] else 'raw weights'}), {parameters} parameters")
        super_resolution = manifest["model"].get("scale") is not None
        if args.inputs:
            if not super_resolution or not args.out:
                raise ExportError("--inputs is for super-resolution generators and needs --out")
            samples = upscale(model, manifest, np.load(args.inputs, allow_pickle=False))
            np.save(args.out, samples, allow_pickle=False)
            print(f"wrote {args.out}: {samples.dtype} {samples.shape}")
        elif args.latents:
            if not args.out:
                raise ExportError("--latents needs --out")
            labels = np.load(args.labels, allow_pickle=False) if args.labels else None
            samples = generate(model, manifest, np.load(args.latents, allow_pickle=False), labels)
            np.save(args.out, samples, allow_pickle=False)
            print(f"wrote {args.out}: {samples.dtype} {samples.shape}")
    except (ExportError, OSError, ValueError, KeyError) as e:
        print(f"load_generator: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
