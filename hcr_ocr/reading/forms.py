"""Form clean-up, between lines and words: leave out what is form rather than handwriting.

    from hcr_ocr.reading.forms import drop_cut_off, drop_edge_remnants, drop_frame_lines, drop_printed_labels
    blobs = drop_edge_remnants(blobs, touching_top_bottom)
    blobs = drop_frame_lines(drop_cut_off(blobs, touching_sides), height)
    text_lines = drop_printed_labels(text_lines, labels)

A crop of a filled-in form holds more than the writing: letters cut off at its sides, the feet of the line
above cut by its top edge, the frame of the field, printed labels such as `NOM :`. Each is recognised by
shape alone and left out before words are split.
"""

from __future__ import annotations

import numpy as np

from hcr_ocr.reading.binarization import stroke_width
from hcr_ocr.reading.glyphs import Glyph, find_glyphs, has_bold_stroke, printed_letters, printed_runs
from hcr_ocr.reading.lines import Blob, TextLine, measure_line, typical_height
from hcr_ocr.reading.settings import DEFAULT, FormSettings, LineSettings, Settings
from hcr_ocr.reading.stats import median


def drop_cut_off(
    blobs: list[Blob],
    at_sides: set[int],
    *,
    settings: FormSettings = DEFAULT.forms,
    line_settings: LineSettings = DEFAULT.lines,
) -> list[Blob]:
    """Leave out blobs that touch the left or right image edge (letters cut off by a crop, form borders)
    when they are a minority of the ink; in a tight crop, where most letters touch the edge, keep them all.
    Lines cut off at the top or bottom edge are left out by `find_lines`, their low remnants by
    `drop_edge_remnants`. Whatever touches the sides and is many letters tall (the edge of the paper, the
    desk beside it in a photo) is left out in any case."""
    inside = [b for b in blobs if b.label not in at_sides]
    if inside:
        tallest = settings.edge_blob_max_letters * typical_height(inside, line_settings)
        blobs = [b for b in blobs if b.label not in at_sides or b.h <= tallest]
    touching = [b for b in blobs if b.label in at_sides]
    total = sum(b.area for b in blobs)
    if not touching or sum(b.area for b in touching) > settings.cut_off_max_share * total:
        return blobs
    edge = {b.label for b in touching}
    return [b for b in blobs if b.label not in edge]


def drop_edge_remnants(
    blobs: list[Blob],
    at_top_bottom: set[int],
    *,
    settings: FormSettings = DEFAULT.forms,
    line_settings: LineSettings = DEFAULT.lines,
) -> list[Blob]:
    """Leave out the remnants of writing outside the crop: blobs cut by the top or bottom edge that are
    much lower than a letter of the rest of the ink (the feet of the line above, however many: they set no
    letter height). A letter of the crop's own writing that touches the edge keeps most of its height; in
    writing whose letter height is set by tall letters, a small letter cut at the baseline can be as low,
    and is lost."""
    if not at_top_bottom:
        return blobs
    inside = [b for b in blobs if b.label not in at_top_bottom] or blobs  # the remnants set no letter height
    lowest = settings.edge_remnant_max_height * typical_height(inside, line_settings)
    return [b for b in blobs if b.label not in at_top_bottom or b.h > lowest]


def drop_frame_lines(blobs: list[Blob], height: int, *, settings: FormSettings = DEFAULT.forms) -> list[Blob]:
    """Leave out thin strokes that run from the top edge to the bottom edge and stand well above the other
    ink: the frame of a form field cropped tight (too short to be found as a ruled line)."""
    if len(blobs) < 2:
        return blobs
    s = settings
    typical = median([b.h for b in blobs])

    def frame(b: Blob) -> bool:
        return (
            b.y0 == 0
            and b.y1 == height
            and b.w <= s.frame_max_width * b.h
            and b.h >= s.frame_min_height * typical
        )

    return [b for b in blobs if not frame(b)]


