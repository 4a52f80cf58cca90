"""Rotation changes keep the current person on call: additions, removals and reorders.

The clock is frozen: the pure function gets the instant, and the command's `now()` is patched.
A three-person weekly New York rotation (ana, ben, cai) hands off on Mondays at 09:00 from
2026-01-05, so ben is on call on Wednesday 2026-02-04 (turn 4) and cai on Wednesdays 2026-02-11
(turn 5) and 2026-03-04 (turn 8). Every case first shows that the changed list alone would
put someone else on call.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from infra.catalog.loader import load_catalog
from infra.cli import oncall as oncall_cli
from infra.cli.app import app
from infra.core.oncall import AnchorMove, OnCallChange, keep_on_call, on_call_at, on_call_changes
from infra.core.state import DesiredState
from tests.conftest import PlanRunner
from tests.oncall.oncall_builders import (
    ANA,
    BEN,
    CAI,
    DEE,
    EVE,
    Data,
    at,
    catalog,
    rotation,
    schedule,
    state_of,
)

WEDNESDAY_BEN = at("2026-02-04T12:00:00-05:00")
EARLIER_WEDNESDAY_CAI = at("2026-02-11T12:00:00-05:00")
WEDNESDAY_CAI = at("2026-03-04T12:00:00-05:00")


def _catalog(members: list[str], start: dt.date | dt.datetime = dt.date(2026, 1, 5)) -> Data:
    return catalog(schedule(rotation(members, start=start), time_zone="America/New_York"))


def _kept(base: Data, head: Data, instant: dt.datetime) -> tuple[AnchorMove, DesiredState]:
    """The single move keep_on_call makes, and the head state with that move applied."""
    (move,) = keep_on_call(state_of(base), state_of(head), instant)
    assert move.new_start is not None
    assert on_call_at(state_of(head), "core", "primary", instant) != move.kept
    rotation_data = head["teams"][0]["on_call"]["schedules"][0]["rotations"][0]
    rotation_data["start"] = move.new_start
    return move, state_of(head)


def _mondays(state: DesiredState, first: str, count: int) -> list[str | None]:
    start = at(first)
    return [
        on_call_at(state, "core", "primary", start + dt.timedelta(weeks=n)) for n in range(count)
    ]


def test_the_example_rotation_has_ben_then_cai_on_call() -> None:
    state = state_of(_catalog([ANA, BEN, CAI]))

    assert on_call_at(state, "core", "primary", WEDNESDAY_BEN) == BEN
    assert on_call_at(state, "core", "primary", EARLIER_WEDNESDAY_CAI) == CAI
    assert on_call_at(state, "core", "primary", WEDNESDAY_CAI) == CAI


def test_adding_a_fourth_person_on_a_wednesday_keeps_wednesdays_person_on_call() -> None:
    base, head = _catalog([ANA, BEN, CAI]), _catalog([ANA, BEN, CAI, DEE])
    assert on_call_at(state_of(head), "core", "primary", WEDNESDAY_CAI) == ANA  # unless kept

    move, kept = _kept(base, head, WEDNESDAY_CAI)

    assert (move.held_by, move.kept, move.removed) == (CAI, CAI, False)
    assert on_call_at(kept, "core", "primary", WEDNESDAY_CAI) == CAI
    assert on_call_changes(state_of(base), kept, WEDNESDAY_CAI) == []
    # Cai finishes the week, then the new order carries on: dee, ana, ben, cai.
    assert _mondays(kept, "2026-03-09T09:00:00-04:00", 5) == [DEE, ANA, BEN, CAI, DEE]
    # Hand-offs stay on Mondays at 09:00: one minute earlier it is still cai's turn.
    assert on_call_at(kept, "core", "primary", at("2026-03-09T08:59:00-04:00")) == CAI


def test_removing_the_person_on_call_hands_over_to_the_next_in_order() -> None:
    base, head = _catalog([ANA, BEN, CAI]), _catalog([ANA, CAI])

    move, kept = _kept(base, head, WEDNESDAY_BEN)

    assert (move.held_by, move.kept, move.removed) == (BEN, CAI, True)
    assert on_call_at(kept, "core", "primary", WEDNESDAY_BEN) == CAI
    assert on_call_changes(state_of(base), kept, WEDNESDAY_BEN) == [
        OnCallChange("core", "primary", BEN, CAI)
    ]
    assert _mondays(kept, "2026-02-09T09:00:00-05:00", 3) == [ANA, CAI, ANA]


def test_removing_the_last_person_on_call_wraps_to_the_first() -> None:
    base, head = _catalog([ANA, BEN, CAI]), _catalog([ANA, BEN])

    move, kept = _kept(base, head, EARLIER_WEDNESDAY_CAI)

    assert (move.held_by, move.kept) == (CAI, ANA)
    assert on_call_at(kept, "core", "primary", EARLIER_WEDNESDAY_CAI) == ANA


def test_removing_someone_else_keeps_the_person_on_call() -> None:
    base, head = _catalog([ANA, BEN, CAI]), _catalog([BEN, CAI])

    move, kept = _kept(base, head, WEDNESDAY_CAI)

    assert (move.held_by, move.kept, move.removed) == (CAI, CAI, False)
    assert on_call_changes(state_of(base), kept, WEDNESDAY_CAI) == []


@pytest.mark.parametrize("order", [[CAI, BEN, ANA], [BEN, ANA, CAI], [CAI, ANA, BEN]])
def test_reordering_keeps_the_person_on_call(order: list[str]) -> None:
    base, head = _catalog([ANA, BEN, CAI]), _catalog(order)

    moves = keep_on_call(state_of(base), state_of(head), WEDNESDAY_CAI)
    start = moves[0].new_start or moves[0].old_start
    head["teams"][0]["on_call"]["schedules"][0]["rotations"][0]["start"] = start
    kept = state_of(head)

    assert on_call_at(kept, "core", "primary", WEDNESDAY_CAI) == CAI
    following = _mondays(kept, "2026-03-09T09:00:00-04:00", 3)
    assert following == [order[(order.index(CAI) + n) % 3] for n in (1, 2, 3)]


def test_a_rotation_already_aligned_needs_no_new_start() -> None:
    # [cai, dee, ana, ben] counted from 2026-03-04's Monday already has cai on call.
    base = _catalog([ANA, BEN, CAI])
    head = _catalog([CAI, DEE, ANA, BEN], start=dt.date(2026, 3, 2))

    (move,) = keep_on_call(state_of(base), state_of(head), WEDNESDAY_CAI)

    assert (move.kept, move.new_start) == (CAI, None)


def test_a_completely_new_line_up_has_nobody_to_keep() -> None:
    base, head = _catalog([ANA, BEN, CAI]), _catalog([DEE, EVE])

    (move,) = keep_on_call(state_of(base), state_of(head), WEDNESDAY_CAI)

    assert (move.held_by, move.kept, move.new_start) == (CAI, None, None)


def test_a_rotation_that_has_not_begun_is_left_alone() -> None:
    base = _catalog([ANA, BEN], start=dt.date(2026, 6, 1))
    head = _catalog([ANA, BEN, CAI], start=dt.date(2026, 6, 1))

    assert keep_on_call(state_of(base), state_of(head), WEDNESDAY_CAI) == []


def test_unchanged_members_are_not_touched_even_when_the_start_changed() -> None:
    base = _catalog([ANA, BEN, CAI])
    head = _catalog([ANA, BEN, CAI], start=dt.date(2026, 3, 2))

    assert keep_on_call(state_of(base), state_of(head), WEDNESDAY_CAI) == []


def test_a_twelve_hour_rotation_keeps_the_evening_turn_with_a_local_date_time() -> None:
    def follow_the_sun(members: list[str], start: dt.date | dt.datetime) -> Data:
        layer = rotation(members, length="12h", handoff="08:00", start=start)
        return catalog(schedule(layer, time_zone="America/New_York"))

    # Turn 117 (2026-03-04 20:00) is ana's: 58 days of two turns, plus one.
    evening = at("2026-03-04T21:00:00-05:00")
    base = follow_the_sun([ANA, BEN, CAI], dt.date(2026, 1, 5))
    assert on_call_at(state_of(base), "core", "primary", evening) == ANA

    move, kept = _kept(base, follow_the_sun([ANA, BEN, CAI, DEE], dt.date(2026, 1, 5)), evening)

    assert move.new_start == dt.datetime(2026, 3, 4, 20, 0)
    assert on_call_at(kept, "core", "primary", evening) == ANA
    assert on_call_at(kept, "core", "primary", at("2026-03-05T08:00:00-05:00")) == BEN


# --- the command ------------------------------------------------------------------------


HEAD_TEXT = """\
# The on-call of team core.
version: 1
people:
{people}
teams:
  - key: core
    name: Core
    members:
{members}
    on_call:
      schedules:
        - key: primary
          name: Core primary
          time_zone: America/New_York
          rotations:
            - name: main
              # Mondays, 09:00 New York time.
              members: [{rotation}]
              length: weekly
              handoff: "09:00"
              start: {start}   # the anchor
      escalation:
        levels:
          - delay_minutes: 15
            targets: [{{schedule: primary}}]
