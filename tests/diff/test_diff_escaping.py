"""Hostile catalog values in every field of a diff stay inert in the Markdown and text forms.

The diff is built directly, so each field (names, keys, e-mails, Okta groups, rotations,
pipelines, file paths) can hold what the catalog would refuse too: the renderers must be safe
on their own. The Markdown is rendered to HTML by a CommonMark parser with GFM tables, and the
HTML is then read tag by tag.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from infra.diff.model import (
    AccessDiff,
    ActionRef,
    Delta,
    FieldChange,
    HarnessRole,
    LevelSeat,
    OnCallNowChange,
    PersonDiff,
    RotationSeat,
    ScheduleRef,
    ServiceDiff,
    TeamDiff,
    TeamRole,
)
from infra.diff.render_json import render_json
from infra.diff.render_markdown import md_code, render_markdown
from infra.diff.render_text import render_rich, render_text

# Backtick runs of one to three (and one at each end), HTML, a Markdown link, a bare URL, a
# mention, a table pipe, an escaped pipe and a line break.
HOSTILE = (
    "`x ``` y `` <img src=x onerror=alert(1)> <b>bold</b> @octocat "
    "[click](http://127.0.0.1/) http://127.0.0.1/raw www.example.com | a\\|b\nnext line`"
)
# ESC colours, a screen clear, an OSC 8 hyperlink, BEL, CR, a bidi override, a C1 control.
CONTROLS = (
    "e\x1b[31mred\x1b[2J \x1b]8;;http://127.0.0.1/\x1b\\ln\x1b]8;;\x1b\\ \x07\rX \u202egpj.exe \x9b"
)
_CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)

# What the renderer itself writes; anything else would have come from a value.
_OWN_TAGS = {
    "h2", "h3", "p", "strong", "em", "code", "details", "summary", "ul", "li", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def hostile_diff(v: str) -> AccessDiff:
    """A diff in which every value a catalog author or CI could type is `v`."""
    person = PersonDiff(
        email=v,
        name=v,
        status="changed",
        okta_groups=Delta((v,), (v + "2",)),
        pagerduty_roles=Delta((TeamRole(v, "manager"),), (TeamRole(v + "2", "responder"),)),
        harness_roles=Delta((HarnessRole(v, v, v),)),
        rotations=Delta((RotationSeat(v, v, v),)),
        escalation_levels=Delta((LevelSeat(v, 1),)),
        on_call_now=Delta((ScheduleRef(v, v),)),
        account_role=FieldChange("pagerduty_account_role", "user", "observer"),
    )
    team = TeamDiff(
        key=v,
        name=v,
        status="renamed",
        renamed_from=v,
        members=Delta((v,), (v,)),
        member_count=2,
        changes=tuple(FieldChange(f, v, v) for f in ("name", "okta_group", "parent")),
    )
    service = ServiceDiff(
        key=v,
        name=v,
        status="renamed",
        renamed_from=v,
        changes=(FieldChange("owner", v, v), FieldChange("name", v, v)),
        actions=Delta((ActionRef(v, v, "button", ()),), (ActionRef(v, v, "auto", (v,)),)),
    )
    return AccessDiff(
        base=v,
        head=v,
        at=dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC),
        threshold=0.25,
        risks=(),
        people=(person,),
        teams=(team,),
        services=(service,),
        on_call_now=(OnCallNowChange(v, v, v, v),),
    )


class _Html(HTMLParser):
    """Tags, the text outside `<code>`, and the text of each `<code>` of rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.prose: list[str] = []
        self.code: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "code":
            self._in_code = True
            self.code.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.code[-1] += data
        else:
            self.prose.append(data)


def rendered(markdown: str) -> _Html:
    parser = _Html()
    parser.feed(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown))
    return parser


def test_hostile_values_open_no_tag_link_or_mention_in_markdown() -> None:
    html = rendered(render_markdown(hostile_diff(HOSTILE)))
    prose = "".join(html.prose)

    assert html.tags <= _OWN_TAGS
    assert not re.search(r"@\w", prose), "a live @-mention"
    assert "://" not in prose and "www." not in prose.lower(), "a URL GitHub would link"


def test_hostile_values_show_literally_in_code_spans() -> None:
    html = rendered(render_markdown(hostile_diff(HOSTILE)))
    shown = " ".join(HOSTILE.split())

    # Every code span holds the value, or a value built from it, as typed and nothing else.
    assert {*html.code} == {shown, f"{shown}2", f"{shown}/{shown}"}
    assert html.code.count(shown) >= 20


def test_code_span_fence_outgrows_the_longest_backtick_run() -> None:
    assert md_code("plain") == "`plain`"
    assert md_code("a `` b") == "``` a `` b ```"
    assert md_code("`edge`") == "`` `edge` ``"


def test_shortened_comment_keeps_hostile_paths_inert() -> None:
    html = rendered(render_markdown(hostile_diff(HOSTILE), limit=1_500))

    assert html.tags <= _OWN_TAGS
    assert not re.search(r"@\w", "".join(html.prose))


def test_control_characters_are_shown_not_obeyed_in_text_and_markdown() -> None:
    diff = hostile_diff(CONTROLS)
    rich_lines = "\n".join(line.plain for line in render_rich(diff))

    for out in (render_text(diff), render_markdown(diff), rich_lines):
        assert not _CONTROL_CHARS.search(out), repr(_CONTROL_CHARS.search(out))
        assert "\\x1b[31mred" in out.replace("\\\\", "\\").replace("\\[", "[")
        assert "\\u202egpj.exe" in out.replace("\\\\", "\\")


def test_a_value_cannot_start_a_line_of_its_own_in_text() -> None:
    diff = hostile_diff("Ada\nteamcat diff: forged")
    rich_lines = "\n".join(line.plain for line in render_rich(diff))

    for out in (render_text(diff), rich_lines):
        assert not any(line.startswith("teamcat diff: forged") for line in out.splitlines())


def test_json_keeps_control_characters_escaped() -> None:
    out = render_json(hostile_diff(CONTROLS))

    assert not _CONTROL_CHARS.search(out)
    data = json.loads(out)
    assert data["base"] == CONTROLS
    assert data["teams"][0]["name"] == CONTROLS
