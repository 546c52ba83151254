"""Every tunable number of the read path, named and explained, one frozen record per stage.

    from hcr_ocr.reading.settings import Settings, replace
    settings = replace(Settings(), glyphs=replace(Settings().glyphs, dot_max_width=0.5))
    hcr_ocr.read("note.png", settings=settings)

The defaults are the values the reader was tuned with; `DEFAULT` holds them. Units, as the comments use them:
"body" is a text line's body height (`TextLine.body_height`: the median height of its sizeable blobs),
"letter widths" the median width of the page's letter glyphs, "px" pixels of the (deskewed) page, "grey"
grey levels of the flattened page (0 black, 255 paper), "nats" natural-log probability. A bare fraction is
a share of the quantity named in the comment.
"""

from __future__ import annotations

from typing import Any, TypeVar, dataclass_transform

_S = TypeVar("_S", bound="_Frozen")


@dataclass_transform(kw_only_default=True, frozen_default=True)
class _Frozen:
    """A frozen record of named numbers whose class attributes are the defaults. It behaves like a frozen
    dataclass built with keywords, without the code a dataclass compiles for each class (a twentieth of a
    one-image `read`'s start over this module's 15 classes)."""

    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls) -> None:
        names = (name for klass in reversed(cls.__mro__) for name in vars(klass).get("__annotations__", {}))
        cls._fields = tuple(dict.fromkeys(name for name in names if not name.startswith("_")))

    def __init__(self, **values: Any) -> None:
        unknown = sorted(set(values) - set(self._fields))
        if unknown:
            raise TypeError(f"{type(self).__name__} has no setting {', '.join(unknown)}")
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: make a changed copy with replace()")

    __delattr__ = __setattr__

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._fields)})"


def replace(settings: _S, **changes: Any) -> _S:
    """A copy of `settings` with the named values changed."""
    return type(settings)(**{**settings.__dict__, **changes})


class ScaleSettings(_Frozen):
    """Stage 1b, a big page with big writing → the page at a working size."""

    measure_above: int = 2_000_000  # px: pages with more pixels have their letter height measured
    preview_pixels: int = 1_000_000  # px: the letter height is measured on a preview this size
    max_letter: float = 80.0  # px: a measured page whose letters are taller is brought down ...
    target_letter: float = 40.0  # px: ... so that its letters are this tall
    min_letter: float = 20.0  # px: on a page whose letters measure shorter (once denoised; 16 read x0.6 at
    # 0.0146 / 0.0255 for seeds 0 / 1, 20 at 0.0083 / 0.0194, clean pages measure 22 and up) ...
    finer_letter: float = 32.0  # px: ... the glyphs are classified from its ink enlarged to this height ...
    max_finer_pixels: int = 4_000_000  # px: ... or to this many pixels, if that is less (bounded time) ...
    min_finer: float = 1.2  # ... unless that enlarges it less than this


class SheetSettings(_Frozen):
    """Stage 1a, a photo of a sheet on a darker desk → the desk painted over as paper."""

    preview_side: int = 400  # px, long side of the copy on which the sheet is looked for
    close_share: float = 0.03  # share of the preview's long side: the closing that hides the writing
    min_share: float = 0.1  # the sheet, the largest bright region, covers at least this share ...
    max_share: float = 0.97  # ... and at most this share
    max_second: float = 0.05  # a second bright region at most this share of the sheet (a shadow band across a
    # page splits its paper in two large parts)
    min_desk_share: float = 0.02  # the desk, the dark side reaching the border, covers at least this share
    max_desk_ratio: float = 0.75  # the desk's grey is at most this share of the paper's
    min_step: float = 0.35  # where they meet, the grey jumps across 2 preview px by at least this share of
    # their difference (paper edges measure 0.5-1; a light gradient or a soft shadow's edge 0.01-0.15)
    margin_share: float = 0.0025  # share of the long side inside the sheet's edge painted over with the desk


