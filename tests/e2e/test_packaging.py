"""The templates are found at one place, ``topics/templates``, in a checkout, an editable
install and a wheel: the wheel ships them there, and in a checkout it is a symbolic link to
the repository's ``templates/`` folder.

The wheel is installed into a new virtual environment, without its dependencies: the
environment reaches the packages of the one running the tests through a ``.pth`` file
listing its site-packages folders. (``--system-site-packages`` would reach the base
interpreter's instead, which lacks them when the tests run in a virtual environment.)
"""

from __future__ import annotations

import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from tests.helpers import REPO
from tests.reliability_table import reliability


def _site_folders() -> list[str]:
    """The site-packages folders of this environment (a virtual one's, and its base's
    when it includes them), and the user's when it is enabled."""
    folders = site.getsitepackages()
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    return [folder for folder in folders if Path(folder).is_dir()]


@reliability(
    "The wheel built and installed, without the source tree, into a new virtual environment"
    " (the tests run in a virtual environment, or as root without one)",
    "It holds the templates, and the installed package reads them from its own folder; the"
    " schema of run.json is shipped too",
)
def test_wheel_ships_templates_and_installed_package_uses_them(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("topics-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for template in ("base.html", "index.html", "topic.html", "talk.html", "static/style.css"):
        assert f"topics/templates/{template}" in names
    assert "topics/schemas/run.schema.json" in names  # run.json's schema

    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"

    def run(code: str) -> str:
        return subprocess.run(
            [str(python), "-I", "-c", code],
            cwd=tmp_path, capture_output=True, text=True, check=True, timeout=300,
        ).stdout.strip()  # fmt: skip

    packages = Path(run("import sysconfig; print(sysconfig.get_path('purelib'))"))
    (packages / "outer-environment.pth").write_text("\n".join(_site_folders()) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        timeout=300,
    )
    found = run("import topics.site.templates as t; print(t.TEMPLATES, t.__file__)").split()
    assert found == [
        str(packages / "topics" / "templates"),
        str(packages / "topics" / "site" / "templates.py"),
    ]
    assert (packages / "topics" / "templates").is_dir()
    assert not (packages / "topics" / "templates").is_symlink()  # a copy, not a link
    listed = run("import topics.site.templates as t; print(t.environment().list_templates())")
    assert "'index.html'" in listed and "'talk.html'" in listed
    schema = run("import topics.report as r; print(r.SCHEMA, r.SCHEMA.is_file())").split()
    assert schema == [str(packages / "topics" / "schemas" / "run.schema.json"), "True"]


def test_a_checkout_reads_the_top_level_templates_folder():
    from topics.site import templates

    assert templates.TEMPLATES == REPO / "topics" / "templates"
    assert templates.TEMPLATES.resolve() == REPO / "templates"
    assert "index.html" in templates.environment().list_templates()


CODE = "import topics.site.templates as t; print(t.TEMPLATES.resolve())"


def test_an_editable_install_reads_the_checkouts_templates(tmp_path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout.strip()
    )  # fmt: skip
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", str(REPO)],
        check=True,
        timeout=300,
    )
    (packages / "outer-environment.pth").write_text("\n".join(_site_folders()) + "\n")
    found = subprocess.run(
        [str(python), "-I", "-c", CODE],
        cwd=tmp_path, capture_output=True, text=True, check=True, timeout=300,
    ).stdout.strip()  # fmt: skip
    assert found == str(REPO / "templates")
    assert not (packages / "topics" / "templates").exists()  # no copy to go stale
