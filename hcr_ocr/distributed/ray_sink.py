"""Where the records go: one JSON Lines file per block of Ray Data's output (imported only once Ray is).

    sink = JsonLinesSink(Path("results"))
    dataset.write_datasink(sink)          # blocks with a "line" (one JSON record) and a "failed" column
    sink.files, sink.rows, sink.failed    # on the driver, when the write is done

Each write task names its files `part-TASK-BLOCK.jsonl`, so that no two tasks write the same file.
"""

from __future__ import annotations

from pathlib import Path

from ray.data import Datasink
from ray.data.block import BlockAccessor


class JsonLinesSink(Datasink):
    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.files: list[Path] = []
        self.rows = 0
        self.failed = 0

    def on_write_start(self, schema=None) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)

    def write(self, blocks, ctx) -> dict:
        written: list[str] = []
        rows = failed = 0
        for number, block in enumerate(blocks):
            table = BlockAccessor.for_block(block).to_arrow()
            if table.num_rows == 0:
                continue
            lines = table.column("line").to_pylist()
            path = self.out_dir / f"part-{ctx.task_idx:05d}-{number:03d}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            written.append(str(path))
            rows += len(lines)
            failed += sum(bool(f) for f in table.column("failed").to_pylist())
        return {"files": written, "rows": rows, "failed": failed}

    def on_write_complete(self, write_result) -> None:
        returns = getattr(write_result, "write_returns", write_result)  # a list before Ray 2.20
        for result in returns:
            self.files += [Path(p) for p in result["files"]]
            self.rows += result["rows"]
            self.failed += result["failed"]
        self.files.sort()