class DenoiseSettings(_Frozen):
    """Stage 1c, the page's polarity and noise → dark ink on light paper, noise smoothed."""

    preview_side: int = 800  # px, long side of the copy on which the polarity is judged
    inverted_max_share: float = 0.3  # the page is light on dark when its bright side is under this share ...
    inverted_min_contrast: float = 40.0  # ... and this many grey levels brighter than the dark side
    sheet_min_share: float = 0.5  # ... unless one bright region holds this share of the bright side ...
    sheet_min_fill: float = 0.6  # ... and fills this share of its box: a sheet of paper on a darker desk
    impulse_delta: int = 90  # grey levels a pixel must lie beyond all 8 neighbours to count as impulse noise
    # (heavy grain, of sigma 40, puts 1% of its pixels 60 levels beyond theirs: a median filter, meant for
    # salt and pepper, then wears away the thin strokes of small print)
    impulse_min_share: float = 0.005  # share of impulse pixels over which a 3x3 median filter is applied ...
    median_passes: int = 2  # ... at most this many times
    grain_min_sigma: float = 8.0  # grey levels of measured grain over which the page is smoothed ...
    blur_per_sigma: float = 0.03  # ... by a gaussian of this many px per grey level of grain
    max_blur: float = 2.0  # px, the widest gaussian smoothing of grain
    coarse_factor: int = 4  # clumped grain is measured on the page shrunk this many times ...
    coarse_min_side: int = 80  # ... when its short side is at least this long (px; on a field crop, some
    # 50 px tall, the letters' edges would pass for grain; a one-line page may be under 100) ...
    coarse_min_sigma: float = 9.0  # ... where over this many grey levels of noise ...
    means_per_sigma: float = 2.0  # ... it is smoothed by non-local means (which keeps thin strokes a
    # gaussian would wash out) of this strength (OpenCV's h) per grey level of the coarse noise ...
    means_max_strength: float = 40.0  # ... at most this strength
    means_patch: int = 7  # px, the side of the patches non-local means compares
    means_search: int = 11  # px, the side of the window it searches for similar patches
    blur_paper_percentile: float = 90  # edge blur: the page's paper grey is this percentile ...
    blur_ink_percentile: float = 1  # ... and its ink grey this one ...
    blur_min_contrast: float = 40.0  # ... (at least this many grey levels apart, else no measure);
    blur_edge_slope: float = 0.05  # share of the contrast per px: a pixel whose slope is steeper is edge ...
    blur_min_edge_px: int = 200  # ... (at least this many, else no measure) ...
    blur_slope_percentile: float = 90  # ... and this percentile of their slopes is the steepest
    sharpen_min_blur: float = 1.7  # px: a page whose edges are blurred by more (clean scans measure 1.0-1.3,
    # the bench's blur of sigma 2.5 1.7-2.1, both with the paper flattened) ...
    sharpen_min_blur_per_letter: float = 0.045  # ... and by more than this share of its letter height is
    # sharpened (clean pages measure 0.03-0.04, writing enlarged 2-4 times 0.02-0.04, blurred 0.05-0.08) ...
    sharpen_max_noise: float = 4.0  # ... unless its coarse noise (grey levels) is over this (a blurred page
    # measures under 1, a clean one ~2, film grain ~12) ...
    deblur_max_noise: float = 0.03  # ... by deconvolution where its pixel noise is under this share of its
    # contrast (the bench's pages blurred by 2.5 px measure 0-0.004; in ink at 30% or 50% of its darkness
    # on grainy paper, which also measure blurred, 0.07-0.11) ...
    deblur_iterations: int = 40  # ... in this many Richardson-Lucy steps (a gaussian of the measured blur)
    # on a noiseless page, fewer in proportion as its noise nears deblur_max_noise
    deblur_max_work: float = 80.0  # megapixel-steps at most: a bigger page takes fewer (bounded time)
    sharpen_width: float = 1.8  # ... else by an unsharp mask (a gaussian this many times the blur) ...
    sharpen_amount: float = 1.5  # ... adding this many times the detail it finds


class BinarizationSettings(_Frozen):
    """Stage 2, grayscale page → ink mask."""

    paper_kernel_divisor: int = 20  # paper estimate: closing kernel = the page's short side // this (px)
    paper_kernel_min: int = 15  # px, smallest closing kernel at full size
    paper_kernel_max: int = 61  # px, largest closing kernel at full size
    halve_above: int = 200  # px: a page whose short side is longer estimates its paper on a half-size copy
    half_kernel_min: int = 7  # px, smallest closing kernel on the half-size copy
    paper_kernel_per_sigma: int = 4  # the paper's blur: sigma = closing kernel / this
    paper_percentile: float = 99.5  # percentile of the flattened page taken as the paper's grey
    ink_median_kernel: int = 3  # px, median filter that hides salt noise before the darkest ink is taken
    min_contrast: int = 45  # grey between paper and darkest ink under which the page counts as blank
    threshold_min_depth: float = 0.6  # sure ink is at least this share of min_contrast darker than paper
    sauvola_window_divisor: int = 8  # local threshold window = the page's short side // this (px)
    sauvola_window_min: int = 15  # px, smallest local threshold window
    sauvola_k: float = 0.2  # Sauvola's k: how far under the local mean, by local contrast, ink lies
    sauvola_range: float = 128.0  # grey, Sauvola's R: the standard deviation that counts as full contrast
    strong_local_margin: int = 20  # grey a sure ink pixel may lie above the local threshold
    hysteresis: float = 0.5  # share of the threshold-to-paper distance a faint pixel may lie above threshold
    sizeable_min_area: int = 4  # px, smallest blob counted when guessing the letter size
    sizeable_area_percentile: float = 50  # percentile of blob areas ...
    sizeable_area_share: float = 0.5  # ... of which a blob needs this share to count for the letter size
    rule_min_length: int = 40  # px, shortest straight run removed as a ruled line
    rule_min_letters: int = 4  # letter heights a run must be longer than to be a ruled line; on a page
    # too short or narrow for that, a run across this share of it ...
    rule_across_share: float = 0.8
    rule_across_min_letters: float = 2.0  # ... where it is at least this many letter heights long (the
    # letters measured without it)
    rule_max_strokes: float = 2.5  # stroke widths: a run thicker than this is ink, not a rule
    rule_thickness_min: int = 3  # px, the thinnest "thicker than a rule" probe
    # A rule lighter than the writing's grey by this share of the writing's depth is printed on the paper
    # (not drawn with the pen); its pixels darker than it by this share of its own depth are writing.
    # (Tried: a cut between the rule's and the pen's grey, 0.5 or 0.75 of the way: ruled and squared paper
    # read worse, seeds 0 and 1.)
    rule_light_contrast: float = 0.25
    rule_writing_depth: float = 1.0
    rule_tilt_tolerance: int = 3  # px a rule may wander across its length (a page a degree or two askew) ...
    rule_tilt_min_side: int = 150  # ... on a page whose short side is at least this long (px)
    speck_min_area: int = 4  # px, smallest blob kept at all
    speck_area_per_stroke: float = 0.8  # smallest blob kept, in squared stroke widths
    grain_blob_area: float = (
        3.0  # squared stroke widths: a smaller blob may be grain that crossed the threshold
    )
    grain_min_blobs: float = 2.0  # a page with this many small blobs per larger one ...
    grain_min_small: int = 10  # ... and at least this many small blobs is grainy, where ...
    grain_max_depth: float = 0.55  # ... a small blob whose mean lies less than this share of the page's
    # contrast (paper to darkest ink) under the paper is grain, not ink


