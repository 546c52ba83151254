"""Random distortions of training batches, drawn from one seeded generator (same seed, same batches).

    from hcr_ocr.train.augmentation import augment, low_resolution
    gen = torch.Generator().manual_seed(0)
    batch = augment(batch, gen)                     # (N, 1, 28, 28) in [0, 1], distorted
    batch = low_resolution(batch, gen, share=0.3)   # about 30% of them made coarse, as small writing looks
    batch = degrade(batch, gen, share=0.3)          # about 30% of them noisy, blurred, bolder, bent, ...

`augment` is the everyday distortion of handwriting (slant, size, position, pen width); `low_resolution` is
what the reader sees of a letter written 10-22 px tall and enlarged back to 28x28; `degrade` is what scans
and photos do to ink (noise, blur, a bolder or finer pen, paper that bends the strokes, thresholding,
faint ink). Every random number is drawn on the CPU from the generator, whatever device the batch is on,
so a run on a GPU sees the same distortions as one on the CPU.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

ROTATION_DEGREES = 12.0
SCALE_RANGE = (0.85, 1.1)
SHEAR = 0.25
SHIFT_PIXELS = 2.0
SIGMA_HALF_KERNEL = (0.107, 0.786, 0.107)  # a Gaussian of sigma 0.5, as the reader smooths


def _uniform(n: int, low: float, high: float, gen: torch.Generator, device: torch.device) -> torch.Tensor:
    return (torch.rand(n, generator=gen) * (high - low) + low).to(device)


def _random_affine(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Each glyph rotated, scaled, sheared and shifted by its own random amounts."""
    n, device = x.shape[0], x.device
    angle = _uniform(n, -ROTATION_DEGREES, ROTATION_DEGREES, gen, device) * math.pi / 180
    scale = _uniform(n, *SCALE_RANGE, gen, device)
    shear = _uniform(n, -SHEAR, SHEAR, gen, device)
    half_side = 14  # affine_grid measures shifts in half-widths of the 28-px image
    tx = _uniform(n, -SHIFT_PIXELS / half_side, SHIFT_PIXELS / half_side, gen, device)
    ty = _uniform(n, -SHIFT_PIXELS / half_side, SHIFT_PIXELS / half_side, gen, device)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin + shear * cos, tx], 1), torch.stack([sin, cos + shear * sin, ty], 1)], 1
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