def drop_printed_labels(
    text_lines: list[TextLine], labels: np.ndarray, *, settings: Settings = DEFAULT
) -> list[TextLine]:
    """On a filled-in form, drop the printed labels (bold, tightly set runs) beside or above the
    handwriting, before words are split, so that the type's tight spacing doesn't set the word gaps, and
    what stands left of a label: on its line, and a line of the label's text block, a little above or
    below it, that ends within `label_left_reach` label heights left of the label's start, or ends under
    the label and is lower than its type (the remains of the form's other fields; handwriting under a label
    is taller). A label whose letters all touch is one bold glyph alone on its line, just above taller
    writing (`_label_in_one_piece`). A page with nothing but print keeps everything, and so does a page
    written in marker (`_written_in_marker`; the labels of a form filled in with a marker are kept too).
    Uses the form, glyph and line settings."""
    printed: set[int] = set()
    starts: list[tuple[TextLine, int, int, int, int]] = []  # label's line, left and right ends, top, bottom
    glyphs_of_lines = [find_glyphs(tl.blobs, labels, tl, settings=settings.glyphs) for tl in text_lines]
    for tl, glyphs in zip(text_lines, glyphs_of_lines, strict=True):
        runs = printed_runs(glyphs, settings=settings.forms)
        if not runs and _label_in_one_piece(glyphs, tl, text_lines, settings.forms):
            runs = [glyphs]
        for run in runs:
            printed.update(label for g in run for label in g.blobs)
            label_end = run[-1].bbox[2]  # what stands left of a label is form, not handwriting
            printed.update(b.label for b in tl.blobs if b.x1 <= label_end)
            top, bottom = min(g.bbox[1] for g in run), max(g.bbox[3] for g in run)
            starts.append((tl, run[0].bbox[0], label_end, top, bottom))
    # ... and so is a short line of the label's block that ends just left of it or under it, a little above
    # or below
    for line, x0, x1, top, bottom in starts:
        near = settings.forms.label_left_reach * (bottom - top)
        printed.update(
            b.label
            for tl in text_lines
            if tl is not line
            and tl.block == line.block
            and x0 - near <= tl.x1 <= x1
            and (tl.x1 <= x0 or tl.bottom - tl.top < bottom - top)  # left of it, or under it and lower
            and top - near <= (tl.top + tl.bottom) / 2 <= bottom + near
            for b in tl.blobs
        )
    if (
        not printed
        or all(b.label in printed for tl in text_lines for b in tl.blobs)
        or _written_in_marker(glyphs_of_lines, printed, settings.forms)
    ):
        return text_lines
    kept = []
    for tl in text_lines:
        blobs = [b for b in tl.blobs if b.label not in printed]
        if (
            sum(b.area for b in blobs) >= settings.forms.label_line_min_rest * sum(b.area for b in tl.blobs)
            and blobs
        ):
            line = TextLine(blobs, min(b.y0 for b in blobs), max(b.y1 for b in blobs), block=tl.block)
            measure_line(line, settings=settings.lines)
            kept.append(line)
    return kept


def _written_in_marker(glyphs_of_lines: list[list[Glyph]], printed: set[int], s: FormSettings) -> bool:
    """Is the writing outside the labels found as bold as print, in many letters and with no line in a thin
    hand? Then the page is written with a marker, and its tight words only look like labels. A letter is as
    bold as print where its stroke is, for its height, or where it is nearly as wide as the labels' (a
    capital or a tall letter of the same pen as a label of small letters) and these are wide enough for
    the scan to tell pens apart. (On the form crops we have, the writing beside a label is either too short
    to judge or has a line in a thin hand.)"""
    in_labels = [
        g for gs in glyphs_of_lines for g in gs if not g.punct and any(b in printed for b in g.blobs)
    ]
    label_stroke = median([stroke_width(g.mask) for g in in_labels] or [0.0])
    resolved = label_stroke >= s.marker_label_min_stroke

    def as_bold(g: Glyph) -> bool:
        return (
            has_bold_stroke(g, s) or resolved and stroke_width(g.mask) >= s.marker_label_stroke * label_stroke
        )

    bold_shares = []  # (letters, bold letters) of each line, outside the labels
    for glyphs in glyphs_of_lines:
        rest = [g for g in glyphs if not g.punct and not any(label in printed for label in g.blobs)]
        bold_shares.append((len(rest), sum(as_bold(g) for g in rest)))
    letters = sum(n for n, _ in bold_shares)
    bold = sum(b for _, b in bold_shares)
    thin_line = any(n >= s.label_min_letters and b < s.marker_thin_line_share * n for n, b in bold_shares)
    return letters >= s.marker_min_letters and bold >= s.marker_min_bold_share * letters and not thin_line


def _label_in_one_piece(
    glyphs: list[Glyph], line: TextLine, text_lines: list[TextLine], s: FormSettings
) -> bool:
    """A line that is one bold glyph as wide as a short label's letters (small type whose letters all
    touch, as NOM or Name), just above a line of its block under it whose writing is clearly taller than
    the type (a word written joined up is no taller than the writing around it)."""
    if len(glyphs) != 1 or glyphs[0].punct:
        return False
    g = glyphs[0]
    x0, _, x1, _ = g.bbox
    return (
        s.label_min_letters <= printed_letters(g, s) <= s.label_max_touching
        and has_bold_stroke(g, s)
        and any(
            other.block == line.block
            and line.bottom <= other.top <= line.bottom + s.label_left_reach * g.h
            and min(other.x1, x1) > max(other.x0, x0)
            and other.bottom - other.top >= s.label_min_writing_ratio * g.h
            for other in text_lines
        )
    )
