#!/usr/bin/python3
"""Writes src/test/resources/training/loss-golden.json, the conformance suite of the training core's
loss catalog, computed with PyTorch (float64) on small fixed inputs:

  adversarial    every adversarial loss (and label smoothing where it applies): D and G values and
                 their gradients w.r.t. the logits
  terms          every term of TrainingCatalog.TERMS on a small fixed MLP discriminator with given
                 weights and given random draws: the value and its gradients w.r.t. the inputs and
                 the discriminator's parameters (second order for the gradient penalties)
  spectralNorm   torch.nn.utils.spectral_norm on single weights: W_SN, the new u, dL/dW
  adaptive       weighted compositions with adaptive terms (TF-GAN's gradient_ratio) and the
                 generator's adversarial weight λ_adv: coefficients,
                 parts, total and the gradients w.r.t. the trained network's parameters

Inputs are rounded to float32 first, so Java sees exactly the numbers PyTorch started from.
Formulas here are written from the papers and reference code, not from the Java classes.

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 scripts/training/loss_golden.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

LEAKY = 0.2
NORM_EPS = 1e-12
ADAPTIVE_EPS = 1e-6
FEATURE_UNITS = 64  # MlpNetworks.FEATURE_UNITS


def f32(t):
    """The float64 tensor of t's values rounded to float32."""
    return t.to(torch.float32).to(torch.float64)


def flat(t):
    return t.detach().flatten().tolist()


def rows(t):
    """Row lists; None for the gradient of an input the loss does not depend on."""
    return None if t is None else t.detach().tolist()


# ---------------------------------------------------------------- networks


class Mlp:
    """Linear layers with LeakyReLU(0.2) (or ReLU) between them, as MlpNetworks builds them; weights
    U(-1/sqrt(fanIn), 1/sqrt(fanIn)) rounded to float32; optionally spectral norm on every layer."""

    def __init__(self, gen, sizes, spectral=False, relu=False, has_output=True, gain=1.0):
        self.relu = relu
        self.has_output = has_output
        self.layers = []
        for i in range(len(sizes) - 1):
            lin = torch.nn.Linear(sizes[i], sizes[i + 1])
            bound = 1 / sizes[i] ** 0.5
            with torch.no_grad():
                lin.weight.copy_(f32((torch.rand(sizes[i + 1], sizes[i], generator=gen) * 2 - 1) * bound * gain))
                lin.bias.copy_(f32((torch.rand(sizes[i + 1], generator=gen) * 2 - 1) * bound))
            if spectral:
                lin = torch.nn.utils.spectral_norm(lin)
                with torch.no_grad():
                    u = torch.randn(sizes[i + 1], generator=gen)
                    lin.weight_u.copy_(f32(u / u.norm()))
            self.layers.append(lin)
        self.spectral = spectral

    def weight(self, lin):
        return lin.weight_orig if self.spectral else lin.weight

    def named(self):
        out = {}
        for i, lin in enumerate(self.layers):
            out[f"fc{i}.weight"] = self.weight(lin)
            out[f"fc{i}.bias"] = lin.bias
        return out

    def state(self):
        return {f"fc{i}.weight_u": lin.weight_u for i, lin in enumerate(self.layers)} if self.spectral else {}

    def export(self):
        """Parameters and state as Network.snapshot() names them."""
        out = {}
        for name, t in list(self.named().items()) + list(self.state().items()):
            out[name] = {"shape": list(t.shape), "values": flat(t)}
        return out

    def act(self, x):
        return F.relu(x) if self.relu else F.leaky_relu(x, LEAKY)

    def forward_features(self, x):
        hidden = []
        n_hidden = len(self.layers) - (1 if self.has_output else 0)
        for lin in self.layers[:n_hidden]:
            x = self.act(lin(x))
            hidden.append(x)
        out = self.layers[-1](x) if self.has_output else None
        return hidden, out

    def __call__(self, x):
        return self.forward_features(x)[1]

    def zero_grad(self):
        for p in self.named().values():
            p.grad = None

    def grads(self):
        return {name: flat(p.grad) if p.grad is not None else [0.0] * p.numel() for name, p in self.named().items()}


