#!/usr/bin/env python3
"""Exports torchvision's Inception v3 (ImageNet weights) as a Gantry feature network: a TorchScript
module whose forward(x) returns "pool3", the 2048-d average pool before the classifier (the
features FID, KID and precision/recall compare), and the descriptor POST /api/v1/feature-networks
takes with it.

    python3 export_inception.py                     # downloads the weights (104 MB, once), writes inception-v3.pt, .json
    python3 export_inception.py --random-weights    # the same module with random weights, to try the upload

Needs torch and torchvision (Debian: apt-get install python3-torchvision). Gantry runs libtorch
2.7.1: export with torch 2.7 or older, whose TorchScript files it loads.

Images are resized to 299x299 (bilinear) and reach the network in [-1, 1], as Google's weights
expect: torchvision's transform_input does the same from ImageNet-normalised input, so it is left
out. These are torchvision's weights, not the TensorFlow graph that published FIDs use (pytorch-fid's
pt_inception weights): FIDs compare between Gantry runs on the same network, not with papers.
"""
import copy
from typing import Dict

import feature_export

# The layers of torchvision's Inception3 up to its average pool, in order.
LAYERS = [
    "Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1", "Conv2d_3b_1x1", "Conv2d_4a_3x3",
    "maxpool2", "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d",
    "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c", "avgpool",
]
SIZE = 299


def descriptor(name):
    inp = {"channels": 3, "size": SIZE, "resize": "bilinear", "range": [-1.0, 1.0],
           "mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0]}
    return {"name": name, "input": inp, "outputs": ["pool3"]}


def module(model):
    import torch
    from torch import nn

    class InceptionPool3(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(*[getattr(model, n) for n in LAYERS])

        def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
            return {"pool3": torch.flatten(self.body(x), 1)}

    return InceptionPool3()


def calibrate(model):
    """Batch-norm statistics of random weights measured on random images: with the initial ones
    (mean 0, variance 1) the activations grow layer after layer, to ~1e12 at pool3."""
    import torch

    feature_export.step("measuring batch-norm statistics for the random weights")
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # a plain average over the batches
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(torch.rand(4, 3, SIZE, SIZE) * 2 - 1)


def main():
    p = feature_export.options(__doc__.split("\n\n")[0], "inception-v3")
    args = p.parse_args()
    desc = descriptor(feature_export.name(args, "inception-v3"))
    if args.descriptor_only:
        feature_export.write_descriptor(args.out, desc)
        return

    import torch
    import torchvision

    def build(weights):
        # aux_logits as the weights file has them (load_state_dict is strict); the aux head is not exported.
        return torchvision.models.inception_v3(
            weights=weights, aux_logits=True, transform_input=False, init_weights=weights is None)

    model = feature_export.pretrained(build, torchvision.models.Inception_V3_Weights.IMAGENET1K_V1, args)
    if args.random_weights:
        calibrate(model)
    model.eval()
    reference_model = copy.deepcopy(model)
    reference_model.transform_input = True
    reference_model.fc = torch.nn.Identity()
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

    def reference(images):
        # torchvision's whole model as its weights are meant to be used: ToTensor and Normalize's
        # input, transform_input on, the classifier replaced by the identity.
        return {"pool3": reference_model(((images + 1) / 2 - mean) / std)}

    feature_export.save(module(model), desc, args.out, [SIZE], reference)


if __name__ == "__main__":
    main()
