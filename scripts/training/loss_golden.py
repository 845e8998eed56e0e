#!/usr/bin/python3
"""Writes src/test/resources/training/loss-golden.json: PyTorch values and gradients of every
adversarial loss on small fixed logits, for LossGoldenTest.

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 scripts/training/loss_golden.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)  # the reference is computed in double, Java in float32

# Mixed signs, magnitudes from tiny to saturating (±30 tests softplus stability), none at a hinge kink.
REAL = [[0.7], [-1.3], [2.5], [0.05], [30.0], [-4.2]]
FAKE = [[-0.4], [1.8], [-2.2], [0.3], [-30.0], [3.6]]


def d_losses(r, f):
    return {
        "non-saturating": F.softplus(-r).mean() + F.softplus(f).mean(),
        "minimax": F.softplus(-r).mean() + F.softplus(f).mean(),
        "least-squares": 0.5 * ((r - 1) ** 2).mean() + 0.5 * (f ** 2).mean(),
        "wasserstein": f.mean() - r.mean(),
        "hinge": F.relu(1 - r).mean() + F.relu(1 + f).mean(),
    }


def g_losses(f):
    return {
        "non-saturating": F.softplus(-f).mean(),
        "minimax": -F.softplus(f).mean(),  # = mean log(1 - sigmoid(f))
        "least-squares": 0.5 * ((f - 1) ** 2).mean(),
        "wasserstein": -f.mean(),
        "hinge": -f.mean(),
    }


def main():
    out = {"real": REAL, "fake": FAKE, "losses": {}}
    for name in d_losses(torch.zeros(1, 1), torch.zeros(1, 1)):
        r = torch.tensor(REAL, requires_grad=True)
        f = torch.tensor(FAKE, requires_grad=True)
        d = d_losses(r, f)[name]
        d.backward()
        f2 = torch.tensor(FAKE, requires_grad=True)
        g = g_losses(f2)[name]
        g.backward()
        out["losses"][name] = {
            "d": d.item(),
            "dGradReal": r.grad.flatten().tolist(),
            "dGradFake": f.grad.flatten().tolist(),
            "g": g.item(),
            "gGradFake": f2.grad.flatten().tolist(),
        }
    out["generatedBy"] = "scripts/training/loss_golden.py, torch " + torch.__version__
    path = pathlib.Path("src/test/resources/training/loss-golden.json")
    path.write_text(json.dumps(out, indent=2) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
