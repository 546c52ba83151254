"""Train the word reader (WordCRNN, CTC loss) on word images, for a budget of minutes.

    from hcr_ocr.train.word_training import WordTrainConfig, train_words
    result = train_words(WordTrainConfig(words=120000, print_words=30000, minutes=40, out="runs/words"))
    result.best_cer, result.onnx_path          # validation CER (greedy decoding, no word list), words.onnx

The word images (hcr_ocr.data.word_images) are made once, before training, and cached as .npz beside the
run (`words-N-SEED-KIND.npz`); `val_words` are held out, from the end of each part alike. Batches are of words of similar width
(sorted within chunks of 50 batches), the learning rate warms up over 300 steps and then falls on a cosine
to zero at the end of the budget. Every `eval_every` steps the validation CER is measured and the best
weights kept (best.pt, exported to words.onnx); history.json and cer.png (loss and CER over the steps) follow the run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from hcr_ocr.data.word_images import CAP_HEIGHT
from hcr_ocr.reading.word_reader import WORD_SYMBOLS, greedy_text

WARMUP_STEPS = 300  # steps of linearly rising learning rate at the start
CHUNK_BATCHES = 50  # batches sorted by width together (similar widths, little padding)
GRAD_CLIP = 5.0  # largest gradient norm
WRITTEN_PART, PRINT_PART = 60000, 15000  # word images made with one seed (and cached as one file)


@dataclass
class WordTrainConfig:
    words: int = 120000  # words written in EMNIST glyphs ...
    print_words: int = 0  # ... and set in print fonts
    seed: int = 1  # of the images (one seed a part, see _images) and of the training
    smallest_cap: int = CAP_HEIGHT[0]  # the smallest capital height of the word images, pixels
    minutes: float = 40.0  # training budget
    batch_size: int = 64
    lr: float = 1e-3  # peak learning rate (AdamW)
    weight_decay: float = 1e-4
    val_words: int = 2000  # held out for validation, from the end of each part alike (a fifth at most)
    eval_every: int = 1000  # steps between validations
    init: str | None = None  # start from the weights of this best.pt
    out: str = "runs/words"
    data_dir: str | None = None
    threads: int = 0  # torch threads (0: torch's default)


@dataclass
class WordTrainResult:
    best_cer: float
    best_path: Path
    onnx_path: Path
    history: list[dict] = field(default_factory=list)


def _images(config: WordTrainConfig, out: Path) -> tuple[np.ndarray, np.ndarray, list[str], list[int]]:
    """The run's word images, made in parts (written: 60,000 a part, seeds `seed`, `seed` + 1, ...; then
    print: 15,000 a part, the seeds after) and cached beside the run, with the parts' sizes."""
    from hcr_ocr.data.word_images import word_images

    plan, seed = [], config.seed
    for total, size, kind in (
        (config.words, WRITTEN_PART, "written"),
        (config.print_words, PRINT_PART, "print"),
    ):
        for first in range(0, total, size):
            plan.append((min(size, total - first), seed, kind))
            seed += 1
    parts = []
    for n, part_seed, kind in plan:
        cache = out / f"words-{n}-{part_seed}-{kind}-cap{config.smallest_cap}.npz"
        if not cache.exists():
            share = 1.0 if kind == "print" else 0.0
            made = word_images(n, part_seed, share, config.data_dir, config.smallest_cap)
            np.savez_compressed(cache, images=made[0], widths=made[1], texts=np.array(made[2]))
        with np.load(cache) as part:
            parts.append((part["images"], part["widths"], [str(t) for t in part["texts"]]))
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        [t for p in parts for t in p[2]],
        [len(p[1]) for p in parts],
    )


