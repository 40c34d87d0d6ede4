"""The error every source raises when it cannot give talks."""


class SourceError(Exception):
    """A source could not be read; the message is one line a user can act on."""


def one_line(error: BaseException | str, limit: int | None = 200) -> str:
    """An error's message on one line (whitespace runs become one space), cut to ``limit``
    characters (``None``: whole); the error's class name when the message is empty."""
    text = " ".join(str(error).split())
    text = text if limit is None else text[:limit]
    return text or (error.__class__.__name__ if isinstance(error, BaseException) else "")
