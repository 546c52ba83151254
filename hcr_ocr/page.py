"""What the reader returns: a Page of Lines of Words of Chars, each with a box in page pixels.

    page = hcr_ocr.read("note.png")
    page.text                                   # "Dear Sam\nsee you at 5"
    page.lines[0].words[0].chars[0].alternatives    # [("D", 0.91), ("O", 0.05), ("0", 0.02)]
    page.to_dict()                              # the JSON form

Boxes are [x0, y0, x1, y1] in the pixels of the image as loaded (EXIF orientation applied), x1/y1 exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BBox = tuple[int, int, int, int]


def union_bbox(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass
class Char:
    text: str
    bbox: BBox
    confidence: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "bbox": list(self.bbox),
            "confidence": round(self.confidence, 4),
            "alternatives": [{"text": t, "confidence": round(p, 4)} for t, p in self.alternatives],
        }


@dataclass
class Word:
    chars: list[Char]
    bbox: BBox
    from_lexicon: bool = False  # the text is an entry of the word list (see hcr_ocr.reading.lexicon)
    raw: str = ""  # the glyph-by-glyph reading, before the word list had its say

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def confidence(self) -> float:
        return min((c.confidence for c in self.chars), default=0.0)

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "bbox": list(self.bbox),
            "confidence": round(self.confidence, 4),
            "lexicon": self.from_lexicon,
            "raw": self.raw or self.text,
            "chars": [c.to_dict() for c in self.chars],
        }


@dataclass
class Line:
    words: list[Word]
    bbox: BBox
    baseline: list[tuple[int, int]] | None = None  # points of the line the letters rest on, where known
    block: int = 0  # the text block (column, paragraph) it belongs to, in reading order

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def confidence(self) -> float:
        return min((w.confidence for w in self.words), default=0.0)

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "bbox": list(self.bbox),
            "confidence": round(self.confidence, 4),
            "block": self.block,
            "words": [w.to_dict() for w in self.words],
        }


@dataclass
class Page:
    file: str
    width: int
    height: int
    lines: list[Line] = field(default_factory=list)
    skew_degrees: float = 0.0
    turned_degrees: int = 0  # the page was read turned this far anticlockwise (0, 90, 180 or 270)
    seconds: float = 0.0
    image: Any = field(default=None, repr=False, compare=False)  # the grayscale page as loaded (numpy)
    number: int | None = None  # its number in a PDF or multi-page TIFF; None for a plain image

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def is_blank(self) -> bool:
        return not self.lines

    def drop_unsure(self, min_confidence: float) -> None:
        """Leave out the words read with a confidence under `min_confidence`, and lines left empty."""
        for line in self.lines:
            line.words = [w for w in line.words if w.confidence >= min_confidence]
            if line.words:
                line.bbox = union_bbox([w.bbox for w in line.words])
        self.lines = [line for line in self.lines if line.words]

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "width": self.width,
            "height": self.height,
            "text": self.text,
            "skew_degrees": round(self.skew_degrees, 2),
            "turned_degrees": self.turned_degrees,
            "lines": [line.to_dict() for line in self.lines],
        }
