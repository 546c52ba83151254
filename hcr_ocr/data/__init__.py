"""Data sets: EMNIST and MNIST as IDX files, their download, and synthetic pages of real EMNIST ink.

datasets   IDX files → arrays, label spaces, the data folder lookup, stratified splits
download   the official downloads, resumable and checksum-verified
synthetic  pages composed of EMNIST test glyphs, for the bench
"""