class DeskewSettings(_Frozen):
    """Stage 3, the text angle and the writing's slant."""

    max_angle: float = 15.0  # degrees, the largest skew searched
    min_ink_pixels: int = 50  # px of ink under which the page is neither deskewed nor stood upright
    work_size: float = 500.0  # px, long side of the reduced copy the angle is searched on
    margin_divisor: int = 4  # the reduced copy is padded by its long side // this, so rotation keeps its ink
    coarse_step: float = 1.0  # degrees between angles of the coarse search
    fine_step: float = 0.25  # degrees between angles of the fine search
    fine_span: float = 1.0  # degrees either side of the coarse best that the fine search covers
    min_angle: float = 0.75  # degrees: a smaller angle found counts as level
    min_gain: float = 1.03  # ratio of sharpness over the level page's an angle must reach to be used
    max_slant: float = 0.8  # x shift per px of height: the strongest slant of writing searched (39°)
    slant_band_height: int = 48  # px: taller line bands are shrunk to this height to measure their slant
    slant_coarse_step: float = 0.05  # between slants of the coarse search
    slant_fine_step: float = 0.01  # between slants of the fine search, a coarse step either side of the best
    min_slant: float = 0.1  # a smaller slant found counts as upright
    slant_min_overlap: float = 1.0  # letter heights: a slant is looked for only where the blobs of the
    # lines overlap in x by this much in all (letters leaning into each other; glyphs that lean each on its
    # own, apart, are left as they are) ...
    slant_shared_rows: float = 0.5  # ... counting blobs as side by side where they share this share of the
    # shorter one's rows (the pieces of a broken letter stand one above the other) ...
    slant_min_gain: float = 1.1  # ... it needs this ratio of upright stroke ink (squared) over the
    # unsheared lines' ...
    slant_max_overlap: float = 0.5  # ... and the page is stood upright only where its lines' blobs then
    # overlap in x at most this share of what they overlap as written


class RegionSettings(_Frozen):
    """Stage 3b, blobs → text blocks (columns, paragraphs)."""

    min_lines: float = 5.0  # letter heights a region must be tall to be cut at all ...
    min_height: int = 150  # ... and px (a field crop, a line or two, is one block)
    column_gap: float = 3.0  # letter heights of paper, top to bottom of a region, that part two columns
    paragraph_gap: float = 2.5  # letter heights of paper, side to side, that part two paragraphs
    min_ink_share: float = 0.1  # share of the region's ink each part of a cut needs
    min_blobs: int = 2  # a region of fewer blobs is not cut
    max_depth: int = 8  # cuts within cuts, at most


class LineSettings(_Frozen):
    """Stage 4, blobs → text lines."""

    big_blob_min_area: int = 4  # px, smallest blob counted for the typical letter height
    big_blob_percentile: float = 60  # percentile of blob areas ...
    big_blob_share: float = 0.2  # ... of which a blob needs this share to count for the typical height
    profile_min_area: int = 3  # px: smaller blobs stay out of the row profile
    profile_trim: float = 0.25  # share of a blob's height left out of the profile at its top and its bottom
    smooth_window: float = 0.3  # typical letter heights, the profile's moving-average window
    band_threshold: float = 0.04  # share of the profile's peak a row needs to be inside a band
    tall_band: float = 1.8  # typical heights: a taller band is two lines and is split
    tall_band_min: int = 6  # px, a band no taller is never split
    split_margin: float = 0.3  # typical heights kept clear of a band's ends when choosing where to split it
    cut_off_share: float = 0.5  # a line whose ink is at least this share cut off by the edge is dropped ...
    tight_crop_ink_share: float = 0.5  # ... unless it is the only line and holds this share of the ink
    grazing_blob_share: float = 0.7  # where every line is cut: one with at most this share of its blobs at
    # the edge only grazes it (the field's own writing, cut tight) and is kept; a line cut through its
    # letters has nearly all of them at the edge
    max_body_heights: float = 10.0  # body heights a line may span from top to bottom (real lines: 3.5 at
    # most; pages of grain: 200 and more)
    min_line_ink: int = 10  # px of ink under which a line is dropped
    min_line_ink_share: float = 0.02  # share of the page's ink under which a line is dropped
    fragment_ink_share: float = 0.15  # share of the inkiest line's ink a line needs, unless tall enough
    fragment_height_share: float = 0.6  # share of the tallest body a line needs, unless inky enough
    mark_max_height: float = 0.5  # typical heights: a band of only lower blobs is marks (dots, accents)
    mark_max_gap: float = 0.8  # typical heights a band of marks may float above the letters it joins
    body_min_area_share: float = 0.15  # share of the line's largest blob a blob needs to count for its body
    neck_min_stroke: float = 7.0  # px, stroke width (twice the median distance to the paper along the
    # strokes' centres) from which letters run together by a thick pen are parted at their necks; thinner
    # strokes are too few pixels across to tell a neck from a stroke (small writing at x0.6: 3-4 px, the
    # bench's marker pages 7.6 and up at their working scale)
    neck_depth: float = 0.3  # share of the stroke's half width: ink deeper than this is a letter's core,
    # thinner ink between two cores a neck
    neck_core_height: float = 0.35  # share of the text height a core stands, to count as a letter's
    neck_max_cores: int = 12  # a blob of more cores is no word run together but a blot or a texture
    neck_max_overlap: float = 0.25  # share of the narrower part: parts that overlap more in x are pieces of
    # one letter (a 6's loop under its stem), left joined


