"""What a training run is asked to do: one dataclass, filled by `hcr-ocr train` or by a script.

    from hcr_ocr.train.config import TrainConfig
    config = TrainConfig(dataset="mnist", epochs=2, limit=2000, out="runs/try")

None means "decide from the run": the dataset, architecture and output folder of a resumed run are its
checkpoint's; otherwise emnist, DEFAULT_ARCH and runs/DATASET.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hcr_ocr.errors import HcrError


@dataclass
class TrainConfig:
    dataset: str | None = None  # emnist, mnist or emnist-byclass
    epochs: int = 10  # total epochs; a resumed run goes on up to this many
    batch_size: int | None = None  # None: 256, or less for a small set (schedule.batch_size_for)
    lr: float = 3e-3  # peak of the one-cycle schedule
    weight_decay: float = 5e-4
    label_smoothing: float = 0.1
    val_fraction: float = 0.1
    limit: int | None = None  # use only the first N training images
    seed: int = 0
    out: str | None = None
    data_dir: str | None = None
    resume: str | None = None  # a last.pt to continue
    balanced: bool = True
    augment: bool = True
    low_res: float = 0.0  # share of each batch also seen as if written small and scanned coarsely
    degrade: float = 0.0  # share of each batch also degraded as scans are (augmentation.degrade)
    extra_glyphs: list[str] = field(default_factory=list)  # folders of crops to harvest, or .npz of glyphs
    extra_repeat: list[int] = field(default_factory=lambda: [4])  # times each extra glyph joins: one per
    # source in `extra_glyphs`, or one for all
    init: str | None = None  # start from the weights of this checkpoint (fine-tuning)
    arch: dict | None = None  # overrides of network.DEFAULT_ARCH, e.g. {"width": 24}
    device: str = "cpu"
    distributed: bool = False  # one of the processes torchrun started (hcr_ocr.train.distributed)

    def __post_init__(self) -> None:
        if any(n < 1 for n in self.extra_repeat):
            raise HcrError("--extra-repeat: each number must be 1 or more")
        if len(self.extra_repeat) > 1 and len(self.extra_repeat) != len(self.extra_glyphs):
            raise HcrError(
                f"--extra-repeat: give one number, or one per --extra-glyphs ({len(self.extra_glyphs)})"
            )

    def repeats(self) -> list[int]:
        """How many times each source in `extra_glyphs` joins the training images."""
        return (
            self.extra_repeat * len(self.extra_glyphs) if len(self.extra_repeat) == 1 else self.extra_repeat
        )
