"""Gantry's networks as plain PyTorch modules (torch >= 1.13, Python >= 3.11).

Every parameter and buffer of these modules has exactly the state_dict() name and shape that
Gantry's Java networks (package dev.gantry.training.model) give the same array, so a checkpoint
or an exported .safetensors file loads with load_state_dict(..., strict=True). The golden suite
(scripts/training/conv_golden.py) builds its reference networks from this file and loads their
weights into Gantry by these names, which keeps the two in step.

  build(manifest)                the generator, from a dict of architecture fields (below)
  build_discriminator(manifest)  the discriminator, same fields

Manifest fields, as Gantry's ModelConfig and DataConfig name them:

  architecture   "mlp", "dcgan", "resnet" or "srresnet"
  latentDim      length of z
  resolution     image side (dcgan: 32 or 64; resnet: 32); absent or 0 for mlp
  channels       1 or 3; absent or 0 for mlp
  width          dcgan: ngf = ndf = width; resnet: ngf = 2 * width, ndf = width (width 128 is
                 SNGAN-32's ngf 256, ndf 128)
  hiddenUnits, hiddenLayers      mlp only
  spectralNorm   spectral norm on every discriminator layer (resnet: always)
  discriminatorNorm              "batch" or "none": batch norm between the DCGAN discriminator's layers
  conditional, classes           class-conditional: conditional batch norm in G, projection in D
  scale          srresnet only: the upscaling factor (2 or 4); hiddenLayers is its residual blocks

An srresnet generator's forward is forward(x): x the low-resolution image, N x C x h x w in
[-1, 1] (any h, w: it is fully convolutional), out N x C x (h*scale) x (w*scale).

A generator's forward is forward(z, y=None): z of shape (N, latentDim), y int64 class indices of
shape (N,) for a conditional generator. Images come out N x C x H x W in [-1, 1] (tanh).
Sample in eval mode (gen.eval()), as Gantry's generate does: batch norm then uses its running
statistics and a sample does not depend on its batch.

Two departures from stock torch modules, both to keep names and behaviour equal to Gantry's:

- BatchNorm2d keeps no num_batches_tracked buffer. torch only reads it when momentum is None;
  Gantry uses momentum 0.1 and keeps running_mean and running_var only.
- Spectral norm (Miyato et al. 2018) is a layer of its own here instead of
  torch.nn.utils.spectral_norm, whose state_dict names the weight weight_orig and adds weight_v:
  the weight stays `weight`, the power-iteration vector is the buffer `weight_u`. In training mode
  the numbers are torch.nn.utils.spectral_norm's (one power iteration per forward, u updated;
  conv_golden.py checks this against torch's own). In eval mode u is kept and v is recomputed
  from it (torch keeps the last v instead); Gantry never runs a discriminator in eval mode.

Initial weights follow each architecture's reference (dcgan: N(0, 0.02) weights, N(1, 0.02)
batch-norm gains; resnet: Mimicry's Xavier-uniform), drawn from torch's generator; they are not
Gantry's draws, which come from libtorch's generator in Gantry's own order. Load the weights.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

NORM_EPS = 1e-12
LEAKY_SLOPE = 0.2


# ---------------------------------------------------------------- layers


class BatchNorm2d(nn.BatchNorm2d):
    """nn.BatchNorm2d (momentum 0.1, eps 1e-5) without num_batches_tracked (see the module doc)."""

    def __init__(self, channels, affine=True):
        super().__init__(channels, affine=affine)
        self.num_batches_tracked = None  # a None buffer is left out of state_dict and never counted

    def _load_from_state_dict(self, state_dict, prefix, *args):
        # Skip _NormBase's shim, which inserts num_batches_tracked into state dicts without a version.
        nn.Module._load_from_state_dict(self, state_dict, prefix, *args)


class ConditionalBatchNorm2d(nn.Module):
    """Categorical conditional batch norm (de Vries et al. 2017; Miyato & Koyama 2018, "cGANs with
    Projection Discriminator"): BN without affine, then a per-class gain and bias,
    out = gain[y] * BN(x) + bias[y]. One embedding holds both, gains in its first `channels`
    columns and biases in the rest, as Mimicry's ConditionalBatchNorm2d lays it out; gains start at
    1 and biases at 0, as in Miyato & Koyama's code (Mimicry draws the gains from N(1, 0.02))."""

    def __init__(self, channels, classes):
        super().__init__()
        self.channels = channels
        self.bn = BatchNorm2d(channels, affine=False)
        self.embed = nn.Embedding(classes, 2 * channels)
        with torch.no_grad():
            self.embed.weight[:, :channels].fill_(1.0)
            self.embed.weight[:, channels:].zero_()

    def forward(self, x, y):
        gain, bias = self.embed(y).chunk(2, 1)
        return gain.view(-1, self.channels, 1, 1) * self.bn(x) + bias.view(-1, self.channels, 1, 1)


class _SpectralNorm:
    """W / sigma(W) with sigma from one power iteration on W viewed as (out, in * k * k), as
    torch.nn.utils.spectral_norm(module) with dim 0 computes it:
        v = normalize(W^T u), u <- normalize(W v) (no gradient), sigma = u . W v."""

    def _init_u(self):
        u = torch.randn(self.weight.shape[0])
        self.register_buffer("weight_u", F.normalize(u, dim=0, eps=NORM_EPS))

    def normalized_weight(self):
        mat = self.weight.reshape(self.weight.shape[0], -1)
        with torch.no_grad():
            v = F.normalize(torch.mv(mat.t(), self.weight_u), dim=0, eps=NORM_EPS)
            if self.training:
                self.weight_u.copy_(F.normalize(torch.mv(mat, v), dim=0, eps=NORM_EPS))
            # The backward of sigma keeps u; the next forward would overwrite it in place.
            u = self.weight_u.clone()
        sigma = torch.dot(u, torch.mv(mat, v))
        return self.weight / sigma


class SNConv2d(nn.Conv2d, _SpectralNorm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_u()

    def forward(self, x):
        return self._conv_forward(x, self.normalized_weight(), self.bias)


class SNLinear(nn.Linear, _SpectralNorm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_u()

    def forward(self, x):
        return F.linear(x, self.normalized_weight(), self.bias)


class SNEmbedding(nn.Embedding, _SpectralNorm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_u()

    def forward(self, y):
        return F.embedding(y, self.normalized_weight())


def conv2d(in_channels, out_channels, kernel, stride, padding, bias, spectral):
    return (SNConv2d if spectral else nn.Conv2d)(in_channels, out_channels, kernel, stride, padding, bias=bias)


def linear(in_features, out_features, bias, spectral):
    return (SNLinear if spectral else nn.Linear)(in_features, out_features, bias=bias)


def upsample(x):
    return F.interpolate(x, scale_factor=2, mode="nearest")


# ---------------------------------------------------------------- mlp


class MlpGenerator(nn.Module):
    """latentDim -> [Linear, ReLU] x hiddenLayers -> Linear -> 2 (fc0 ... fcN)."""

    def __init__(self, latent, units, layers):
        super().__init__()
        sizes = [latent] + [units] * layers + [2]
        for i in range(len(sizes) - 1):
            self.add_module(f"fc{i}", nn.Linear(sizes[i], sizes[i + 1]))
        self.layers = layers

    def forward(self, z, y=None):
        h = z
        for i in range(self.layers):
            h = F.relu(getattr(self, f"fc{i}")(h))
        return getattr(self, f"fc{self.layers}")(h)


class MlpDiscriminator(nn.Module):
    """2 -> [Linear, LeakyReLU(0.2)] x hiddenLayers -> Linear -> 1."""

    def __init__(self, units, layers, spectral):
        super().__init__()
        sizes = [2] + [units] * layers + [1]
        for i in range(len(sizes) - 1):
            self.add_module(f"fc{i}", linear(sizes[i], sizes[i + 1], True, spectral))
        self.layers = layers

    def forward(self, x, y=None):
        h = x
        for i in range(self.layers):
            h = F.leaky_relu(getattr(self, f"fc{i}")(h), LEAKY_SLOPE)
        return getattr(self, f"fc{self.layers}")(h)


# ---------------------------------------------------------------- dcgan


def dcgan_stages(resolution):
    """Upsampling stages of G (and strided stages of D): 32 -> 3, 64 -> 4."""
    return {32: 3, 64: 4}[resolution]


class DcganGenerator(nn.Module):
    """Resize-convolution DCGAN generator (Radford et al. 2016, with nearest upsampling and 3x3
    convolutions in place of transposed convolutions, Odena et al. 2016), no biases:
        fc: Linear(nz, 2^(s-1) ngf * 16) -> view (2^(s-1) ngf, 4, 4) -> bn0 -> ReLU
        [up x2 -> conv_i 3x3 (halves the channels) -> bn_i -> ReLU] for i = 1 .. s-1
        up x2 -> conv_s 3x3 (ngf -> C) -> tanh
    s = 3 stages at 32x32 (the network of torch_dcgan32.py), 4 at 64x64."""

    def __init__(self, latent, width, channels, resolution, classes=0):
        super().__init__()
        self.stages = dcgan_stages(resolution)
        self.top = width * 2 ** (self.stages - 1)
        self.classes = classes
        self.fc = nn.Linear(latent, self.top * 16, bias=False)
        for i in range(self.stages):
            c = self.top >> i
            self.add_module(f"bn{i}", ConditionalBatchNorm2d(c, classes) if classes else BatchNorm2d(c))
            out = c // 2 if i < self.stages - 1 else channels
            self.add_module(f"conv{i + 1}", nn.Conv2d(c, out, 3, 1, 1, bias=False))
        dcgan_init(self)

    def forward(self, z, y=None):
        h = self.fc(z).view(-1, self.top, 4, 4)
        for i in range(self.stages):
            bn = getattr(self, f"bn{i}")
            h = F.relu(bn(h, y) if self.classes else bn(h))
            h = getattr(self, f"conv{i + 1}")(upsample(h))
        return torch.tanh(h)


class DcganDiscriminator(nn.Module):
    """DCGAN discriminator (Radford et al. 2016), no biases:
        conv0 4x4/2 (C -> ndf) -> LeakyReLU(0.2)
        [conv_i 4x4/2 (doubles the channels) -> bn_i (when discriminatorNorm is batch) -> LeakyReLU] i = 1 .. s-1
        conv_s 4x4 valid (-> 1) -> flatten
    spectral norm on every conv when spectralNorm. Conditional: plus the projection term on the
    last feature maps, sum-pooled (Miyato & Koyama 2018)."""

    def __init__(self, width, channels, resolution, batch_norm, spectral, classes=0):
        super().__init__()
        self.stages = dcgan_stages(resolution)
        self.batch_norm = batch_norm
        c = width
        self.conv0 = conv2d(channels, c, 4, 2, 1, False, spectral)
        for i in range(1, self.stages):
            self.add_module(f"conv{i}", conv2d(c, 2 * c, 4, 2, 1, False, spectral))
            if batch_norm:
                self.add_module(f"bn{i}", BatchNorm2d(2 * c))
            c *= 2
        self.add_module(f"conv{self.stages}", conv2d(c, 1, 4, 1, 0, False, spectral))
        self.classes = classes
        if classes:
            self.embed = (SNEmbedding if spectral else nn.Embedding)(classes, c)
        dcgan_init(self)

    def features(self, x):
        """Each stage's activations, the taps feature losses read."""
        out = []
        h = x
        for i in range(self.stages):
            h = getattr(self, f"conv{i}")(h)
            if i > 0 and self.batch_norm:
                h = getattr(self, f"bn{i}")(h)
            h = F.leaky_relu(h, LEAKY_SLOPE)
            out.append(h)
        return out

    def forward(self, x, y=None):
        h = self.features(x)[-1]
        out = getattr(self, f"conv{self.stages}")(h).flatten(1)
        if self.classes:
            # The projection term (Miyato & Koyama 2018, eq. 3) on the sum-pooled last maps.
            out = out + (self.embed(y) * h.sum(dim=(2, 3))).sum(dim=1, keepdim=True)
        return out


def dcgan_init(module):
    """The DCGAN paper's and PyTorch's DCGAN example's weights_init: conv, linear and embedding
    weights N(0, 0.02); batch-norm gains N(1, 0.02), biases 0. Conditional gains stay at 1."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, BatchNorm2d) and m.affine:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
    for m in module.modules():
        if isinstance(m, ConditionalBatchNorm2d):
            with torch.no_grad():
                m.embed.weight[:, : m.channels].fill_(1.0)
                m.embed.weight[:, m.channels:].zero_()


# ---------------------------------------------------------------- resnet (SNGAN / Mimicry, 32x32)


class GBlock(nn.Module):
    """SNGAN's generator block (Miyato et al. 2018, appendix; Mimicry's GBlock with upsample):
        residual: b1 -> ReLU -> up x2 -> c1 3x3 -> b2 -> ReLU -> c2 3x3
        shortcut: up x2 -> c_sc 1x1
    Nearest upsampling, as the authors' Chainer code (Mimicry uses bilinear)."""

    def __init__(self, in_channels, out_channels, classes=0):
        super().__init__()
        self.classes = classes
        norm = (lambda c: ConditionalBatchNorm2d(c, classes)) if classes else BatchNorm2d
        self.b1 = norm(in_channels)
        self.c1 = nn.Conv2d(in_channels, out_channels, 3, 1, 1)
        self.b2 = norm(out_channels)
        self.c2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1)
        self.c_sc = nn.Conv2d(in_channels, out_channels, 1, 1, 0)
        nn.init.xavier_uniform_(self.c1.weight, math.sqrt(2.0))
        nn.init.xavier_uniform_(self.c2.weight, math.sqrt(2.0))
        nn.init.xavier_uniform_(self.c_sc.weight, 1.0)

    def norm(self, bn, h, y):
        return bn(h, y) if self.classes else bn(h)

    def forward(self, x, y=None):
        h = F.relu(self.norm(self.b1, x, y))
        h = self.c1(upsample(h))
        h = F.relu(self.norm(self.b2, h, y))
        return self.c2(h) + self.c_sc(upsample(x))


class DBlock(nn.Module):
    """SNGAN's discriminator block (Mimicry's DBlock, spectral norm on):
        residual: ReLU -> c1 3x3 -> ReLU -> c2 3x3 [-> avgpool 2]
        shortcut: c_sc 1x1 [-> avgpool 2] when downsampling or changing channels, else identity"""

    def __init__(self, in_channels, out_channels, downsample):
        super().__init__()
        self.downsample = downsample
        self.c1 = SNConv2d(in_channels, in_channels, 3, 1, 1)
        self.c2 = SNConv2d(in_channels, out_channels, 3, 1, 1)
        nn.init.xavier_uniform_(self.c1.weight, math.sqrt(2.0))
        nn.init.xavier_uniform_(self.c2.weight, math.sqrt(2.0))
        self.learnable_sc = in_channels != out_channels or downsample
        if self.learnable_sc:
            self.c_sc = SNConv2d(in_channels, out_channels, 1, 1, 0)
            nn.init.xavier_uniform_(self.c_sc.weight, 1.0)

    def forward(self, x):
        h = self.c2(F.relu(self.c1(F.relu(x))))
        s = self.c_sc(x) if self.learnable_sc else x
        if self.downsample:
            h = F.avg_pool2d(h, 2)
            s = F.avg_pool2d(s, 2)
        return h + s


class DBlockOptimized(nn.Module):
    """SNGAN's first discriminator block (Mimicry's DBlockOptimized): no leading ReLU,
        residual: c1 3x3 -> ReLU -> c2 3x3 -> avgpool 2
        shortcut: avgpool 2 -> c_sc 1x1"""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.c1 = SNConv2d(in_channels, out_channels, 3, 1, 1)
        self.c2 = SNConv2d(out_channels, out_channels, 3, 1, 1)
        self.c_sc = SNConv2d(in_channels, out_channels, 1, 1, 0)
        nn.init.xavier_uniform_(self.c1.weight, math.sqrt(2.0))
        nn.init.xavier_uniform_(self.c2.weight, math.sqrt(2.0))
        nn.init.xavier_uniform_(self.c_sc.weight, 1.0)

    def forward(self, x):
        h = F.avg_pool2d(self.c2(F.relu(self.c1(x))), 2)
        return h + self.c_sc(F.avg_pool2d(x, 2))


class ResnetGenerator(nn.Module):
    """SNGAN-32 generator (Mimicry's SNGANGenerator32 / CGANPDGenerator32):
        l1: Linear(nz, ngf * 16) -> view (ngf, 4, 4) -> block2, block3, block4 (4 -> 32)
        -> b5 -> ReLU -> c5 3x3 (ngf -> C) -> tanh"""

    def __init__(self, latent, width, channels, classes=0):
        super().__init__()
        self.ngf = 2 * width
        self.classes = classes
        self.l1 = nn.Linear(latent, self.ngf * 16)
        self.block2 = GBlock(self.ngf, self.ngf, classes)
        self.block3 = GBlock(self.ngf, self.ngf, classes)
        self.block4 = GBlock(self.ngf, self.ngf, classes)
        self.b5 = BatchNorm2d(self.ngf)
        self.c5 = nn.Conv2d(self.ngf, channels, 3, 1, 1)
        nn.init.xavier_uniform_(self.l1.weight, 1.0)
        nn.init.xavier_uniform_(self.c5.weight, 1.0)

    def forward(self, z, y=None):
        h = self.l1(z).view(-1, self.ngf, 4, 4)
        for block in (self.block2, self.block3, self.block4):
            h = block(h, y)
        return torch.tanh(self.c5(F.relu(self.b5(h))))


class ResnetDiscriminator(nn.Module):
    """SNGAN-32 discriminator (Mimicry's SNGANDiscriminator32 / CGANPDDiscriminator32), spectral
    norm on every layer: block1 (optimized, 32 -> 16), block2 (-> 8), block3, block4 -> ReLU ->
    global sum pool -> l5 Linear(ndf, 1); conditional: + <l_y(y), h> (projection)."""

    def __init__(self, width, channels, classes=0):
        super().__init__()
        ndf = width
        self.block1 = DBlockOptimized(channels, ndf)
        self.block2 = DBlock(ndf, ndf, True)
        self.block3 = DBlock(ndf, ndf, False)
        self.block4 = DBlock(ndf, ndf, False)
        self.l5 = SNLinear(ndf, 1)
        nn.init.xavier_uniform_(self.l5.weight, 1.0)
        self.l_y = SNEmbedding(classes, ndf) if classes else None
        if classes:
            nn.init.xavier_uniform_(self.l_y.weight, 1.0)

    def features(self, x):
        out = []
        h = x
        for block in (self.block1, self.block2, self.block3, self.block4):
            h = block(h)
            out.append(h)
        return out

    def forward(self, x, y=None):
        h = F.relu(self.features(x)[-1]).sum(dim=(2, 3))
        out = self.l5(h)
        if self.l_y is not None:
            out = out + (self.l_y(y) * h).sum(dim=1, keepdim=True)
        return out


# ---------------------------------------------------------------- entry points


def _classes(m):
    return int(m.get("classes", 0)) if m.get("conditional", False) else 0


# ---------------------------------------------------------------- srresnet


class SrResidualBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.conv1 = nn.Conv2d(width, width, 3, 1, 1)
        self.bn1 = BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, 1, 1)
        self.bn2 = BatchNorm2d(width)

    def forward(self, x):
        return x + self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))