class FormSettings(_Frozen):
    """Form clean-up: cut-off letters, field frames, printed labels."""

    edge_blob_max_letters: float = 4.0  # letter heights: ink at the sides taller than this is no writing
    cut_off_max_share: float = 0.35  # share of the ink: blobs at the sides are dropped when they hold less
    edge_remnant_max_height: float = 0.5  # letter heights: a blob cut by the top or bottom edge and no
    # taller is the remnant of writing outside the crop
    frame_max_width: float = 0.2  # share of its own height: a frame line is narrower
    frame_min_height: float = 1.6  # typical blob heights: a frame line is taller
    label_line_min_rest: float = 0.2  # share of a line's ink left beside its label for the line to be kept
    rule_max_width: float = 0.15  # share of its own height: a narrower glyph is a rule, not a label letter
    bold_min_height: float = 0.3  # share of the line's letter height a bold (printed) letter reaches
    bold_min_stroke: float = 0.17  # share of its own height a printed letter's stroke width reaches
    tight_max_gap: float = 0.25  # heights of the previous letter: printed letters stand closer
    closing_max_gap: float = 1.2  # heights of the last letter: a closing colon stands closer
    closing_max_height: float = 0.9  # heights of the last letter: a closing colon or stop is lower
    closing_max_width: float = 0.5  # heights of the last letter: a closing colon or stop is narrower
    label_min_letters: int = 3  # printed letters a label needs ...
    label_min_letters_closed: int = 2  # ... or this many and a closing colon or stop
    label_letter_width: float = 0.9  # own heights: the width of a printed letter, for counting touching ones
    label_max_touching: int = 4  # printed letters a label in one piece (all touching, alone on its line) has
    # at most ...
    label_min_writing_ratio: float = 1.3  # ... with a line below it at least this many times its height
    label_max_leading: int = 2  # glyphs that may stand before a label on its line
    label_min_gap_after: float = 0.8  # label heights: what follows a label stands at least this far off
    label_left_reach: float = 2.0  # label heights: a line that ends this close left of a label's start, or
    # under the label, and is this close above or below it, is form (under it: only if lower than the type);
    # the writing under a label in one piece starts within this reach below it
    marker_min_letters: int = 20  # letters outside the labels: with at least this many ...
    marker_min_bold_share: float = 0.35  # ... and this share of them as bold as print, the page is written
    # in a bold hand (a marker) and its tight runs are words, not labels ...
    marker_label_stroke: float = 0.8  # ... a letter is as bold as print where its stroke is bold for its
    # height, or at least this share of the labels' stroke width (a tall letter of the same pen) ...
    marker_label_min_stroke: float = 3.0  # ... where the labels' strokes are this many px wide at least (a
    # coarse scan draws every stroke, print or pen, 2 px wide) ...
    marker_thin_line_share: float = 0.1  # ... unless a line of label_min_letters or more letters has a
    # smaller share: a thin hand's line (a form's handwriting beside its type)


class WordSettings(_Frozen):
    """Stage 5, a line's blobs → words."""

    min_gaps_for_median: int = 3  # gaps a line needs for its median to be the typical gap (else the smallest)
    end_speck_max_size: float = 0.4  # body: a column no wider, whose blobs are no taller (specks, one or
    # stacked), at an end of the line ...
    speck_min_gap: float = 1.0  # body: ... and further than this from the rest is a speck, left out
    end_group_max_size: float = 0.7  # body: columns no wider nor taller, in a run at an end of the line ...
    end_group_min_gap: float = 2.5  # body: ... further than this from the rest are grain, left out
    grain_max_size: float = 0.25  # body: a column no bigger (grain, a stop) takes no part in the gaps that
    # decide word spaces, so that grain in a space does not cut it in two; it joins the nearest word
    min_word_gap: float = 0.45  # body: a word gap is never narrower
    word_gap_per_typical: float = 2.0  # a word gap is over this many typical letter gaps ...
    word_gap_extra: float = 0.2  # ... plus this much body
    break_min_gaps: int = 5  # gaps a line needs (letters hidden in touching columns count) before its gaps
    # are split into letter and word gaps
    break_min_gap: float = 0.3  # body: the narrowest word gap a split may find ...
    break_min_jump: float = 0.15  # ... at least this much body wider than the widest letter gap ...
    break_min_ratio: float = 1.6  # ... and this many times it ...
    break_min_typical_ratio: float = 2.3  # ... and this many times the median letter gap ...
    break_floor: float = 0.07  # body (letter gaps count as at least this wide)
    break_lone_ratio: float = 2.0  # a single word gap must be this many times the widest letter gap ...
    break_lone_typical_ratio: float = 3.0  # ... and this many times the median letter gap
    break_min_letter_gaps: int = 4  # letter gaps under the split needed (and no fewer than the word gaps)
    break_sharp_ratio: float = 2.3  # with two or more word gaps this many times the widest letter gap (and
    # the floor), the narrowest word gap need not reach break_min_gap nor break_min_jump: tight type's narrow
    # spaces, a thick marker's
    letter_width: float = 1.0  # body: a column this wide holds about one letter (touching letters: more)
    break_tight_separation: float = 5.0  # pooled spreads between the means of two tight groups of gaps ...
    break_tight_min_spread: float = 0.03  # body (a spread counts as at least this) ...
    break_tight_min_word_gaps: int = 2  # ... with at least this many word gaps ...
    break_tight_min_letter_gaps: int = 8  # ... and this many letter gaps seen (touching letters' not counted)
    break_tight_letters_per_word: float = 2.0  # ... and this many per word gap (words of 3 letters or more)
    break_tight_min_gap: float = 0.25  # ... the narrowest at least this much body: words apart
    page_break_min_lines: int = 2  # lines with a natural break a page needs for their median to be its own,
    # taken by its lines that show none ...
    page_break_ratio: float = 1.5  # ... for gaps over it that are this many times their widest gap under it
    page_break_min_width: float = 0.3  # body: ... with columns no narrower on both sides (type gives a 1, an
    # I a wide space of their own)


