"""Where the site's templates are, and the Jinja2 environment that renders them.

The templates and static files are the repository's top-level ``templates/`` folder. The
package reads them at one place, ``topics/templates``: the wheel ships them there (a copy),
and a source checkout (and so an editable install, which runs the checkout) has
``topics/templates`` as a symbolic link to ``../templates``. So :data:`TEMPLATES` is the
same path relative to the package wherever it runs, with nothing to guess.
"""

from __future__ import annotations

from pathlib import Path

import joblib
from jinja2 import Environment, FileSystemLoader, StrictUndefined, meta

#: Folder of the Jinja2 templates; its ``static/`` subfolder is copied into the site.
TEMPLATES = Path(__file__).parent.parent / "templates"


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
        With ``autoescape=True`` and :class:`jinja2.StrictUndefined`.
    """
    return Environment(
        loader=FileSystemLoader(str(templates or TEMPLATES)),
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