def train_words(
    config: WordTrainConfig, on_progress: Callable[[dict], None] | None = None
) -> WordTrainResult:
    import torch
    import torch.nn.functional as F
    from rapidfuzz.distance import Levenshtein

    from hcr_ocr.train.checkpoints import load_checkpoint, save_checkpoint
    from hcr_ocr.train.plots import plot_word_training
    from hcr_ocr.train.word_network import ARCH_NAME, WordCRNN, export_word_reader

    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    images, widths, texts, sizes = _images(config, out)
    code = {c: i + 1 for i, c in enumerate(WORD_SYMBOLS)}
    labels = [[code[c] for c in t] for t in texts]
    ends = np.cumsum(sizes)
    # held out from the end of each part alike, a fifth of a part at most
    held = [min(config.val_words // len(sizes), size // 5) for size in sizes]
    val = np.concatenate([np.arange(end - k, end) for end, k in zip(ends, held, strict=True)])
    train = np.setdiff1d(np.arange(len(texts)), val)

    def batch(ids: np.ndarray) -> torch.Tensor:
        width = -(-int(widths[ids].max()) // 4) * 4
        return torch.from_numpy(images[ids, :, :width].astype(np.float32) / 255.0)[:, None]

    def validate() -> float:
        model.eval()
        errors = chars = 0
        with torch.no_grad():
            for i in range(0, len(val), 200):
                ids = val[i : i + 200]
                logp = model(batch(ids)).numpy()
                for j, k in enumerate(ids):
                    errors += Levenshtein.distance(greedy_text(logp[:, j]), texts[k])
                    chars += len(texts[k])
        model.train()
        return errors / max(chars, 1)

    model = WordCRNN()
    if config.init:
        model.load_state_dict(load_checkpoint(config.init)["state_dict"])
    optimiser = torch.optim.AdamW(model.parameters(), config.lr, weight_decay=config.weight_decay)
    rng = np.random.default_rng(config.seed)
    budget, start, step = config.minutes * 60, time.time(), 0
    best_cer, history = float("inf"), []
    best_path, onnx_path = out / "best.pt", out / "words.onnx"
    meta = {"arch": {"name": ARCH_NAME}, "classes": "-" + WORD_SYMBOLS, "config": asdict(config)}

    losses: list[float] = []

    def checkpoint(cer: float) -> None:
        nonlocal best_cer
        mean_loss = float(np.mean(losses)) if losses else float("nan")
        history.append(
            {
                "step": step,
                "seconds": round(time.time() - start),
                "train_loss": round(mean_loss, 4),
                "val_cer": round(cer, 4),
            }
        )
        losses.clear()
        (out / "history.json").write_text(json.dumps(history, indent=1))
        plot_word_training(history, out / "cer.png")
        if cer < best_cer:
            best_cer = cer
            save_checkpoint(best_path, model.state_dict(), {**meta, "val_cer": cer, "step": step})
            export_word_reader(model, {**meta, "val_cer": cer}, onnx_path)

    while time.time() - start < budget:
        order = rng.permutation(train)
        for c in range(0, len(order), config.batch_size * CHUNK_BATCHES):
            chunk = order[c : c + config.batch_size * CHUNK_BATCHES]
            chunk = chunk[np.argsort(widths[chunk], kind="stable")]
            batches = [chunk[i : i + config.batch_size] for i in range(0, len(chunk), config.batch_size)]
            for b in rng.permutation(len(batches)):
                ids = batches[b]
                done = min((time.time() - start) / budget, 1.0)
                lr = config.lr * min(1.0, step / WARMUP_STEPS) * 0.5 * (1 + np.cos(np.pi * done))
                for group in optimiser.param_groups:
                    group["lr"] = lr
                logp = model(batch(ids))
                targets = torch.tensor([k for i in ids for k in labels[i]])
                lengths = torch.tensor([len(labels[i]) for i in ids])
                frames = torch.full((len(ids),), logp.shape[0], dtype=torch.long)
                loss = F.ctc_loss(logp, targets, frames, lengths, zero_infinity=True)
                optimiser.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
                optimiser.step()
                step += 1
                losses.append(loss.item())
                if on_progress:
                    on_progress(
                        {"step": step, "seconds": time.time() - start, "budget": budget, "loss": loss.item()}
                    )
                if step % config.eval_every == 0:
                    checkpoint(validate())
                if time.time() - start >= budget:
                    break
            if time.time() - start >= budget:
                break
    checkpoint(validate())
    return WordTrainResult(best_cer, best_path, onnx_path, history)
