#!/usr/bin/python3
"""PyTorch eager reference for BareLoopBenchmark: the same grid25 GAN step (MLP 256x3, latent 2,
batch 256, Adam 1e-4 (0.5, 0.9), non-saturating, 1 D step, D frozen in the G step, real and fake in
one D forward). Prints steps/s.

Usage: /usr/bin/python3 scripts/training/bare_loop_torch.py [steps=1000] [warmup=200]
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
torch.set_num_threads(2)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 200
B, H, L, Z = 256, 256, 3, 2


def mlp(inp, out, act):
    layers, d = [], inp
    for _ in range(L):
        layers += [nn.Linear(d, H), act()]
        d = H
    return nn.Sequential(*layers, nn.Linear(d, out))


G = mlp(Z, 2, nn.ReLU)
D = mlp(2, 1, lambda: nn.LeakyReLU(0.2))
opt_g = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.5, 0.9))
opt_d = torch.optim.Adam(D.parameters(), lr=1e-4, betas=(0.5, 0.9))
modes = torch.tensor([[2.0 * i, 2.0 * j] for i in range(-2, 3) for j in range(-2, 3)])


def real_batch():
    return modes[torch.randint(0, 25, (B,))] + 0.05 * torch.randn(B, 2)


def step():
    D.requires_grad_(True)
    opt_d.zero_grad(set_to_none=False)
    with torch.no_grad():
        fake = G(torch.randn(B, Z))
    logits = D(torch.cat([real_batch(), fake]))
    lr_, lf = logits[:B], logits[B:]
    loss_d = F.softplus(-lr_).mean() + F.softplus(lf).mean()
    loss_d.backward()
    opt_d.step()
    D.requires_grad_(False)
    opt_g.zero_grad(set_to_none=False)
    loss_g = F.softplus(-D(G(torch.randn(B, Z)))).mean()
    loss_g.backward()
    opt_g.step()
    return loss_d.item(), loss_g.item()


for _ in range(warmup):
    step()
t = time.perf_counter()
for _ in range(steps):
    step()
s = time.perf_counter() - t
print(f"torch {torch.__version__} grid25 mlp 256x3 batch 256, {steps} steps after {warmup} warm-up: "
      f"{s:.2f} s, {steps / s:.1f} steps/s")
