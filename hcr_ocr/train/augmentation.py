"""Random distortions of training batches, drawn from one seeded generator (same seed, same batches).

    from hcr_ocr.train.augmentation import augment, low_resolution
    gen = torch.Generator().manual_seed(0)
    batch = augment(batch, gen)                     # (N, 1, 28, 28) in [0, 1], distorted
    batch = low_resolution(batch, gen, share=0.3)   # about 30% of them made coarse, as small writing looks

`augment` is the everyday distortion of handwriting (slant, size, position, pen width); `low_resolution` is
what the reader sees of a letter written 10-22 px tall and enlarged back to 28x28.
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
