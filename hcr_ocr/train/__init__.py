"""The training side (needs the `[train]` extra: torch, onnx, matplotlib).

training      train(): the run from start to finish; per-epoch validation, checkpoints, plots; test score, ONNX
config        TrainConfig, what a run is asked to do
start         a run's settings, data split and network: new, fine-tuned (--init) or resumed (--resume)
epochs        one epoch of class-balanced, augmented batches
distributed   torchrun's processes (train --distributed): DistributedDataParallel, each rank's share
schedule      batch size, one-cycle learning rate, epoch order, batch-norm momentum of the first steps
augmentation  random distortions and coarse copies of training batches
scoring       probabilities, loss and accuracies of a torch network on images
network       the character CNN
checkpoints   saving and loading checkpoints (weights_only), ONNX export with metadata
averaging     weight averages of checkpoints of one network
plots         accuracy/loss curves, confusion matrix and error gallery pictures
"""
