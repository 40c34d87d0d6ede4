"""Reading a local file a user named as a source, bounded like a fetched page."""

from __future__ import annotations

from pathlib import Path

from .defaults import MAX_BYTES
from .errors import SourceError


def read_file(location: str, what: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a local file a user named as a source, at most ``max_bytes`` of them.

    Raises
    ------
    SourceError
        If there is no such file (``"no <what> file at <location>"``), it cannot be read,
        or it is larger than ``max_bytes`` bytes.
    """
    try:
        with Path(location).open("rb") as file:
            content = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise SourceError(f"no {what} file at {location}") from None
    except OSError as exc:
        raise SourceError(f"cannot read {what} {location}: {exc.strerror or exc}") from None
    if len(content) > max_bytes:
        raise SourceError(f"{location} is larger than {max_bytes} bytes: not read")
    return content
