"""Typed errors. The CLI turns each into a one-line message and a non-zero exit code."""


class HcrError(Exception):
    """Base of every error the tool reports to its user in one line."""

    exit_code = 2


class DataError(HcrError):
    """Training or test data is missing, truncated or malformed."""


class CheckpointError(HcrError):
    """A model file is missing, corrupt or not one of ours."""


class DownloadError(HcrError):
    """A download failed or its checksum did not match."""


class ImageError(HcrError):
    """An input image is missing, unreadable, too large or not an image."""
