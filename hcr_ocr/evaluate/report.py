"""The `eval` report as rich tables on a console.

from hcr_ocr.evaluate.report import print_eval_report
print_eval_report(report, Console())
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from hcr_ocr.evaluate.characters import EvalReport


def print_eval_report(report: EvalReport, console: Console) -> None:
    from rich.table import Table

    console.print(
        f"[bold]{report.model}[/bold] on {report.dataset} {report.split} ({report.n} images): "
        f"accuracy [bold]{report.accuracy:.4f}[/bold], macro F1 {report.macro_f1:.4f}"
        + ("" if report.views else " (network alone, --no-views)")
    )
    table = Table(title="per class", show_edge=False, pad_edge=False)
    for name in ("class", "precision", "recall", "F1", "n"):
        table.add_column(name, justify="right")
    for s in report.per_class:
        table.add_row(s.char, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support))
    console.print(table)
    console.print("[bold]most confused pairs[/bold] (truth → predicted):")
    for truth, pred, count in report.top_confusions:
        console.print(f"  {truth} → {pred}  {count} {'time' if count == 1 else 'times'}")