def discriminator(seed, units=5, layers=2, spectral=False):
    """Weights 3x PyTorch's default scale: input gradients of order 1, so that the penalties are
    not dominated by their targets and the one-sided and hinge cases have rows on both sides."""
    gen = torch.Generator().manual_seed(seed)
    return Mlp(gen, [2] + [units] * layers + [1], spectral=spectral, gain=3.0)


def describe(d, units, layers):
    return {"hiddenUnits": units, "hiddenLayers": layers, "spectralNorm": d.spectral, "weights": d.export()}


def points(seed, n, scale=1.0):
    gen = torch.Generator().manual_seed(seed)
    return f32(torch.randn(n, 2, generator=gen) * scale)


def uniform_draws(seed, count):
    gen = torch.Generator().manual_seed(seed)
    return f32(torch.rand(count, generator=gen))


# ---------------------------------------------------------------- adversarial losses


def bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def d_loss(name, r, f, s):
    if name in ("non-saturating", "minimax"):
        # One-sided label smoothing: the real target is 1 - s (Salimans et al. 2016).
        return bce(r, 1 - s) + bce(f, 0.0)
    if name == "least-squares":
        return 0.5 * ((r - 1) ** 2).mean() + 0.5 * (f ** 2).mean()
    if name == "wasserstein":
        return f.mean() - r.mean()
    if name == "hinge":
        return F.relu(1 - r).mean() + F.relu(1 + f).mean()
    # AlexiaJM/RelativisticGAN, code/GAN_losses_iter.py, losses 5-8 (BCE_stable = BCEWithLogitsLoss).
    if name == "rsgan":
        return bce(r - f, 1.0)
    if name == "rasgan":
        return (bce(r - f.mean(), 1.0) + bce(f - r.mean(), 0.0)) / 2
    if name == "ralsgan":
        return (((r - f.mean() - 1) ** 2).mean() + ((f - r.mean() + 1) ** 2).mean()) / 2
    if name == "rahinge":
        return (F.relu(1.0 - (r - f.mean())).mean() + F.relu(1.0 + (f - r.mean())).mean()) / 2
    raise ValueError(name)


def g_loss(name, r, f):
    if name == "non-saturating":
        return bce(f, 1.0)
    if name == "minimax":
        return -bce(f, 0.0)  # = mean log(1 - sigmoid(f))
    if name == "least-squares":
        return 0.5 * ((f - 1) ** 2).mean()
    if name in ("wasserstein", "hinge"):
        return -f.mean()
    if name == "rsgan":
        return bce(f - r, 1.0)
    if name == "rasgan":
        return (bce(r - f.mean(), 0.0) + bce(f - r.mean(), 1.0)) / 2
    if name == "ralsgan":
        return (((r - f.mean() + 1) ** 2).mean() + ((f - r.mean() - 1) ** 2).mean()) / 2
    if name == "rahinge":
        return (F.relu(1.0 + (r - f.mean())).mean() + F.relu(1.0 - (f - r.mean())).mean()) / 2
    raise ValueError(name)


RELATIVISTIC = {"rsgan", "rasgan", "ralsgan", "rahinge"}
SMOOTHABLE = {"non-saturating", "minimax"}


def logit_sets():
    # Mixed signs, magnitudes from tiny to saturating (±30 tests softplus stability), none at a kink.
    fixed = (torch.tensor([[0.7], [-1.3], [2.5], [0.05], [30.0], [-4.2]]),
             torch.tensor([[-0.4], [1.8], [-2.2], [0.3], [-30.0], [3.6]]))
    out = [fixed]
    for seed, n, scale in ((11, 5, 2.0), (12, 8, 0.7)):
        gen = torch.Generator().manual_seed(seed)
        out.append((torch.randn(n, 1, generator=gen) * scale + 0.5, torch.randn(n, 1, generator=gen) * scale - 0.5))
    return [(f32(r), f32(f)) for r, f in out]