class GlyphSettings(_Frozen):
    """Stage 6, a word's blobs → glyphs; cuts and joins offered to the classifier."""

    mark_max_height: float = 0.45  # body: a lower blob ...
    mark_max_area: float = 0.25  # ... with under this share of the word's largest blob's area is a mark
    merge_overlap: float = 0.5  # share of the narrower one: blobs that overlap more in x are one glyph
    mark_reach: int = 1  # px a mark may miss a glyph by horizontally and still join it
    mark_max_gap_below: float = 0.25  # body: a mark further below both the glyph it overlaps and the
    # baseline is a speck, left out
    dot_max_drop: float = 0.2  # body a mark's bottom may reach below a glyph's top and count as above it
    stem_max_width: float = 0.45  # share of its height: a narrower glyph is a stem that may carry a dot ...
    serif_stem_max_width: float = 0.6  # ... and so is one this narrow (a serif i's flag and foot) where the
    serif_dot_min_width: float = 0.15  # ... mark is this many stem heights wide or more (no speck of grain)
    dot_max_width: float = 0.6  # stem heights: a wider mark above a stem is an accent, not a dot
    dot_max_area: float = 0.35  # share of the stem's area: a dot grouped as a blob of its own is smaller
    speck_max_size: float = 0.3  # body: a glyph lower and narrower, not punctuation, is a speck
    hyphen_max_height: float = 0.3  # body
    hyphen_min_aspect: float = 1.8  # width / height
    hyphen_max_width: float = 1.5  # body
    hyphen_min_rise: float = 0.15  # body its bottom stands above the baseline ...
    hyphen_max_rise: float = 1.0  # ... and no higher than this (above the letters' tops: no hyphen)
    period_max_height: float = 0.3  # body
    period_max_width: float = 0.4  # body
    period_max_rise: float = 0.45  # body its top may stand above the baseline
    solid_dot_max_size: float = 0.4  # body: a solid dot this high and wide is a full stop too (bold type) ...
    solid_dot_min_fill: float = 0.65  # ... where its ink fills this share of its box ...
    solid_dot_min_round: float = (
        0.6  # ... and its box is at least this share as wide as high, and high as wide
    )
    solid_comma_min_fill: float = 0.5  # a comma's tail leaves more of its box empty than a stop: one whose
    solid_comma_max_width: float = 0.4  # ink fills this share is bold type's comma, up to this many body
    # heights wide, its head as wide as the stop's (OpenCV's bold sans photographed: fill 0.57, 0.36 wide)
    comma_max_height: float = 0.55  # body
    comma_max_width: float = 0.35  # body
    comma_max_rise: float = 0.35  # body its top may stand above the baseline
    comma_min_drop: float = 0.1  # body its bottom hangs below the baseline
    mark_min_darkness: float = 0.6  # share of its word's ink darkness (below the paper) a mark's darkest
    # pixel reaches: a lighter one is grain, not ink (a pen's stops are as dark as its letters)
    ink_core_percentile: float = 10.0  # percentile of a word's ink grey levels taken as its ink darkness
    split_min_width: float = 1.45  # letter widths: a wider glyph is offered cut in two
    split_min_aspect: float = 0.8  # width / height a glyph needs to be offered cut
    split_three_min_width: float = 2.4  # letter widths: a wider glyph is also offered cut in three
    split_max_cuts: int = 3  # different single cuts offered for a glyph cut in two
    split_candidates_per_cut: int = 3  # weakest columns looked at per cut offered
    split_zone: tuple[float, float] = (0.25, 0.75)  # share of the glyph's width a cut in two lies within
    split_min_apart: float = 0.08  # share of the glyph's width two offered cuts lie apart
    split_three_zones: tuple[tuple[float, float], ...] = ((0.2, 0.45), (0.55, 0.8))  # where cuts in three lie
    piece_min_ink: int = 4  # px of ink a piece cut from a glyph needs
    finer_min_share: float = 0.3  # share of its own ink (in area) a glyph needs on the finer page of tiny
    # writing (see scale.finer_scale) to be classified from there
    join_min_gaps: int = 3  # gaps between letters a word needs before neighbours are offered joined
    join_max_gap: float = 0.25  # share of the word's median letter gap: closer neighbours are offered joined
    join_max_width: float = 1.5  # letter widths a joined pair may span
    join_stacked_max_overlap: float = 0.3  # share of the shorter one's height: neighbours that overlap in x
    # and share no more rows than this stand one above the other, pieces of one letter (offered joined)
    oversegment_spacing: float = 0.3  # letter widths between the fine cuts
    oversegment_min_spacing: int = 2  # px between the fine cuts at least
    oversegment_max_run: int = 3  # neighbouring fine pieces that may make one letter
    profile_smoothing: tuple[float, ...] = (0.25, 0.5, 0.25)  # kernel the column profile is smoothed with


