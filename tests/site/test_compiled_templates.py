"""Compiled templates kept in the per-user cache (``topics.site.templates``)."""

from __future__ import annotations

import jinja2

from topics.site.templates import environment


def _render(env: jinja2.Environment) -> str:
    return env.from_string("{{ x }}").render(x=1) + env.get_template("base.html").name


def test_templates_compiled_once_are_read_back_from_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOPICS_USER_CACHE", str(tmp_path))
    first = environment()
    first.get_template("base.html")
    stored = sorted((tmp_path / "jinja").iterdir())
    assert stored  # written by the first build
    compiled = []
    monkeypatch.setattr(jinja2.Environment, "_compile", lambda *a: compiled.append(a))
    environment().get_template("base.html")
    assert compiled == []  # the second one compiled nothing
    assert sorted((tmp_path / "jinja").iterdir()) == stored


def test_a_cache_that_cannot_be_used_only_costs_the_compiling(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TOPICS_USER_CACHE", str(blocked))
    assert environment().bytecode_cache is None
    assert _render(environment()) == "1base.html"
    monkeypatch.setenv("TOPICS_USER_CACHE", str(tmp_path / "cache"))

    def full_disk(self, bucket):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "dump_bytecode", full_disk)
    assert _render(environment()) == "1base.html"
    monkeypatch.setenv("TOPICS_USER_CACHE", "")
    assert environment().bytecode_cache is None