def adversarial_cases(name):
    smoothing = [0.0] + ([0.1, 0.25] if name in SMOOTHABLE else [])
    cases = []
    for s in smoothing:
        for real, fake in logit_sets():
            r = real.clone().requires_grad_(True)
            f = fake.clone().requires_grad_(True)
            d = d_loss(name, r, f, s)
            d.backward()
            case = {"labelSmoothing": s, "real": flat(real), "fake": flat(fake), "d": d.item(),
                    "dGradReal": flat(r.grad), "dGradFake": flat(f.grad)}
            r2 = real.clone().requires_grad_(True)
            f2 = fake.clone().requires_grad_(True)
            g = g_loss(name, r2, f2)
            g.backward()
            case["g"] = g.item()
            case["gGradFake"] = flat(f2.grad)
            if name in RELATIVISTIC:
                case["gGradReal"] = flat(r2.grad)
            cases.append(case)
    return cases


# ---------------------------------------------------------------- terms


def row_norms(g):
    return torch.sqrt((g ** 2).sum(dim=1) + NORM_EPS)


def input_gradient(d, x):
    if not x.requires_grad:
        x = x.detach().clone().requires_grad_(True)
    return torch.autograd.grad(d(x).sum(), x, create_graph=True)[0]


def gp_interpolates(real, fake, draws):
    eps = draws[: real.shape[0]].reshape(-1, 1)
    return eps * real + (1 - eps) * fake


def gradient_penalty(d, real, fake, draws, params):
    """Gulrajani et al. 2017, Algorithm 1; one-sided as Petzka et al. 2018."""
    x = gp_interpolates(real, fake, draws)
    excess = row_norms(input_gradient(d, x)) - params["target"]
    if params["oneSided"]:
        excess = F.relu(excess)
    return (excess ** 2).mean()


def r1(d, real, fake, draws, params):
    """Mescheder et al. 2018, eq. 9: 1/2 E ||grad_x D(x)||^2 on real data."""
    return 0.5 * (input_gradient(d, real) ** 2).sum(dim=1).mean()


def r2(d, real, fake, draws, params):
    return 0.5 * (input_gradient(d, fake) ** 2).sum(dim=1).mean()


def dragan_interpolates(real, draws, params):
    """Kodali et al. 2017, the authors' get_perturbed_batch: x + c * x.std() * U[0,1) (numpy std,
    population, a constant), then alpha ~ U[0,1) per sample between x and the perturbed x."""
    n, dims = real.shape
    delta = draws[: n * dims].reshape(n, dims)
    alpha = draws[n * dims: n * dims + n].reshape(n, 1)
    sigma = real.detach().std(unbiased=False)
    perturbed = real + params["c"] * sigma * delta
    return real + alpha * (perturbed - real)


def dragan(d, real, fake, draws, params):
    x = dragan_interpolates(real, draws, params)
    return ((row_norms(input_gradient(d, x)) - params["k"]) ** 2).mean()


def layer_of(hidden, layer):
    return hidden[int(layer)]  # Python's negative indices are the catalog's


def feature_matching(d, real, fake, params, features=None):
    """Salimans et al. 2016; OpenAI improved-gan: T.mean(T.square(mom_gen - mom_real))."""
    hr, _ = d.forward_features(real)
    hf, _ = d.forward_features(fake)
    mom_real = layer_of(hr, params["layer"]).mean(dim=0)
    mom_gen = layer_of(hf, params["layer"]).mean(dim=0)
    return torch.mean(torch.square(mom_gen - mom_real))


def reconstruction(d, real, fake, params, features=None):
    return (fake - real).abs().mean() if params["p"] == 1 else ((fake - real) ** 2).mean()


def contrastive(d, real, fake, params, features=None):
    """Hadsell et al. 2006 without the 1/2: similar pairs (fake_i, real_i) cost d^2, dissimilar
    pairs (fake_i, fake_{i+1 mod n}) max(0, m - d)^2; mean over the 2n pairs."""
    hr, _ = d.forward_features(real)
    hf, _ = d.forward_features(fake)
    fr = layer_of(hr, params["layer"])
    ff = layer_of(hf, params["layer"])
    d_sim = torch.sqrt(((ff - fr) ** 2).sum(dim=1) + NORM_EPS)
    d_dis = torch.sqrt(((ff - torch.roll(ff, shifts=-1, dims=0)) ** 2).sum(dim=1) + NORM_EPS)
    losses = torch.cat([d_sim ** 2, F.relu(params["margin"] - d_dis) ** 2])
    return losses.mean()


