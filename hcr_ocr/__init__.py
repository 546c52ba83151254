"""hcr-ocr: read handwriting with a small CNN trained on EMNIST.

import hcr_ocr
page = hcr_ocr.read("note.png")
print(page.text)
"""

from __future__ import annotations

__version__ = "0.1.0"


def read(source, model=None, **kwargs):
    """Read one image (path, bytes or numpy array) → hcr_ocr.page.Page. See hcr_ocr.reading.pipeline.read."""
    from hcr_ocr.reading.pipeline import read as _read

    return _read(source, model=model, **kwargs)
