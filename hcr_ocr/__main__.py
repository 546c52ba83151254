"""The `hcr-ocr` command (`python -m hcr_ocr` is the same).

A plain `hcr-ocr read FILE...`, with no option, goes straight to the reader (hcr_ocr.console.read_command);
everything else goes through the Typer app in hcr_ocr.cli. Importing and building Typer's app is a tenth of
a one-image read's start, and a plain read is how scripts call the tool once per file.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    # numpy's OpenBLAS starts a thread per core at import, a tenth of a one-image read's start on 2 cores;
    # the commands' matrix products are small (the networks run in onnxruntime or torch, own threads).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    args = sys.argv[1:]
    if len(args) > 1 and args[0] == "read" and not any(a.startswith("-") and a != "-" for a in args[1:]):
        from hcr_ocr.console import read_command, report_error

        try:
            code = read_command(args[1:])
        except (Exception, KeyboardInterrupt) as err:
            code = report_error(err)
        sys.exit(code)
    from hcr_ocr.cli import main as typer_main

    typer_main()


if __name__ == "__main__":
    main()