def perceptual(d, real, fake, params, features):
    hr, _ = features.forward_features(real)
    hf, _ = features.forward_features(fake)
    return sum(((a - b) ** 2).mean() for a, b in zip(hf, hr))


D_TERMS = {"gradient-penalty": gradient_penalty, "r1": r1, "r2": r2, "dragan": dragan}
G_TERMS = {"feature-matching": feature_matching, "reconstruction": reconstruction, "contrastive": contrastive,
           "perceptual-random": perceptual}

# (params, discriminator seed, spectral norm, data seed); every option of every term appears, and the
# one-sided and margin cases were chosen to have rows on both sides of their kink.
D_CASES = {
    "gradient-penalty": [({"target": 1.0, "oneSided": 0}, 1, False, 21),
                         ({"target": 0.7, "oneSided": 1}, 2, False, 22),
                         ({"target": 0.5, "oneSided": 0}, 3, True, 23),
                         ({"target": 0.4, "oneSided": 1}, 4, True, 24)],
    "r1": [({}, 5, False, 25), ({}, 6, False, 26), ({}, 7, True, 27)],
    "r2": [({}, 8, False, 28), ({}, 9, False, 29), ({}, 10, True, 30)],
    "dragan": [({"c": 0.5, "k": 1.0}, 11, False, 31), ({"c": 1.0, "k": 0.2}, 12, False, 32),
               ({"c": 0.25, "k": 2.0}, 13, True, 33)],
}
G_CASES = {
    "feature-matching": [({"layer": -1}, 14, 34), ({"layer": 0}, 15, 35), ({"layer": 1}, 16, 36)],
    "reconstruction": [({"p": 1}, 17, 37), ({"p": 2}, 18, 38), ({"p": 1}, 19, 39)],
    "contrastive": [({"layer": -1, "margin": 5.0}, 20, 40), ({"layer": 0, "margin": 5.0}, 21, 41),
                    ({"layer": 1, "margin": 3.0}, 22, 42)],
    "perceptual-random": [({"layers": 1}, 23, 43), ({"layers": 2}, 24, 44), ({"layers": 3}, 25, 45)],
}
UNITS, LAYERS, ROWS = 5, 2, 6


def d_term_case(term, params, d_seed, spectral, data_seed):
    d = discriminator(d_seed, UNITS, LAYERS, spectral)
    weights = describe(d, UNITS, LAYERS)
    real = points(data_seed, ROWS)
    fake = points(data_seed + 1000, ROWS, 1.5)
    draws = uniform_draws(data_seed + 2000, ROWS * 3)
    r = real.clone().requires_grad_(True)
    f = fake.clone().requires_grad_(True)
    value = D_TERMS[term](d, r, f, draws, params)
    value.backward()
    case = {"params": params, "discriminator": weights, "real": rows(real), "fake": rows(fake), "draws": flat(draws)}
    # A LeakyReLU network's input gradient is piecewise constant: the value alone would hardly
    # notice interpolates a little off, so they are checked on their own.
    if term == "gradient-penalty":
        case["interpolates"] = rows(gp_interpolates(real, fake, draws))
    if term == "dragan":
        case["interpolates"] = rows(dragan_interpolates(real, draws, params))
    return case | {"value": value.item(), "gradReal": rows(r.grad), "gradFake": rows(f.grad),
            "gradDiscriminator": d.grads(), "stateAfter": {k: flat(v) for k, v in d.state().items()}}


def features_network(seed, layers):
    gen = torch.Generator().manual_seed(seed)
    return Mlp(gen, [2] + [FEATURE_UNITS] * layers, has_output=False)


def g_term_case(term, params, d_seed, data_seed):
    d = discriminator(d_seed, UNITS, LAYERS)
    case = {"params": params, "discriminator": describe(d, UNITS, LAYERS)}
    features = None
    if term == "perceptual-random":
        features = features_network(d_seed + 500, params["layers"])
        case["features"] = features.export()
    real = points(data_seed, ROWS)
    fake = points(data_seed + 1000, ROWS, 1.5)
    r = real.clone().requires_grad_(True)
    f = fake.clone().requires_grad_(True)
    value = G_TERMS[term](d, r, f, params, features)
    value.backward()
    case.update({"real": rows(real), "fake": rows(fake), "value": value.item(), "gradReal": rows(r.grad),
                 "gradFake": rows(f.grad)})
    return case