class SrResNetGenerator(nn.Module):
    """SRGAN's generator (Ledig et al. 2017) as Gantry builds it: ReLU for PReLU, nearest upsampling
    and a 3x3 convolution for sub-pixel convolution (SrResNetNetworks.java)."""

    def __init__(self, width, blocks, channels, scale):
        super().__init__()
        self.head = nn.Conv2d(channels, width, 9, 1, 4)
        self.blocks = nn.ModuleList(SrResidualBlock(width) for _ in range(blocks))
        self.body = nn.Conv2d(width, width, 3, 1, 1)
        self.body_bn = BatchNorm2d(width)
        self.up = nn.ModuleList(nn.Conv2d(width, width, 3, 1, 1) for _ in range(int(math.log2(scale))))
        self.tail = nn.Conv2d(width, channels, 9, 1, 4)

    def forward(self, x):
        h = F.relu(self.head(x))
        r = h
        for block in self.blocks:
            r = block(r)
        r = self.body_bn(self.body(r)) + h
        for conv in self.up:
            r = F.relu(conv(F.interpolate(r, scale_factor=2, mode="nearest")))
        return torch.tanh(self.tail(r))


def build(manifest):
    """The generator described by `manifest` (see the module doc), in training mode."""
    arch = manifest["architecture"]
    if arch == "mlp":
        return MlpGenerator(manifest["latentDim"], manifest["hiddenUnits"], manifest["hiddenLayers"])
    if arch == "dcgan":
        return DcganGenerator(manifest["latentDim"], manifest["width"], manifest["channels"],
                              manifest["resolution"], _classes(manifest))
    if arch == "resnet":
        if manifest["resolution"] != 32:
            raise ValueError("resnet is built for 32x32")
        return ResnetGenerator(manifest["latentDim"], manifest["width"], manifest["channels"], _classes(manifest))
    if arch == "srresnet":
        return SrResNetGenerator(manifest["width"], manifest["hiddenLayers"], manifest["channels"], manifest["scale"])
    raise ValueError("unknown architecture: " + arch)


def build_discriminator(manifest):
    """The discriminator described by `manifest`, in training mode."""
    arch = manifest["architecture"]
    spectral = bool(manifest.get("spectralNorm", False))
    if arch == "mlp":
        return MlpDiscriminator(manifest["hiddenUnits"], manifest["hiddenLayers"], spectral)
    if arch == "dcgan":
        return DcganDiscriminator(manifest["width"], manifest["channels"], manifest["resolution"],
                                  manifest.get("discriminatorNorm", "none") == "batch", spectral,
                                  _classes(manifest))
    if arch == "resnet":
        return ResnetDiscriminator(manifest["width"], manifest["channels"], _classes(manifest))
    raise ValueError("unknown architecture: " + arch)