def _random_stroke_width(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """A quarter of the glyphs blended towards a 3x3 dilation (thicker pen), 15% towards an erosion."""
    n, device = x.shape[0], x.device
    mode = torch.rand(n, generator=gen).to(device)
    amount = torch.rand(n, generator=gen).to(device).view(n, 1, 1, 1)
    thick = F.max_pool2d(x, 3, 1, 1)
    thin = -F.max_pool2d(-x, 3, 1, 1)
    thicker = (mode < 0.25).view(n, 1, 1, 1)
    thinner = ((mode >= 0.25) & (mode < 0.4)).view(n, 1, 1, 1)
    x = torch.where(thicker, x + amount * (thick - x), x)
    return torch.where(thinner, x + 0.6 * amount * (thin - x), x)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random rotation (±12°), scale (0.85–1.1), shear (±0.25), shift (±2 px) and stroke thickness."""
    return _random_stroke_width(_random_affine(x, gen), gen).clamp_(0, 1)


def low_resolution(x: torch.Tensor, gen: torch.Generator, share: float) -> torch.Tensor:
    """A `share` of the glyphs as the reader sees small handwriting (a letter 10-22 px tall in a phone photo
    or a form scan): shrunk, thresholded to a binary mask, smoothed and enlarged back to 28x28."""
    n = x.shape[0]
    pick = torch.rand(n, generator=gen) < share
    if not pick.any():
        return x
    size = int(torch.randint(12, 27, (1,), generator=gen))  # the 28-px frame at this size
    small = F.interpolate(x[pick], size=(size, size), mode="area")
    top = small.amax(dim=(2, 3), keepdim=True)
    cut = (0.2 + 0.3 * torch.rand(int(pick.sum()), 1, 1, 1, generator=gen).to(x.device)) * top
    binary = (small > cut).float()
    kernel = torch.tensor(SIGMA_HALF_KERNEL, device=x.device)
    kernel = (kernel[:, None] * kernel[None, :]).view(1, 1, 3, 3)
    smooth = F.conv2d(F.pad(binary, (1, 1, 1, 1)), kernel)
    big = F.interpolate(smooth, size=(28, 28), mode="bicubic", align_corners=False).clamp(0, None)
    top = big.amax(dim=(2, 3), keepdim=True).clamp_min(1e-6)
    x = x.clone()
    x[pick] = (big / top).clamp(0, 1)
    return x


# ---- degradations of the scan or photo (`degrade`) ---------------------------------------------------------

NOISE_SIGMA = (0.05, 0.3)  # standard deviation of the Gaussian noise added (pixels in [0, 1]): grain, sensor
BLUR_SIGMA = (0.5, 1.3)  # Gaussian blur in px: out of focus, a low-dpi scan
BLUR_RADIUS = 3  # px each side of the blur kernel (covers 2.3 sigma of the widest blur)
MORPH_KERNEL = 3  # window of the max-pool (bolder pen) or min-pool (finer pen)
THICKEN_AMOUNT = (0.5, 1.0)  # how far a bolder glyph moves towards its max-pool (1: all the way)
THIN_AMOUNT = (0.3, 0.7)  # how far a finer glyph moves towards its min-pool (less: thin strokes would vanish)
ELASTIC_PIXELS = (0.5, 1.5)  # standard deviation of the elastic displacement, in px
ELASTIC_GRID = 4  # the displacement is drawn on a 4x4 grid and smoothly enlarged: bends, not jitter
THRESHOLD = (0.2, 0.6)  # binarisation cut, as a share of the glyph's brightest pixel
CONTRAST_INK = (0.35, 0.75)  # faint ink: the brightest stroke brought down to this
CONTRAST_BACKGROUND = (0.0, 0.2)  # and the background lifted to this (grey paper)


def _stretched(x: torch.Tensor) -> torch.Tensor:
    """Each glyph divided by its brightest pixel, as the reader's normalisation ends."""
    return x / x.amax(dim=(2, 3), keepdim=True).clamp_min(1e-6)


def _noise(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    sigma = _uniform(len(x), *NOISE_SIGMA, gen, x.device).view(-1, 1, 1, 1)
    return x + sigma * torch.randn(x.shape, generator=gen).to(x.device)


def _blur(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    sigma = _uniform(len(x), *BLUR_SIGMA, gen, x.device).view(-1, 1)
    offsets = torch.arange(-BLUR_RADIUS, BLUR_RADIUS + 1, device=x.device, dtype=x.dtype)
    kernel = torch.exp(-(offsets[None] ** 2) / (2 * sigma**2))
    kernel = kernel / kernel.sum(dim=1, keepdim=True)  # (n, 2r+1): one kernel per glyph
    n, side = len(x), 2 * BLUR_RADIUS + 1
    rows = x.view(1, n, *x.shape[2:])  # each glyph its own channel, for a grouped convolution
    rows = F.conv2d(F.pad(rows, (BLUR_RADIUS,) * 4), kernel.view(n, 1, 1, side), groups=n)
    rows = F.conv2d(rows, kernel.view(n, 1, side, 1), groups=n)
    return _stretched(rows.view_as(x))


def _stroke_weight(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    n, pad = len(x), MORPH_KERNEL // 2
    bolder = (torch.rand(n, generator=gen) < 0.5).to(x.device).view(-1, 1, 1, 1)
    thick_amount = _uniform(n, *THICKEN_AMOUNT, gen, x.device).view(-1, 1, 1, 1)
    thin_amount = _uniform(n, *THIN_AMOUNT, gen, x.device).view(-1, 1, 1, 1)
    thick = F.max_pool2d(x, MORPH_KERNEL, 1, pad)
    thin = -F.max_pool2d(-x, MORPH_KERNEL, 1, pad)
    out = torch.where(bolder, x + thick_amount * (thick - x), x + thin_amount * (thin - x))
    return _stretched(out)


def _elastic(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    n, side = len(x), x.shape[-1]
    pixels = _uniform(n, *ELASTIC_PIXELS, gen, x.device).view(-1, 1, 1, 1)
    coarse = torch.randn(n, 2, ELASTIC_GRID, ELASTIC_GRID, generator=gen).to(x.device)
    field = F.interpolate(coarse, size=(side, side), mode="bicubic", align_corners=True)
    field = field * pixels / (side / 2)  # grid_sample measures in half-widths of the image
    identity = torch.eye(2, 3, device=x.device, dtype=x.dtype).expand(n, 2, 3)
    grid = F.affine_grid(identity, list(x.shape), align_corners=False) + field.permute(0, 2, 3, 1)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


def _binarised(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    cut = _uniform(len(x), *THRESHOLD, gen, x.device).view(-1, 1, 1, 1) * x.amax(dim=(2, 3), keepdim=True)
    binary = (x > cut).to(x.dtype)
    kernel = torch.tensor(SIGMA_HALF_KERNEL, device=x.device, dtype=x.dtype)
    kernel = (kernel[:, None] * kernel[None, :]).view(1, 1, 3, 3)
    return _stretched(F.conv2d(F.pad(binary, (1, 1, 1, 1)), kernel))


def _low_contrast(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    ink = _uniform(len(x), *CONTRAST_INK, gen, x.device).view(-1, 1, 1, 1)
    paper = _uniform(len(x), *CONTRAST_BACKGROUND, gen, x.device).view(-1, 1, 1, 1)
    return paper + (ink - paper) * x


# The degradations `degrade` chooses among, one per glyph, each as likely.
DEGRADATIONS = {
    "noise": _noise,
    "blur": _blur,
    "stroke_weight": _stroke_weight,
    "elastic": _elastic,
    "binarised": _binarised,
    "low_contrast": _low_contrast,
}


def degrade(x: torch.Tensor, gen: torch.Generator, share: float) -> torch.Tensor:
    """A `share` of the glyphs (N, 1, 28, 28) in [0, 1], each degraded by one of DEGRADATIONS chosen at
    random: Gaussian noise, blur, a bolder or finer pen, an elastic bend, binarisation (threshold, then a
    slight blur) or faint ink on grey paper. The rest are returned as they are. Same generator state, same
    result, on any device; the result is in [0, 1] and has the batch's shape."""
    n = x.shape[0]
    pick = torch.rand(n, generator=gen) < share
    kind = torch.randint(len(DEGRADATIONS), (n,), generator=gen)
    if not pick.any():
        return x
    out = x.clone()
    for k, apply in enumerate(DEGRADATIONS.values()):
        chosen = torch.nonzero(pick & (kind == k)).squeeze(1)
        if len(chosen):
            chosen = chosen.to(x.device)
            out[chosen] = apply(x[chosen], gen)
    return out.clamp_(0, 1)
