#!/usr/bin/env python3
"""Exports torchvision's VGG19 (ImageNet weights) as a Gantry feature network: a TorchScript module
whose forward(x) returns the ReLU outputs relu1_2, relu2_2, relu3_4, relu4_4 and relu5_4 (Johnson
et al.'s perceptual loss uses relu2_2 for content; style losses use all five), and the descriptor
POST /api/v1/feature-networks takes with it.

    python3 export_vgg19.py                     # downloads the weights (548 MB, once), writes vgg19.pt, vgg19.json
    python3 export_vgg19.py --outputs relu1_2,relu2_2,relu3_4   # a shorter network: it stops at relu3_4
    python3 export_vgg19.py --size 224          # images resized to 224x224 first (bilinear, antialiased)
    python3 export_vgg19.py --random-weights    # the same module with random weights, to try the upload

Needs torch and torchvision (Debian: apt-get install python3-torchvision). Gantry runs libtorch
2.7.1: export with torch 2.7 or older, whose TorchScript files it loads.

The convolutions take any size from 32x32 (five poolings), so without --size Gantry's images reach
the network at their own resolution; the input is torchvision's: [0, 1], ImageNet mean and std.
"""
import sys
from typing import Dict, List

import feature_export

# Index in torchvision's vgg19().features of each ReLU exported, in network order.
TAPS = {"relu1_2": 3, "relu2_2": 8, "relu3_4": 17, "relu4_4": 26, "relu5_4": 35}
IMAGENET = {"range": [0.0, 1.0], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
RESIZE = ["bilinear", "bicubic", "area", "nearest"]


def descriptor(name, outputs, size=None, resize="bilinear"):
    inp = {"channels": 3, **IMAGENET}
    if size is not None:
        inp["size"] = size
        inp["resize"] = resize
    return {"name": name, "input": inp, "outputs": outputs}


def module(features, outputs):
    import torch
    from torch import nn

    class Vgg19Taps(nn.Module):
        """features cut after each exported ReLU: block i ends at the i-th output."""

        def __init__(self):
            super().__init__()
            ends = [TAPS[o] + 1 for o in outputs]
            self.blocks = nn.ModuleList(features[a:b] for a, b in zip([0] + ends[:-1], ends))
            self.names: List[str] = list(outputs)

        def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
            out: Dict[str, torch.Tensor] = {}
            i = 0
            for block in self.blocks:
                x = block(x)
                out[self.names[i]] = x
                i += 1
            return out

    return Vgg19Taps()


def main():
    p = feature_export.options(__doc__.split("\n\n")[0], "vgg19")
    p.add_argument("--outputs", default=",".join(TAPS), help="comma-separated, of %(default)s")
    p.add_argument("--size", type=int, help="the side images are resized to first (default: their own)")
    p.add_argument("--resize", default="bilinear", choices=RESIZE, help="with --size; default %(default)s")
    args = p.parse_args()
    outputs = [o for o in args.outputs.split(",") if o]
    unknown = [o for o in outputs if o not in TAPS]
    if unknown or not outputs:
        sys.exit("--outputs: unknown %s; VGG19's are %s" % (unknown, list(TAPS)))
    outputs = sorted(set(outputs), key=TAPS.get)
    desc = descriptor(feature_export.name(args, "vgg19"), outputs, args.size, args.resize)
    if args.descriptor_only:
        feature_export.write_descriptor(args.out, desc)
        return

    import torch
    import torchvision

    model = feature_export.pretrained(torchvision.models.vgg19, torchvision.models.VGG19_Weights.IMAGENET1K_V1, args)
    features = model.features.eval()
    mean = torch.tensor(IMAGENET["mean"]).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET["std"]).view(1, 3, 1, 1)

    def reference(images):
        # torchvision's own layers, one at a time, on ToTensor and Normalize's input.
        x = ((images + 1) / 2 - mean) / std
        taps = {}
        for i, layer in enumerate(features[: TAPS[outputs[-1]] + 1]):
            x = layer(x.clone())
            for o in outputs:
                if TAPS[o] == i:
                    taps[o] = x.clone()
        return taps

    sides = [args.size] if args.size else [32, 64]
    feature_export.save(module(features, outputs), desc, args.out, sides, reference)


if __name__ == "__main__":
    main()