def weight_clipping_case(clip, d_seed):
    d = discriminator(d_seed, UNITS, LAYERS)
    after = {name: flat(p.detach().clamp(-clip, clip)) for name, p in d.named().items()}
    return {"params": {"clip": clip}, "discriminator": describe(d, UNITS, LAYERS), "after": after}


# ---------------------------------------------------------------- spectral norm


def spectral_norm_case(seed, out_features, in_features):
    gen = torch.Generator().manual_seed(seed)
    lin = torch.nn.utils.spectral_norm(torch.nn.Linear(in_features, out_features))
    with torch.no_grad():
        lin.weight_orig.copy_(f32(torch.randn(out_features, in_features, generator=gen)))
        u = torch.randn(out_features, generator=gen)
        lin.weight_u.copy_(f32(u / u.norm()))
    weight = lin.weight_orig.detach().clone()
    u_before = lin.weight_u.clone()
    upstream = f32(torch.randn(out_features, in_features, generator=gen))
    lin.train()
    lin(torch.zeros(1, in_features))  # the pre-forward hook: one power iteration, sets lin.weight
    loss = (lin.weight * upstream).sum()
    loss.backward()
    return {"weight": {"shape": [out_features, in_features], "values": flat(weight)}, "u": flat(u_before),
            "weightSn": flat(lin.weight), "uAfter": flat(lin.weight_u), "upstream": flat(upstream),
            "gradWeight": flat(lin.weight_orig.grad)}


# ---------------------------------------------------------------- adaptive composition


def global_norm(loss, params):
    grads = torch.autograd.grad(loss, params, retain_graph=True, allow_unused=True)
    return torch.sqrt(sum((g ** 2).sum() for g in grads if g is not None))


def compose(adv, terms, values, params):
    """TF-GAN combine_adversarial_loss(main_loss=adv, adversarial_loss=term, gradient_ratio=weight)
    for adaptive terms, a fixed weight otherwise."""
    adv_norm = global_norm(adv, params)
    total = adv
    parts = {}
    coefficients = {}
    for t, v in zip(terms, values):
        if t["adaptive"]:
            c = (t["weight"] * adv_norm / (global_norm(v, params) + ADAPTIVE_EPS)).detach()
            coefficients[t["type"]] = c.item()
        else:
            c = t["weight"]
        parts[t["type"]] = (c * v).item()
        total = total + c * v
    return total, parts, coefficients


ADAPTIVE_D = [
    ("wasserstein", [{"type": "gradient-penalty", "weight": 1.0, "adaptive": True,
                      "params": {"target": 1.0, "oneSided": 0}},
                     {"type": "r1", "weight": 0.5, "adaptive": False, "params": {}}], 51),
    ("non-saturating", [{"type": "r1", "weight": 0.5, "adaptive": True, "params": {}}], 52),
    ("hinge", [{"type": "dragan", "weight": 2.0, "adaptive": True, "params": {"c": 0.5, "k": 1.0}},
               {"type": "r2", "weight": 0.1, "adaptive": True, "params": {}}], 53),
]
ADAPTIVE_G = [
    ("non-saturating", [{"type": "feature-matching", "weight": 1.0, "adaptive": True, "params": {"layer": -1}}], 54),
    ("rsgan", [{"type": "reconstruction", "weight": 0.5, "adaptive": True, "params": {"p": 2}},
               {"type": "contrastive", "weight": 0.1, "adaptive": False, "params": {"layer": 0, "margin": 1.0}}], 55),
    ("wasserstein", [{"type": "perceptual-random", "weight": 1.0, "adaptive": True, "params": {"layers": 2}}], 56),
    # λ_adv weighs the generator's adversarial loss (SRGAN's 1e-3), and with it the adaptive ratios.
    ("non-saturating", [{"type": "reconstruction", "weight": 1.0, "adaptive": False, "params": {"p": 1}},
                        {"type": "feature-matching", "weight": 0.5, "adaptive": True, "params": {"layer": -1}}], 57, 1e-3),
    ("hinge", [{"type": "reconstruction", "weight": 0.5, "adaptive": False, "params": {"p": 2}}], 58, 10.0),
]


