"""Sphinx configuration: the API reference from the docstrings, the example notebook."""

project = "topics"
author = "the topics developers"
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",  # numpy-style docstrings
    "sphinx.ext.viewcode",
    "myst_nb",  # Markdown pages and the notebook, without pandoc
]
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the docstrings give the types, with shapes
nb_execution_mode = "off"  # the notebook is shown with the outputs it was saved with
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_title = "topics"

import re  # noqa: E402

# Fitted attributes (``components_``) named in plain text would read as reST link targets.
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w:])([A-Za-z]\w*[A-Za-z0-9]_)(?![`\w])")


def _literal_fitted_names(app, what, name, obj, options, lines):
    """Quote names ending in one underscore, except in directives (after napoleon ran)."""
    for i, line in enumerate(lines):
        if not line.lstrip().startswith(".. "):
            lines[i] = _TRAILING_UNDERSCORE.sub(r"``\1``", line)


def setup(app):
    app.connect("autodoc-process-docstring", _literal_fitted_names, priority=600)