services:
  - key: api
    name: API
    owner: core
"""


def _text(rotation_members: list[str], start: str = "2026-01-05") -> str:
    everyone = [ANA, BEN, CAI, DEE]
    return HEAD_TEXT.format(
        people="\n".join(
            f"  - {{email: {e}, name: {e.split('@')[0].title()}, time_zone: UTC}}" for e in everyone
        ),
        members="\n".join(f"      - email: {e}" for e in everyone),
        rotation=", ".join(rotation_members),
        start=start,
    )


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Freeze the command's clock on Wednesday 2026-02-04, when ben is on call."""
    monkeypatch.setattr(oncall_cli, "now", lambda: WEDNESDAY_BEN)
    return WEDNESDAY_BEN


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_the_command_rewrites_only_the_start_and_keeps_comments(
    tmp_path: Path, frozen: dt.datetime
) -> None:
    base = tmp_path / "base.yaml"
    head = tmp_path / "catalog.yaml"
    base.write_text(_text([ANA, BEN, CAI]), encoding="utf-8")
    head.write_text(_text([ANA, BEN, CAI, DEE]), encoding="utf-8")
    before = head.read_text(encoding="utf-8")

    result = _run("keep-on-call", str(base), str(head))

    assert result.exit_code == 0, result.output
    after = head.read_text(encoding="utf-8")
    changed = [
        (old, new)
        for old, new in zip(before.splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [
        (
            "              start: 2026-01-05   # the anchor",
            "              start: 2026-01-26   # the anchor",
        )
    ]
    state = load_catalog(head)
    assert state.ok
    assert f"{BEN} stays on call" in result.stdout
    assert "rewrote start: 2026-01-05 -> 2026-01-26" in result.stdout
    assert "none: everyone on call stays on call" in result.stdout


def test_removing_the_person_on_call_is_announced(tmp_path: Path, frozen: dt.datetime) -> None:
    base = write_text(tmp_path / "base.yaml", _text([ANA, BEN, CAI]))
    head = write_text(tmp_path / "catalog.yaml", _text([ANA, CAI]))

    result = _run("keep-on-call", str(base), str(head))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Rotations whose members changed, at 2026-02-04 17:00 UTC:",
        "  core/primary, rotation `main`:",
        f"    {BEN} is on call and leaves the rotation;",
        f"    {CAI}, next in order, takes over now",
        f"    rewrote start: 2026-01-05 -> 2026-01-26 ({head}:27:22)",
        "On-call changes at 2026-02-04 17:00 UTC:",
        f"  core/primary: {BEN} -> {CAI}",
    ]


def test_check_mode_writes_nothing_and_fails_until_the_start_is_rewritten(
    tmp_path: Path, frozen: dt.datetime
) -> None:
    base = write_text(tmp_path / "base.yaml", _text([ANA, BEN, CAI]))
    head = write_text(tmp_path / "catalog.yaml", _text([ANA, BEN, DEE, CAI]))
    before = head.read_text(encoding="utf-8")

    checked = _run("keep-on-call", str(base), str(head), "--check")

    assert checked.exit_code == 1
    assert head.read_text(encoding="utf-8") == before
    assert "needs start: 2026-01-05 -> " in checked.stdout
    assert _run("keep-on-call", str(base), str(head)).exit_code == 0
    again = _run("keep-on-call", str(base), str(head), "--check")
    assert again.exit_code == 0, again.output
    assert "(the start already does this)" in again.stdout


def test_at_overrides_the_clock_and_quoting_is_kept(tmp_path: Path, frozen: dt.datetime) -> None:
    base = write_text(tmp_path / "base.yaml", _text([ANA, BEN, CAI], start='"2026-01-05"'))
    head = write_text(tmp_path / "catalog.yaml", _text([ANA, BEN, CAI, DEE], start='"2026-01-05"'))

    result = _run("keep-on-call", str(base), str(head), "--at", "2026-03-04T17:00:00Z")

    assert result.exit_code == 0, result.output
    assert 'start: "2026-02-16"   # the anchor' in head.read_text(encoding="utf-8")
    assert f"{CAI} stays on call" in result.stdout


def test_the_base_can_come_from_git(tmp_path: Path, frozen: dt.datetime) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    write_text(repo / "catalog.yaml", _text([ANA, BEN, CAI]))
    git = ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.com"]
    for command in (["init", "-q"], ["add", "catalog.yaml"], ["commit", "-q", "-m", "base"]):
        subprocess.run([*git, *command], check=True, capture_output=True)
    write_text(repo / "catalog.yaml", _text([ANA, CAI]))

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)
        result = _run("keep-on-call", "HEAD:catalog.yaml", "catalog.yaml")

    assert result.exit_code == 0, result.output
    assert f"core/primary: {BEN} -> {CAI}" in result.stdout


