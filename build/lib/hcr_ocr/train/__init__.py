"""The training side (needs the `[train]` extra: torch, onnx, matplotlib).

    network       the character CNN
    augmentation  random distortions and coarse copies of training batches
    training      the training loop: balanced epochs, validation, best checkpoint, plots, ONNX export
    checkpoints   saving and loading checkpoints (weights_only), ONNX export with metadata
    averaging     weight averages of checkpoints of one network
    plots         accuracy/loss curves, confusion matrix and error gallery pictures
"""
