#!/usr/bin/python3
"""Writes the small feature networks the tests upload, each a TorchScript module and its
descriptor, into src/test/resources/features/. They have the form of the real ones that
export_vgg19.py and export_inception.py write (forward(x) -> Dict[str, Tensor], one entry per named
output), with random weights from a fixed seed: nothing is downloaded.

  vgg_tiny      a VGG-style stack (3x3 convolutions and ReLUs, max pooling between blocks) with the
                ReLU taps relu1_2, relu2_2, relu3_2 named as VGG's; any input size; ImageNet's
                [0, 1] range and mean/std, as torchvision's VGG19 takes them
  pooled_tiny   a pooled-feature network for the metrics: convolutions, a batch norm (frozen with
                torch.jit.freeze, as export_inception.py does, so training mode cannot change it),
                global average pooling to a vector "pool"; a fixed 48x48 input reached by bilinear
                resizing, Caffe's [0, 255] range and per-channel mean/std
  gray_tiny     one input channel, one output: a grayscale network

and the hostile ones the validation must refuse (each with a descriptor that would be fine):

  throws        forward raises an exception
  nan           an output full of NaN
  wrong_batch   an output that lost the batch axis
  missing       a declared output it does not return
  not_a_dict    returns a tensor, not a dict of named outputs
  dropout       dropout: other values in training mode than in evaluation mode
  detached      outputs cut off from the input: no gradient would reach a generator
  endless       a loop that does not end

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 scripts/features/make_test_networks.py
"""
import json
import pathlib
from typing import Dict

import torch
from torch import nn
import torch.nn.functional as F

OUT = pathlib.Path("src/test/resources/features")

IMAGENET = {"range": [0.0, 1.0], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}


class VggTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1_1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv1_2 = nn.Conv2d(8, 8, 3, padding=1)
        self.conv2_1 = nn.Conv2d(8, 16, 3, padding=1)
        self.conv2_2 = nn.Conv2d(16, 16, 3, padding=1)
        self.conv3_1 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3_2 = nn.Conv2d(32, 32, 3, padding=1)

    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        out: Dict[str, torch.Tensor] = {}
        x = F.relu(self.conv1_1(x))
        x = F.relu(self.conv1_2(x))
        out["relu1_2"] = x
        x = F.max_pool2d(x, 2)
        x = F.relu(self.conv2_1(x))
        x = F.relu(self.conv2_2(x))
        out["relu2_2"] = x
        x = F.max_pool2d(x, 2)
        x = F.relu(self.conv3_1(x))
        x = F.relu(self.conv3_2(x))
        out["relu3_2"] = x
        return out


class PooledTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)

    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.conv2(x))
        return {"pool": F.adaptive_avg_pool2d(x, 1).flatten(1)}


class GrayTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)

    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"relu1": F.relu(self.conv(x))}


class Throws(nn.Module):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        if x.numel() > 0:
            raise RuntimeError("this module refuses every input")
        return {"relu1_2": x}


class Nan(VggTiny):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        y = F.relu(self.conv1_1(x))
        return {"relu1_2": y * float("nan")}


class WrongBatch(VggTiny):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"relu1_2": F.relu(self.conv1_1(x)).mean(0)}


class Missing(VggTiny):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"relu1_1": F.relu(self.conv1_1(x))}


class NotADict(VggTiny):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.conv1_1(x))


class Dropout(VggTiny):
    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(0.5)

    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"relu1_2": self.drop(F.relu(self.conv1_1(x)))}


class Detached(VggTiny):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"relu1_2": F.relu(self.conv1_1(x)).detach()}


class Endless(nn.Module):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        i = 0
        while i >= 0:
            i += 1
            x = x + 0.0
        return {"relu1_2": x}


def descriptor(name, channels, outputs, size=None, resize=None, norm=None):
    norm = norm or IMAGENET
    d = {"name": name, "input": {"channels": channels}, "outputs": outputs}
    if size is not None:
        d["input"]["size"] = size
        d["input"]["resize"] = resize
    d["input"].update({k: v[:channels] if k != "range" else v for k, v in norm.items()})
    return d


def order_one(module):
    """He-initialised convolutions (std sqrt(2 / fan_in)) and small biases: features of order one
    through the ReLU stack, so the golden values are not lost under a comparison's floor."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                m.bias.uniform_(-0.1, 0.1)
    return module


def frozen(module):
    """Parameters that need no gradient, and the graph scripted as the module was in eval mode."""
    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return torch.jit.script(module)


def save(name, scripted, desc):
    scripted.save(str(OUT / (name + ".pt")))
    (OUT / (name + ".json")).write_text(json.dumps(desc, indent=2) + "\n")
    print("wrote", OUT / (name + ".pt"), "and .json")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(20260101)
    vgg_outputs = ["relu1_2", "relu2_2", "relu3_2"]
    save("vgg_tiny", frozen(order_one(VggTiny())), descriptor("vgg-tiny", 3, vgg_outputs))

    pooled = PooledTiny()
    with torch.no_grad():
        # Running statistics away from 0 and 1, so evaluation mode visibly differs from batch statistics.
        pooled.bn1.running_mean.uniform_(-0.5, 0.5)
        pooled.bn1.running_var.uniform_(0.5, 2.0)
        pooled.bn1.weight.uniform_(0.5, 1.5)
        pooled.bn1.bias.uniform_(-0.2, 0.2)
    caffe = {"range": [0.0, 255.0], "mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375]}
    save(
        "pooled_tiny",
        torch.jit.freeze(frozen(pooled)),
        descriptor("pooled-tiny", 3, ["pool"], size=48, resize="bilinear", norm=caffe),
    )
    gray = {"range": [-1.0, 1.0], "mean": [0.0], "std": [1.0]}
    save("gray_tiny", frozen(GrayTiny()), descriptor("gray-tiny", 1, ["relu1"], norm=gray))

    one = ["relu1_2"]
    for name, module in [
        ("throws", Throws()),
        ("nan", Nan()),
        ("wrong_batch", WrongBatch()),
        ("missing", Missing()),
        ("not_a_dict", NotADict()),
        ("dropout", Dropout()),
        ("detached", Detached()),
        ("endless", Endless()),
    ]:
        save(name, frozen(module), descriptor(name.replace("_", "-"), 3, one))


if __name__ == "__main__":
    main()
