"""The wheel ships the templates, and an installed (non-editable) package finds them."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

from .conftest import REPO


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

    env = tmp_path / "venv"
    venv.create(env, system_site_packages=True, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        timeout=300,
    )
    found = subprocess.run(
        [str(python), "-I", "-c", "import topics.render as r; print(r.TEMPLATES)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert found == str(env / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
                        / "site-packages" / "topics" / "templates")  # fmt: skip