class NormalizationSettings(_Frozen):
    """Stage 7, a glyph's mask → the classifier's 28x28 input, made the way EMNIST's images were."""

    ink_span: int = 24  # output px the ink's long side spans before the blur
    target_stroke: float = 2.4  # output px, the stroke width EMNIST's glyphs have
    thicken_below: float = 0.75  # share of target_stroke under which the stroke is dilated
    thin_above: float = 1.6  # times target_stroke over which the stroke is eroded
    erode_min_kernel: int = 3  # px, the smallest erosion kernel
    erode_min_keep: float = 0.3  # share of the ink an erosion must keep to be used
    pad: int = 2  # px of margin around the crop beyond the stroke width, so dilation stays inside
    blur: float = 0.8  # output px, the gaussian blur's sigma (EMNIST used 1 at its source scale)
    min_blur: float = 0.5  # input px, the smallest blur sigma
    max_side: int = 224  # input px: a glyph mask with a longer side is shrunk to this first (bounded work)
    tta_scales: tuple[float, ...] = (0.9, 1.1)  # zooms of the extra views the classifier averages over


class RecognitionSettings(_Frozen):
    """The classifier: which model reads a glyph, which glyphs are looked at again."""

    sure: float = 0.8  # top-class probability under which a glyph is looked at again (zoomed, second model)
    small_writing: float = 17  # px of body height under which a line is read by the small-writing model
    writing_min_sure_share: float = 0.25  # share of a page's glyphs read surely at the first look that
    # shows it holds writing (letters and candidate pieces): it is read in full (real pages of 60 letters
    # or more measure 0.31 and up, pages of noise or specks 0.07-0.27); any other page within these budgets:
    looks_again_per_page: int = 300  # unsure glyphs looked at again, the first in reading order


class DecodingSettings(_Frozen):
    """Stage 9, probabilities → characters: line metrics, case, digits or letters."""

    cap_per_x_height: float = 1.45  # capital height guessed from the x-height when no tall glyph is read
    page_x_height_min_lines: int = 2  # lines showing an x-height of their own that lend the page's share
    # of the capital height to a line that shows none
    x_height_max: float = 0.85  # share of the capital height: a taller "x-height" is none, unless ...
    riser_min_x_heights: float = 1.25  # ... glyphs this many x-heights tall or more (ascenders, capitals)
    risers_min: int = 2  # ... at least this many, standing on the baseline, show the capital height (the
    # "tall" reading was small letters misread, as o read D and r read T); without them, a line with ...
    small_line_min_letters: int = 4  # ... at least this many a, e, n and r ...
    small_line_per_tall: float = 3.0  # ... and this many times as many as glyphs read as tall is in small
    # letters, its capital height guessed from its x-height
    low_glyph_max: float = 0.8  # share of the capital height under which a glyph counts as short
    low_glyphs_min: int = 2  # short glyphs needed to take the x-height from them ...
    low_glyphs_min_share: float = 0.3  # ... and at least this share of the line's seated glyphs
    baseline_min_glyphs: int = 3  # seated glyphs needed to fit a sloped baseline
    baseline_min_span: float = 2  # capital heights the seated glyphs must spread over to fit a slope
    outlier_percentile: float = 75  # percentile of the fit's residuals ...
    outlier_factor: float = 1.5  # ... times this is the residual over which a glyph is left out of the refit
    outlier_min: float = 2.0  # px, the smallest residual that is an outlier
    max_slope: float = 0.15  # baseline rise per px: a steeper fit (~9°) is no baseline
    x_line: float = 0.72  # capital heights above the baseline of the x-height line when none is measured
    twin_min_share: float = 0.5  # share of the best allowed class a look-alike (0 for O) needs to be chosen
    swap_min_share: float = 0.1  # share of the glyph's own confidence the best allowed class needs
    bar_max_width: float = 0.3  # share of its height: a narrower I, L or 1 is a bare stroke
    narrow_seven_max_width: float = 0.45  # share of its height: a 7 this narrow (a 7's bar spans it) ...
    narrow_seven_one_share: float = 0.25  # ... given a 1 this share of its 7 or more is a print 1's flag
    upper_word_min_capitals: int = 2  # capitals sized from the line that make a word all capitals
    sure_case_votes: int = 2  # votes on a word's case of a letter whose class tells its case
    sized_case_votes: int = 1  # votes of a letter whose case is judged from its size
    sure_case_share: float = 0.75  # a letter's class tells its case (F, f) where it holds this share of
    # the probability of its two forms at least; else it has no vote


