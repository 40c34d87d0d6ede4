"""The README's Reliability table is the one the tests' markers give."""

from __future__ import annotations

from tests.reliability_table import BEGIN, END, check_in_subprocess, table, updated


def test_readme_table_is_up_to_date():
    result = check_in_subprocess()
    assert result.returncode == 0, result.stderr + result.stdout


def test_table_rows_are_escaped_and_replaced_between_the_markers():
    rows = [("a | b", "c\nd", "tests/test_x.py::test_y")]
    assert table(rows).splitlines()[-1] == "| a \\| b | c d | `tests/test_x.py::test_y` |"
    readme = f"# T\n\n{BEGIN}\nold\n{END}\n\nrest\n"
    assert updated(readme, rows) == f"# T\n\n{BEGIN}\n{table(rows)}\n{END}\n\nrest\n"
