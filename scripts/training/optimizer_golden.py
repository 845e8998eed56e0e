#!/usr/bin/python3
"""Writes src/test/resources/training/optimizer-golden.json: parameters of a small fixed MLP after
torch.optim.Adam steps under a LambdaLR schedule (AdamConformanceTest), and a generator's
exponential moving average kept by torch.optim.swa_utils.AveragedModel (EmaConformanceTest).

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 scripts/training/optimizer_golden.py
"""
import json
import pathlib

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel

STEPS = 5

# Names as the Java side gives them (MlpNetworks: fc<i>.weight, fc<i>.bias).
def named(model):
    return {f"fc{int(k.split('.')[0]) // 2}.{k.split('.')[1]}": p for k, p in model.named_parameters()}


def mlp(inputs, hidden, outputs):
    # Linear, activation, Linear: indices 0 and 2, i.e. fc0 and fc1.
    return nn.Sequential(nn.Linear(inputs, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, outputs))


def tensors(params):
    return {k: {"shape": list(p.shape), "values": p.detach().flatten().tolist()} for k, p in params.items()}


def linear_lambda(decay_start):
    # lr factor after `completed` scheduler steps: CycleGAN's linear policy, reaching 0 after STEPS.
    return lambda completed: 1.0 if completed <= decay_start else (STEPS - completed) / (STEPS - decay_start)


def adam_case(name, lr, betas, schedule, decay_start, seed):
    torch.manual_seed(seed)
    model = mlp(2, 3, 1)  # the discriminator shape of ModelConfig("mlp", 2, 3, 1)
    params = named(model)
    initial = tensors(params)
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=betas, eps=1e-8)
    factor = linear_lambda(decay_start) if schedule == "linear" else (lambda completed: 1.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    steps = []
    for _ in range(STEPS):
        grads = {k: torch.randn_like(p) for k, p in params.items()}
        # Gradients of 1e-8 put √v̂ next to ε: only there does it matter where ε sits.
        grads["fc0.bias"] *= 1e-8
        for k, p in params.items():
            p.grad = grads[k].clone()
        lr_used = opt.param_groups[0]["lr"]
        opt.step()
        sched.step()
        steps.append({"lr": lr_used, "gradients": tensors(grads), "parameters": tensors(params)})
    state = opt.state
    moments = {k: {"means": state[p]["exp_avg"].flatten().tolist(), "variances": state[p]["exp_avg_sq"].flatten().tolist()}
               for k, p in params.items()}
    return {"name": name, "learningRate": lr, "beta1": betas[0], "beta2": betas[1], "schedule": schedule,
            "decayStartStep": decay_start, "steps": STEPS, "initial": initial, "updates": steps, "moments": moments}


def ema_case(decay, seed):
    torch.manual_seed(seed)
    model = mlp(2, 3, 2)  # the generator shape of ModelConfig("mlp", 2, 3, 1)
    params = named(model)
    average = AveragedModel(model, avg_fn=lambda avg, p, n: decay * avg + (1 - decay) * p)
    average.update_parameters(model)  # the first call copies: the average starts at G
    initial = tensors(params)
    steps = []
    for _ in range(STEPS):
        with torch.no_grad():
            for p in params.values():
                p.add_(0.1 * torch.randn_like(p))
        average.update_parameters(model)
        steps.append({"generator": tensors(params), "average": tensors(named(average.module))})
    return {"decay": decay, "initial": initial, "updates": steps}


def main():
    out = {
        "adam": [
            adam_case("constant", 0.01, (0.5, 0.999), "constant", 0, 1),
            adam_case("linear-after-2", 0.05, (0.9, 0.99), "linear", 2, 2),
            adam_case("linear-from-start", 0.02, (0.0, 0.9), "linear", 0, 3),
        ],
        "ema": [ema_case(0.9, 4), ema_case(0.999, 5)],
        "generatedBy": "scripts/training/optimizer_golden.py, torch " + torch.__version__,
    }
    path = pathlib.Path("src/test/resources/training/optimizer-golden.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
