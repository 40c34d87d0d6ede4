"""Where the site's templates are, and the Jinja2 environment that renders them.

The templates and static files are the repository's top-level ``templates/`` folder. The
package reads them at one place, ``topics/templates``: the wheel ships them there (a copy),
and a source checkout (and so an editable install, which runs the checkout) has
``topics/templates`` as a symbolic link to ``../templates``. So :data:`TEMPLATES` is the
same path relative to the package wherever it runs, with nothing to guess.

Compiled templates are kept in the per-user cache (:mod:`topics.model.usercache`,
``jinja/``) by Jinja2's :class:`jinja2.FileSystemBytecodeCache`, keyed by each
template's name and source checksum: compiling the site's templates costs about 0.1 s of
CPU at every build (docs/decisions.md, "One conference in seconds").
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import joblib
from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    meta,
)
from jinja2.bccache import Bucket

from ..model.usercache import cache_dir

#: Folder of the Jinja2 templates; its ``static/`` subfolder is copied into the site.
TEMPLATES = Path(__file__).parent.parent / "templates"


class _CompiledTemplates(FileSystemBytecodeCache):
    """Jinja2's file cache of compiled templates; one that cannot be written is skipped
    (the template is compiled again next time), never an error of the build."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates() -> BytecodeCache | None:
    """The cache of compiled templates in the per-user cache; None when that cache is
    turned off or its folder cannot be made."""
    root = cache_dir()
    if root is None:
        return None
    folder = root / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _CompiledTemplates(str(folder))


def environment(templates: Path | None = None) -> Environment:
    """The Jinja2 environment of the site: autoescaping on, undefined names are errors
    (:class:`jinja2.StrictUndefined`), so a typo in a template is an error, not an empty
    string.

    Parameters
    ----------
    templates : path or None
        Template folder; :data:`TEMPLATES` when ``None``.

    Returns
    -------
    jinja2.Environment
        With ``autoescape=True``, :class:`jinja2.StrictUndefined` and the compiled
        templates of :func:`compiled_templates`.
    """
    return Environment(
        loader=FileSystemLoader(str(templates or TEMPLATES)),
        bytecode_cache=compiled_templates(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template_digest(name: str, templates: Path | None = None) -> str:
    """Hash of a template and of every template it extends, imports or includes."""
    env = environment(templates)
    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        source = env.loader.get_source(env, current)[0]
        seen[current] = source
        todo += [t for t in meta.find_referenced_templates(env.parse(source)) if t]
    return joblib.hash(sorted(seen.items()))
