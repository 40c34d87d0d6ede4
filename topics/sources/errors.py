"""The error every source raises when it cannot give talks."""


class SourceError(Exception):
    """A source could not be read; the message is one line a user can act on."""
