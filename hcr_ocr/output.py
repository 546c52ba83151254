"""Human-readable reports: rich tables for `eval` (and, later, the page reader's outputs).

    print_eval_report(report, Console())
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from hcr_ocr.evaluation import EvalReport


def print_eval_report(report: EvalReport, console: Console) -> None:
    console.print(
        f"[bold]{report.model}[/bold] on {report.dataset} {report.split} ({report.n} images): "
        f"accuracy [bold]{report.accuracy:.4f}[/bold], macro F1 {report.macro_f1:.4f}"
    )
    table = Table(title="per class", show_edge=False, pad_edge=False)
    for name in ("class", "precision", "recall", "F1", "n"):
        table.add_column(name, justify="right")
    for s in report.per_class:
        table.add_row(s.char, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support))
    console.print(table)
    console.print("[bold]most confused pairs[/bold] (truth → predicted):")
    for truth, pred, count in report.top_confusions:
        console.print(f"  {truth} → {pred}  {count} times")
