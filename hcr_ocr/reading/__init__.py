"""The read path: image → lines → words → glyphs → tensors → labels → text, with no torch.

One module per stage, in the order the data flows:

    loading        file, bytes or array → grayscale page
    binarization   → ink mask
    deskew         → the mask turned level, and writing that leans stood upright
    lines          → connected blobs grouped into text lines
    forms          → cut-off letters, field frames and printed form labels left out
    words          → each line's blobs split into words at its wide gaps
    glyphs         → each word's blobs grouped into character masks (cuts and joins offered)
    normalization  → 28x28 tensors made the way EMNIST's were
    recognition    → class probabilities (ONNX models run by onnxruntime)
    decoding       → characters, with case and digits or letters decided per word
    lexicon        → the listed word the glyphs support, where there is one (spelling: how word-like a
                     reading is spelled)
    orientation    → a page read doubtfully read again turned (upside down, sideways), the surest kept
    output         → text, JSON, hOCR, an overlay picture

`pipeline` runs them in order; `settings` holds every tunable number they use; `shipped` finds the models
that ship with the package. Nothing here imports torch, onnx, matplotlib or the training side; an
import-linter contract (`make lint`, and the tests) keeps it so.
"""
