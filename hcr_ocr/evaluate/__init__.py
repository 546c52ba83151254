"""Evaluation: how good a character model or a page reader is.

characters  test accuracy, per-class scores and confusions of a character model
report      the `eval` report as tables
bench       CER, WER, exact matches and speed of page readers on sets with ground truth
"""