def test_a_missing_base_file_is_a_located_unreadable_file(
    tmp_path: Path, frozen: dt.datetime
) -> None:
    head = write_text(tmp_path / "catalog.yaml", _text([ANA, BEN]))

    result = _run("keep-on-call", str(tmp_path / "nope.yaml"), str(head))

    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.yaml'}:1:1: unreadable-file" in result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository (the working directory) whose HEAD has catalog.yaml and sub/x.yaml."""
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    write_text(root / "catalog.yaml", _text([ANA, BEN, CAI]))
    write_text(root / "sub" / "x.yaml", _text([ANA, BEN, CAI]))
    git = ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.com"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "base"]):
        subprocess.run([*git, *command], check=True, capture_output=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))  # must not steer the read
    return root


def test_a_base_revision_that_is_an_option_is_refused_and_writes_nothing(
    repo: Path, tmp_path: Path, frozen: dt.datetime
) -> None:
    target = tmp_path / "out" / "pwned"
    target.parent.mkdir()

    result = _run(
        "keep-on-call", "--check", "--", f"--output={target}:catalog.yaml", "catalog.yaml"
    )

    assert result.exit_code == 2
    assert "is not a git revision" in result.stderr
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize(
    ("spec", "code", "message"),
    [
        ("HEAD:sub", 1, "`sub` at `HEAD` is not a file"),
        ("HEAD:", 2, "names no usable path after the colon"),
        ("HEAD:missing.yaml", 1, "HEAD:missing.yaml:1:1: unreadable-file"),
        ("nosuchbranch:catalog.yaml", 2, "unknown revision `nosuchbranch`"),
    ],
)
def test_a_base_from_git_is_checked_like_diffs(
    repo: Path, frozen: dt.datetime, spec: str, code: int, message: str
) -> None:
    result = _run("keep-on-call", "--check", spec, "catalog.yaml")

    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_base_from_git_ignores_git_dir(repo: Path, frozen: dt.datetime) -> None:
    result = _run("keep-on-call", "--check", "HEAD:sub/x.yaml", "catalog.yaml")

    assert result.exit_code == 0, result.output
    assert "none" in result.stdout


