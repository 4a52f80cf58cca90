"""Renderer details the snapshots do not show: escaping, Rich styling, the comment limit."""

from __future__ import annotations

import io
import subprocess
import sys

from rich.console import Console

from infra.diff.render_markdown import COMMENT_MARKER, md_code, md_text, render_markdown
from infra.diff.render_text import WIDTH, render_rich, render_text
from tests.diff.helpers import base_text, diff_texts, edited, scenario_diff

HOSTILE_NAME = "Lou <img src=x> | @octocat `tick` *bold* [link](http://127.0.0.1/)"


def hostile_hire() -> str:
    return edited(
        (
            "  - email: kai@example.com\n",
            f'  - email: lou@example.com\n    name: "{HOSTILE_NAME}"\n'
            "    time_zone: Europe/London\n  - email: kai@example.com\n",
        ),
        (
            "      - {email: ivy@example.com}\n",
            "      - {email: ivy@example.com}\n      - {email: lou@example.com}\n",
        ),
    )


def test_names_cannot_open_html_break_tables_or_mention_anyone() -> None:
    markdown = render_markdown(diff_texts(base_text(), hostile_hire()))

    assert "<img" not in markdown
    assert "&lt;img src=x&gt;" in markdown
    assert "@octocat" not in markdown
    assert "@\u200boctocat" in markdown
    assert "[link](" not in markdown


def test_markdown_text_and_code_escaping() -> None:
    assert md_text("a|b *c* <d>") == "a&#124;b \\*c\\* &lt;d&gt;"
    assert md_code("x|y") == "`x|y`"
    assert md_code("has `tick`") == "`` has `tick` ``"
    assert md_text("two\nlines") == "two lines"


def test_markdown_starts_with_the_marker_ci_looks_for() -> None:
    assert render_markdown(scenario_diff("promotion")).startswith(COMMENT_MARKER + "\n")


def test_people_named_by_a_risk_are_expanded_the_rest_collapsed() -> None:
    markdown = render_markdown(scenario_diff("remove-40-percent"))

    assert markdown.count("<details open>") == 2
    assert "<summary><code>gus@example.com</code>" in markdown


def test_shortening_keeps_the_risks_within_any_limit() -> None:
    diff = scenario_diff("remove-40-percent")

    short = render_markdown(diff, limit=1_500)

    assert len(short) <= 1_500
    assert "This preview is shortened" in short
    assert "mass-removal" in short


def test_plain_text_has_no_escape_codes_and_fits_100_columns() -> None:
    text = render_text(scenario_diff("owner-change"))

    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) <= WIDTH


def test_rich_lines_are_coloured_on_a_terminal() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=120)

    for line in render_rich(scenario_diff("promotion")):
        console.print(line)

    coloured = buffer.getvalue()
    assert "\x1b[" in coloured
    assert "becomes manager of PagerDuty team `web`" in coloured


def test_the_diff_package_imports_no_pulumi() -> None:
    """The diff is pure: a fresh interpreter that loads all of it has loaded no Pulumi SDK."""
    code = (
        "import sys, infra.diff.compute, infra.diff.render_json, infra.diff.render_markdown, "
        "infra.diff.render_text, infra.diff.source\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0].startswith('pulumi')))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )

    assert result.stdout.strip() == "[]"