class LexiconSettings(_Frozen):
    """Stage 8, the word list: which listed words are tried and when one replaces the raw reading."""

    max_loss: float = 6.0  # nats a listed word may lose against the raw reading and still replace it
    prior_weight: float = 0.15  # weight of log(word frequency / frequency of the commonest word)
    candidates: int = 40  # listed words scored per length and query
    letter_bonus: float = 0.5  # nats per letter, so that readings with more or fewer cuts compare fairly
    length_slack: int = 3  # letters a listed word may have more or fewer than the reading (touching
    # letters read as one, a letter broken in two; a thick pen runs several together)
    max_edit_share: float = 0.8  # share of the reading's length (rounded down) a listed word may differ by
    # in edits ...
    min_max_edits: int = 1  # ... and at least this many edits
    probability_floor: float = 1e-6  # smallest letter probability, so that its log stays finite
    text_min_words: int = 4  # words of two letters or more a page needs to show it is in the list's
    # language ...
    text_min_listed: float = 0.5  # ... and the share of them read as listed words; on such a page ...
    text_max_loss: float = 9.0  # ... a listed word may lose up to this many nats: max_loss plus as many
    # as the glyph-by-glyph reading is itself unsure by (its surprisal) ...
    text_loss_per_letter: float = 1.0  # ... or for a long reading, up to this many nats per letter read
    # ('lnoreaslnc7' for 'increasing' in a hairline pen: ten letters off the list are rarely a word)
    text_spelling_free: float = 8.0  # ... and a listed word as long as a reading of letters more where
    # the reading is spelled less like the list's words than it is (letter trigram surprisal, see
    # spelling): beyond this many nats ...
    text_spelling_weight: float = 0.5  # ... by this share of the difference ('commcrcc' for 'commerce',
    # 27 nats less word-like: a hairline e read surely as c)
    text_choice_prior_weight: float = 0.25  # on such a page, or one that shows writing in quantity (see
    # transcription.PageBudget), the word frequencies weigh this much, not prior_weight, in which of the
    # listed words near a reading is chosen: of two its glyphs support alike, the commoner ('medical', not
    # 'medici', for 'medlcu'); on a name or a field, and in whether a word replaces the reading, as before
    wide_letter_free: float = 2.0  # letter widths (see transcription.width_unit) a glyph read as one
    # letter may span at no cost; a wider one costs ...
    wide_letter_cost: float = 3.0  # ... this many nats per letter width beyond (touching letters read as
    # one: 'pec' read 'e' makes 'Respect' 'Reset')
    wide_letter_min_unit: float = 0.5  # capital heights: a letter width is never counted narrower (a word
    # of thin strokes: 'L I N A' written in boxes)
    wide_letter_median_glyphs: int = 3  # letter glyphs a word needs for its median glyph to count as a
    # letter width (one or two glyphs may be letters run together: 'STAFF' in marker as 'ST' and 'AFF')


class TranscriptionSettings(_Frozen):
    """Stage 10, glyphs and their probabilities → words: which cuts and joins are kept, which words searched."""

    split_margin: float = 0.15  # nats the pieces' mean log-certainty must beat the whole glyph's by
    oversegment: float = 1.3  # letter widths: a wider glyph is cut finer for the word list (and a surely
    # read listed word that has one is searched all the same) ...
    oversegment_running_text: float = 1.0  # ... and on a page of running text in the list's language (see
    # LexiconSettings.text_min_words), where the list knows nearly every word, a glyph this wide in a word
    # searched (an i and o that touch) ...
    running_text_min_letters: int = 4  # ... of at least this many letters as read (a short word has many
    # listed neighbours a letter longer: "at" would read "int")
    sure_letter: float = 0.75  # probability: a listed word read with every letter surer is not searched
    searches_per_page: int = 40  # words searched in the word list on a page that does not show it holds
    # writing (see RecognitionSettings.writing_min_sure_share), the first in reading order
    number_min_digits: float = 0.5  # a reading with more than this share of digits is a number, not searched
    # (fewer: letters read as digits, 'T0', 'S7ORES')
    listed_split_min_gap: float = 0.2  # body: a gap in a word that is no listed word, this wide ...
    listed_split_min_ratio: float = 2.0  # ... and this many times the word's other gaps (the median) is
    # a word space where the letters on either side of it read as listed words of two letters or more
    # ('PAGEONE', 'MEETATSIX') ...
    listed_split_max_spaces: int = 8  # ... at most this many such gaps, the widest, as few as will do;
    listed_split_min_alternative: float = 0.1  # a piece is a listed word as read, or spelled with letters
    # the classifier gives its glyphs this probability or more ('Tlckets' is 'Tickets') ...
    listed_split_min_respelled: int = 4  # ... where it has this many letters or more (a shorter one is
    # easily spelled as some listed word by chance: 'ple' as 'pie') ...
    listed_split_max_spellings: int = 64  # ... and at most this many spellings
    listed_split_min_digit: float = 0.1  # a piece between them may be a number too ('pageaz', 'page 42'),
    # where the classifier gives each of its glyphs at least this probability on digits ...
    listed_split_sure_digit: float = 0.6  # ... and one of them at least this
    stray_stop_min_after: int = 2  # letters after a stop inside a word that tell it from an abbreviation
    # ('e.g.'): where the word's letters without it are a listed word, the stop is a speck and left out
    junk_line_confidence: float = 0.1  # a line whose letters' mean confidence is lower is no writing ...
    junk_mark_chars: int = 2  # ... nor is a line of at most this many characters ...
    junk_mark_confidence: float = 0.25  # ... read with a mean confidence under this ...
    junk_mark_min_height: int = 6  # ... or shorter than this many px of the image: a speck
    junk_max_spacing: float = 10.0  # character heights: a line of characters further apart on average
    # (from centre to centre), read with a mean confidence under junk_page_sure_line, is specks strewn
    # across the page, not writing ...
    junk_min_scattered: int = 2  # ... if it has at least this many (2 at the least)
    junk_page_min_glyphs: int = 50  # on a page whose first look classified at least this many glyphs,
    # joins and candidate pieces (a crop of a word or two, 8-40 of them, has too few to tell) that does
    # not show it holds writing (see RecognitionSettings.writing_min_sure_share) ...
    junk_page_line_confidence: float = 0.3  # ... a line read with a lower mean confidence is no writing,
    junk_page_sure_line: float = 0.5  # ... nor is one read with a lower mean confidence than this ...
    junk_page_min_listed: float = 0.5  # ... where no more than this share of its letters stand in listed
    # words of junk_page_listed_min_length letters or more (noise lines it met: 0-0.44; writing: 0.88-1)
    junk_page_listed_min_length: int = 3  # shorter listed words are chance hits in noise (AN, TO, IT)