def test_the_rewritten_catalog_declares_the_new_anchor(
    tmp_path: Path, frozen: dt.datetime, plan_catalog: PlanRunner
) -> None:
    base = write_text(tmp_path / "base.yaml", _text([ANA, BEN, CAI]))
    head = write_text(tmp_path / "catalog.yaml", _text([ANA, BEN, CAI, DEE]))
    assert _run("keep-on-call", str(base), str(head)).exit_code == 0

    plan = plan_catalog(catalog=head)

    (layer,) = plan.named("pd-schedule-core-primary").inputs["layers"]
    assert layer["rotationVirtualStart"] == "2026-01-26T14:00:00Z"
    assert layer["start"] == "2026-01-26T14:00:00Z"


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_start_shared_through_a_yaml_alias_is_refused(
    tmp_path: Path, frozen: dt.datetime
) -> None:
    second = (
        "        - key: backup\n"
        "          name: Core backup\n"
        "          time_zone: America/New_York\n"
        "          rotations:\n"
        "            - name: main\n"
        "              members: [dee@example.com]\n"
        "              length: weekly\n"
        "              start: *anchor\n"
    )

    def text(members: list[str]) -> str:
        body = _text(members, start="&anchor 2026-01-05")
        return body.replace("      escalation:\n", f"{second}      escalation:\n")

    base = write_text(tmp_path / "base.yaml", text([ANA, BEN, CAI]))
    head = write_text(tmp_path / "catalog.yaml", text([ANA, BEN, CAI, DEE]))
    before = head.read_text(encoding="utf-8")
    assert load_catalog(head).ok

    result = _run("keep-on-call", str(base), str(head))

    assert result.exit_code == 1
    assert "would also move or not keep core/backup/main" in result.stderr
    assert "set the `start` by hand" in result.stderr
    assert head.read_text(encoding="utf-8") == before


