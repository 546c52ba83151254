"""`python -m hcr_ocr ...` is the same as `hcr-ocr ...`."""

from hcr_ocr.cli import main

main()
