"""Glyph tensors → class probabilities, with the exported ONNX model run by onnxruntime (no torch).

from hcr_ocr.reading.recognition import GlyphClassifier, OnnxClassifier
clf = OnnxClassifier("models/emnist47.onnx")
probs = clf.probabilities(glyphs)       # glyphs: float32 (N, 1, 28, 28) in [0, 1]; probs: (N, 47)
clf.classes[probs[0].argmax()]
GlyphClassifier(clf, small=OnnxClassifier("models/emnist47-small.onnx"),
                second=OnnxClassifier("models/emnist47-second.onnx")).classify(masks, is_small)

Glyphs written small (a name on a form scanned at 100 dpi: letters 10-16 px tall) reach the network
enlarged, blocky and thick; a model fine-tuned on such coarse copies of EMNIST (`train --low-res`) reads
them better, and the ordinary model reads everything else better, so `GlyphClassifier` sends each glyph
to the one made for the size of its writing (the reader judges it by the line's letter height).

A second network, trained apart from the first (another seed, some coarse copies among its batches), is
asked about the glyphs the first is unsure of, and the two opinions are averaged: two networks rarely make
the same mistake, and the sure glyphs, most of them, cost nothing extra.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import onnxruntime

from hcr_ocr.errors import CheckpointError
from hcr_ocr.reading.normalization import batch, with_views
from hcr_ocr.reading.settings import DEFAULT, NormalizationSettings, Settings

if TYPE_CHECKING:
    from hcr_ocr.reading.word_reader import WordReader

ONNX_META_KEY = "hcr_ocr"  # the model's metadata_props entry that holds our JSON metadata


def onnx_metadata(session: onnxruntime.InferenceSession, path: Path) -> dict:
    """The hcr-ocr metadata (classes, arch, normalisation, ...) stored in an exported model."""
    stored = session.get_modelmeta().custom_metadata_map.get(ONNX_META_KEY)
    if stored is None:
        raise CheckpointError(f"{path} is not an hcr-ocr ONNX model (no hcr-ocr metadata)")
    try:
        return json.loads(stored)
    except ValueError as err:
        raise CheckpointError(f"{path} has unreadable hcr-ocr metadata ({err})") from err


def onnx_session(path: Path, threads: int = 0) -> onnxruntime.InferenceSession:
    """An onnxruntime CPU session of the model at `path` (`threads` per model, 0: onnxruntime's choice);
    a graph onnxruntime cannot load is a one-line CheckpointError."""
    options = onnxruntime.SessionOptions()
    # Worker threads that spin between runs would take the CPU from the rest of the reader.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = threads
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own untyped errors for a bad graph
        raise CheckpointError(f"{path} could not be loaded by onnxruntime") from err


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class OnnxClassifier:
    """A character classifier loaded from an hcr-ocr ONNX export."""

    def __init__(self, path: str | Path, batch_size: int = 512, threads: int = 0):
        self.path = Path(path)
        if not self.path.is_file():
            raise CheckpointError(f"model file not found: {self.path}")
        self.batch_size = batch_size
        self.threads = threads  # 0: onnxruntime's choice (the cores); 1 in batch workers

    @cached_property
    def session(self) -> onnxruntime.InferenceSession:
        """The onnxruntime session, made when the model is first used (a page may never need it). Made
        without a lock: a classifier shared by threads is first used under the caller's lock (`serve`)."""
        return onnx_session(self.path, self.threads)

    @cached_property
    def meta(self) -> dict:
        """The hcr-ocr metadata stored in the model (classes, architecture, normalisation)."""
        return onnx_metadata(self.session, self.path)

    @property
    def classes(self) -> str:
        """The model's classes, in the order of its outputs."""
        return self.meta["classes"]

    @cached_property
    def input_name(self) -> str:
        return self.session.get_inputs()[0].name

    def probabilities(
        self,
        glyphs: np.ndarray,
        views: bool = True,
        *,
        settings: NormalizationSettings = DEFAULT.normalization,
    ) -> np.ndarray:
        """Softmax probabilities (N, classes) for float32 glyphs (N, 1, 28, 28), averaged over the glyph as
        it is and slightly zoomed in and out (`views`; see settings.tta_scales)."""
        if len(glyphs) == 0:
            return np.zeros((0, len(self.classes)), np.float32)
        if views:
            return with_views(lambda g: self.probabilities(g, views=False), glyphs, settings=settings)
        out = []
        for i in range(0, len(glyphs), self.batch_size):
            chunk = np.ascontiguousarray(glyphs[i : i + self.batch_size], dtype=np.float32)
            (logits,) = self.session.run(None, {self.input_name: chunk})
            out.append(softmax(logits.reshape(-1, len(self.classes))))
        return np.concatenate(out)


# The defaults of RecognitionSettings.sure and .small_writing, under the names other modules import.
SURE = DEFAULT.recognition.sure
SMALL_WRITING = DEFAULT.recognition.small_writing


class GlyphClassifier:
    """The reader's classifier: one model for writing of ordinary size and, where given, one for small
    writing and a second opinion on unsure glyphs."""

    def __init__(
        self,
        main: OnnxClassifier,
        small: OnnxClassifier | None = None,
        second: OnnxClassifier | None = None,
        words: WordReader | None = None,
    ):
        self.main, self._small, self._second = main, small, second
        self.words = words  # the word reader that checks whole words (stage 12), where one is given
        self.classes = main.classes

    @property
    def small(self) -> OnnxClassifier | None:
        return self._same_classes(self._small)

    @property
    def second(self) -> OnnxClassifier | None:
        return self._same_classes(self._second)

    def _same_classes(self, other: OnnxClassifier | None) -> OnnxClassifier | None:
        """`other`, checked on first use to have the main model's classes."""
        if other is not None and other.classes != self.classes:
            raise CheckpointError(f"{other.path} has other classes than {self.main.path}")
        return other

    def _networks(self, is_small: np.ndarray, chosen: np.ndarray):
        """(network, its glyphs among `chosen`) for the main and the small-writing model, where it has any."""
        if (chosen & ~is_small).any():
            yield self.main, chosen & ~is_small
        if (chosen & is_small).any():
            yield self.small, chosen & is_small

    def small_flags(self, small: list[bool] | None, n: int) -> np.ndarray:
        """Which of `n` glyphs the small-writing model reads: those `small` marks, where it is loaded."""
        return np.zeros(n, bool) if self._small is None or small is None else np.array(small, bool)

    def first_look(self, glyphs: np.ndarray, is_small: np.ndarray) -> np.ndarray:
        """Probabilities (N, classes) for normalised glyphs (N, 1, 28, 28), each by the model for its size
        of writing, as they are (no zoomed views, no second opinion)."""
        out = np.empty((len(glyphs), len(self.classes)), np.float32)
        for network, these in self._networks(is_small, np.ones(len(glyphs), bool)):
            out[these] = network.probabilities(glyphs[these], views=False)
        return out

    def classify(
        self,
        masks: list[np.ndarray],
        small: list[bool] | None = None,
        views: bool = True,
        *,
        looks: Callable[[int, int], int] | None = None,
        settings: Settings = DEFAULT,
    ) -> np.ndarray:
        """Probabilities (N, classes) for glyph ink masks of any size (see normalization.to_emnist);
        `small` marks the glyphs of small writing. A glyph whose top class has less than
        settings.recognition.sure is looked at again: zoomed (`views`) and, if still unsure, by the second
        model too, the two opinions averaged. `looks`, given the first look's counts of sure and unsure
        glyphs, says how many unsure glyphs to look at again (the first in the order given; default all)."""
        norm, sure = settings.normalization, settings.recognition.sure
        glyphs = batch(masks, settings=norm)
        is_small = self.small_flags(small, len(masks))
        out = self.first_look(glyphs, is_small)
        again = out.max(axis=1) < sure
        unsure = int(again.sum())
        again &= np.cumsum(again) <= (unsure if looks is None else looks(len(masks) - unsure, unsure))
        if views:
            for network, these in self._networks(is_small, again):
                out[these] = network.probabilities(glyphs[these], settings=norm)
        if self._second is not None:
            still = again & (out.max(axis=1) < sure)  # still unsure after the zoomed views
            if still.any():
                second = self.second.probabilities(glyphs[still], views, settings=norm)
                out[still] = (out[still] + second) / 2
        return out