# Text of the source file that a parser error must never quote back.
MARKER = "source-text-marker"


def _tabbed(members: list[str]) -> str:
    """The catalog with tabs libyaml (and `validate`) accept: after `key:` and before `#`."""
    text = _text(members).replace("version: 1\n", f"version: 1\t# note={MARKER}\n")
    return text.replace("    name: Core\n", "    name:\tCore\n")


def test_tabs_that_validate_accepts_do_not_stop_a_rewrite(
    tmp_path: Path, frozen: dt.datetime
) -> None:
    base = write_text(tmp_path / "base.yaml", _tabbed([ANA, BEN, CAI]))
    head = write_text(tmp_path / "catalog.yaml", _tabbed([ANA, BEN, CAI, DEE]))
    assert load_catalog(head).ok

    result = _run("keep-on-call", str(base), str(head))

    assert result.exit_code == 0, result.output
    assert "start: 2026-01-26   # the anchor" in head.read_text(encoding="utf-8")
    assert f"version: 1\t# note={MARKER}" in head.read_text(encoding="utf-8")


def test_a_parser_error_in_the_rewrite_is_one_line_without_source_text(
    tmp_path: Path, frozen: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = write_text(tmp_path / "base.yaml", _tabbed([ANA, BEN, CAI]))
    head = write_text(tmp_path / "catalog.yaml", _tabbed([ANA, BEN, CAI, DEE]))
    before = head.read_text(encoding="utf-8")
    # The pure-Python parser refuses these tabs, as the command's own parser once did.
    monkeypatch.setattr(oncall_cli, "_COMPOSER", yaml.SafeLoader)

    result = _run("keep-on-call", str(base), str(head))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"teamcat: error: cannot rewrite {head} (ScannerError); nothing was written"
    ]
    assert MARKER not in result.output
    assert head.read_text(encoding="utf-8") == before


def test_a_block_scalar_start_is_rewritten(tmp_path: Path, frozen: dt.datetime) -> None:
    block = ">-\n                2026-01-05\n"
    base = write_text(tmp_path / "base.yaml", _text([ANA, BEN, CAI], start=block))
    head = write_text(tmp_path / "catalog.yaml", _text([ANA, BEN, CAI, DEE], start=block))
    assert load_catalog(head).ok

    result = _run("keep-on-call", str(base), str(head))

    assert result.exit_code == 0, result.output
    assert "              start: 2026-01-26\n" in head.read_text(encoding="utf-8")
    assert load_catalog(head).ok


def test_a_rewrite_that_does_not_load_says_why(
    tmp_path: Path, frozen: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = write_text(tmp_path / "base.yaml", _text([ANA, BEN, CAI]))
    head = write_text(tmp_path / "catalog.yaml", _text([ANA, BEN, CAI, DEE]))
    before = head.read_text(encoding="utf-8")
    monkeypatch.setattr(oncall_cli, "rewrite_starts", lambda text, edits: text + "\n  oops")

    result = _run("keep-on-call", str(base), str(head))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"teamcat: error: the rewritten {head} does not load ({head}:38:1: yaml-syntax); "
        "nothing was written"
    ]
    assert head.read_text(encoding="utf-8") == before
