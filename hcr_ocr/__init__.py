"""hcr-ocr: read handwriting with a small CNN trained on EMNIST.

import hcr_ocr
page = hcr_ocr.read("note.png")
print(page.text)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np

    from hcr_ocr.page import Page
    from hcr_ocr.reading.lexicon import Lexicon
    from hcr_ocr.reading.settings import Settings

__version__ = "0.1.0"


def read(
    source: str | Path | bytes | np.ndarray,
    model: str | Path | None = None,
    *,
    lexicon: Lexicon | str | Path | None = "shipped",
    settings: Settings | None = None,
    **kwargs,
) -> Page:
    """Read one image (path, bytes or numpy array) → hcr_ocr.page.Page. `lexicon`: the shipped English word
    list, a path, a Lexicon or None; `settings`: the stages' numbers (hcr_ocr.reading.settings). See
    hcr_ocr.reading.pipeline.read."""
    from hcr_ocr.reading.pipeline import read as read_page
    from hcr_ocr.reading.settings import DEFAULT

    return read_page(source, model=model, lexicon=lexicon, settings=settings or DEFAULT, **kwargs)
