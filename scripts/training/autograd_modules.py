#!/usr/bin/python3
"""Writes the two TorchScript helpers the training core loads for double backprop
(docs/architecture.md, "Double backprop"):

  src/main/resources/training/input_gradient.pt   forward(out, inp) -> d(sum out)/d(inp), with its graph
  src/main/resources/training/gradient_norms.pt   forward(losses, params) -> ||d loss_k / d params|| for each k

DJL cannot take a gradient with create_graph=True without leaking (the .grad it writes holds the
graph that made it). torch.autograd.grad returns the gradient instead of writing .grad, so nothing
holds the graph but the tensors of the step, and closing them frees it.

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 scripts/training/autograd_modules.py
"""
import pathlib
from typing import List

import torch


class InputGradient(torch.nn.Module):
    """The gradient of sum(out) w.r.t. inp, itself differentiable (create_graph=True), so a
    penalty on it back-propagates into the parameters that made out (second order)."""

    def forward(self, out: torch.Tensor, inp: torch.Tensor) -> torch.Tensor:
        grads = torch.autograd.grad([out.sum()], [inp], create_graph=True)
        g = grads[0]
        assert g is not None, "out does not depend on inp"
        return g


class GradientNorms(torch.nn.Module):
    """For each scalar in losses, the global L2 norm of its gradient w.r.t. all params, as a
    detached 1-D tensor. retain_graph=True keeps the graphs for the step's own backward; a
    parameter a loss does not reach (or a loss that reaches none) counts as a zero gradient."""

    def forward(self, losses: List[torch.Tensor], params: List[torch.Tensor]) -> torch.Tensor:
        norms: List[torch.Tensor] = []
        for loss in losses:
            total = torch.zeros([], dtype=loss.dtype)
            if loss.requires_grad:
                grads = torch.autograd.grad([loss], params, retain_graph=True, allow_unused=True)
                for g in grads:
                    if g is not None:
                        total = total + (g * g).sum()
            norms.append(total.sqrt())
        return torch.stack(norms).detach()


def main():
    out_dir = pathlib.Path("src/main/resources/training")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, module in (("input_gradient.pt", InputGradient()), ("gradient_norms.pt", GradientNorms())):
        path = out_dir / name
        torch.jit.script(module).save(str(path))
        print("wrote", path, "with torch", torch.__version__)


if __name__ == "__main__":
    main()