class OrientationSettings(_Frozen):
    """Stage 11, orientation: a page scanned upside down or photographed sideways, read turned."""

    try_turns: bool = True  # let the glyphs of a doubtful page vote for a turn, and read it so turned
    doubt_below: float = 0.65  # mean character confidence under which a page's reading is doubted
    # (upright pages of running text read 0.66-0.82, the same turned 0.24-0.55) ...
    doubt_min_chars: int = 8  # ... when it holds at least this many characters (fewer tell too little:
    # a name or a word read turned may by chance read as surely as upright)
    vote_glyphs: int = (
        200  # the most glyphs that vote (1 or more), spread evenly over the page (bounded work)
    )
    vote_margin: float = 0.1  # mean top-class probability the glyphs turned must gain to call for the turn
    # (right turns of the bench's pages gain 0.06-0.5, most over 0.13)
    turn_margin: float = 0.1  # mean character confidence the page read turned must gain over it as given ...
    turn_min_confidence: float = 0.58  # ... and reach: it must read as writing reads (the bench's upright
    # pages: 0.555 and 0.60, then 0.66 and up; name crops under heavy noise or blur, read turned: 0.54 at most)


class WordReaderSettings(_Frozen):
    """Stage 12, words read whole: the word reader's check of each word (see hcr_ocr.reading.word_reader)."""

    enabled: bool = True  # check words with the word reader where one is shipped and a word list is used
    text_min_words: int = 3  # words of two letters or more, half of them listed, that show a page is text
    # whose words the word reader checks (fewer than the word list asks: it changes a word only where it
    # reads it so itself)
    prior_weight: float = 0.3  # weight of a word's log frequency against the word reader's log-likelihood
    unlisted_log_prior: float = -12.0  # log frequency counted for a reading not in the list (a name, a
    # code), about that of the list's rarest words
    keep_bonus: float = 2.0  # nats the glyph reader's word is given: another word must beat it by more
    read_listed_keep_bonus: float = 0.0  # ... and this where it is no listed word and the word reader reads
    # the listed word itself (its own greedy reading): two readers, one reading a word, on equal terms
    glyph_weight: float = 1.5  # weight of what another reading costs the glyph reader (glyph_cost)
    min_confidence: float = 0.02  # letter confidences are taken within this of 0 and 1 for that cost
    added_letter_cost: float = 1.0  # nats the glyph reader loses for each letter another reading adds
    dropped_letter_cost: float = 1.0  # ... and at least this for each letter it drops (its ink stays)
    max_edit_share: float = 0.34  # another reading must be within this share of its length in edits (at
    # least one) of the word reader's own greedy reading
    spelling_free: float = 8.0  # a glyph reading spelled less like the list's words than the listed word
    # weighed against it, by more than this many nats (letter trigram surprisal) ...
    spelling_weight: float = 0.5  # ... loses this share of the excess from its keep_bonus
    length_slack: int = 2  # listed neighbours are looked up this many letters longer or shorter ...
    candidates: int = 20  # ... this many of each length, the nearest in edit distance
    max_words: int = 300  # the most words checked on one page, and pairs tried as one (bounded work on
    # pages of junk)
    capitals_line_min_words: int = 2  # other words on its line, all in capitals, that put a reread word in
    # capitals where its ink does not tell its case and the glyph reader read a capital in it
    case_core: float = 0.6  # a reread letter's case is judged by the top of its ink in this middle share
    # of its columns (clear of its neighbours' ascenders)
    join_lone_letters: bool = True  # a lone letter that is no word is read with the word beside it where
    # the word reader reads the two as one listed word (a lead-in stroke broken off: 'n weds', 'needs') ...
    join_max_gap: float = 0.6  # ... and their gap is under this share of the page's median word space


class Settings(_Frozen):
    """All the read path's settings, one field per stage."""

    sheet: SheetSettings = SheetSettings()
    scale: ScaleSettings = ScaleSettings()
    denoise: DenoiseSettings = DenoiseSettings()
    binarization: BinarizationSettings = BinarizationSettings()
    deskew: DeskewSettings = DeskewSettings()
    regions: RegionSettings = RegionSettings()
    lines: LineSettings = LineSettings()
    forms: FormSettings = FormSettings()
    words: WordSettings = WordSettings()
    glyphs: GlyphSettings = GlyphSettings()
    normalization: NormalizationSettings = NormalizationSettings()
    recognition: RecognitionSettings = RecognitionSettings()
    decoding: DecodingSettings = DecodingSettings()
    lexicon: LexiconSettings = LexiconSettings()
    transcription: TranscriptionSettings = TranscriptionSettings()
    orientation: OrientationSettings = OrientationSettings()
    word_reader: WordReaderSettings = WordReaderSettings()


DEFAULT = Settings()