def adaptive_d_case(adversarial, terms, seed):
    d = discriminator(seed, UNITS, LAYERS)
    case = {"side": "discriminator", "adversarial": adversarial, "terms": terms,
            "discriminator": describe(d, UNITS, LAYERS)}
    real = points(seed, ROWS)
    fake = points(seed + 1000, ROWS, 1.5)
    draws = uniform_draws(seed + 2000, ROWS * 6)
    logits = d(torch.cat([real, fake]))
    adv = d_loss(adversarial, logits[:ROWS], logits[ROWS:], 0.0)
    values = []
    used = 0
    for t in terms:
        values.append(D_TERMS[t["type"]](d, real, fake, draws[used:], t["params"]))
        used += {"gradient-penalty": ROWS, "dragan": ROWS * 3}.get(t["type"], 0)
    params = list(d.named().values())
    total, parts, coefficients = compose(adv, terms, values, params)
    total.backward()
    case.update({"real": rows(real), "fake": rows(fake), "draws": flat(draws), "adversarialValue": adv.item(),
                 "parts": parts, "coefficients": coefficients, "total": total.item(), "gradParams": d.grads()})
    return case


def adaptive_g_case(adversarial, terms, seed, adversarial_weight=1.0):
    gen = torch.Generator().manual_seed(seed + 100)
    g = Mlp(gen, [2, 4, 2], relu=True)
    d = discriminator(seed, UNITS, LAYERS)
    for p in d.named().values():
        p.requires_grad_(False)
    case = {"side": "generator", "adversarial": adversarial, "terms": terms,
            "discriminator": describe(d, UNITS, LAYERS), "generator": g.export()}
    features = None
    for t in terms:
        if t["type"] == "perceptual-random":
            features = features_network(seed + 500, t["params"]["layers"])
            case["features"] = features.export()
    z = points(seed + 3000, ROWS)
    real = points(seed, ROWS)
    fake = g(z)
    logits = d(torch.cat([real, fake]))
    adv = adversarial_weight * g_loss(adversarial, logits[:ROWS], logits[ROWS:])
    case["adversarialWeight"] = adversarial_weight
    values = [G_TERMS[t["type"]](d, real, fake, t["params"], features) for t in terms]
    total, parts, coefficients = compose(adv, terms, values, list(g.named().values()))
    total.backward()
    case.update({"latent": rows(z), "real": rows(real), "adversarialValue": adv.item(), "parts": parts,
                 "coefficients": coefficients, "total": total.item(), "gradParams": g.grads()})
    return case


def main():
    torch.manual_seed(0)  # spectral_norm draws its own (immediately replaced) u and v at registration
    names = ["non-saturating", "minimax", "least-squares", "wasserstein", "hinge"] + sorted(RELATIVISTIC)
    out = {"generatedBy": "scripts/training/loss_golden.py, torch " + torch.__version__}
    out["adversarial"] = {name: adversarial_cases(name) for name in names}
    terms = {"weight-clipping": [weight_clipping_case(c, s) for c, s in ((0.05, 60), (0.2, 61), (0.5, 62))]}
    for term, cases in D_CASES.items():
        terms[term] = [d_term_case(term, *c) for c in cases]
    for term, cases in G_CASES.items():
        terms[term] = [g_term_case(term, *c) for c in cases]
    out["terms"] = terms
    out["spectralNorm"] = [spectral_norm_case(70, 5, 2), spectral_norm_case(71, 5, 5), spectral_norm_case(72, 1, 5),
                           spectral_norm_case(73, 3, 7)]
    out["adaptive"] = [adaptive_d_case(*c) for c in ADAPTIVE_D] + [adaptive_g_case(*c) for c in ADAPTIVE_G]
    path = pathlib.Path("src/test/resources/training/loss-golden.json")
    path.write_text(json.dumps(out) + "\n")
    for group in ("adversarial", "terms"):
        print(group, {k: len(v) for k, v in out[group].items()})
    print("spectralNorm", len(out["spectralNorm"]), "adaptive", len(out["adaptive"]))
    print("wrote", path)


if __name__ == "__main__":
    main()
