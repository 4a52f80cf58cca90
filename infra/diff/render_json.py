"""The diff as JSON that follows `diff.schema.json` (documented in docs/diff.md).

The shape is stable: `schema_version` changes only when a field is removed or changes meaning;
new fields may be added within a version. Keys are sorted and lists keep the diff's order.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any, NamedTuple

from infra.diff.escape import json_escaped
from infra.diff.model import AccessDiff, Delta, FieldChange, PersonDiff, ServiceDiff, TeamDiff

SCHEMA_VERSION = 1
SCHEMA_FILE = "diff.schema.json"

JSONObject = dict[str, Any]


def render_json(diff: AccessDiff) -> str:
    """The diff as indented JSON text, ending with a newline."""
    text = json.dumps(diff_to_json(diff), indent=2, sort_keys=True, ensure_ascii=False)
    return json_escaped(text) + "\n"


def diff_schema() -> JSONObject:
    """The JSON Schema the output follows, read from the package."""
    text = resources.files("infra.diff").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: JSONObject = json.loads(text)
    return schema


def diff_to_json(diff: AccessDiff) -> JSONObject:
    """The diff as plain JSON data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "base": diff.base,
        "head": diff.head,
        "at": diff.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "threshold": diff.threshold,
        "summary": {
            "risky": len(diff.risks),
            "people": len(diff.people),
            "teams": len(diff.teams),
            "services": len(diff.services),
            "on_call_now": len(diff.on_call_now),
        },
        "risks": [
            {
                "code": r.code,
                "kind": r.kind,
                "subject": r.subject,
                "people": list(r.people),
                "message": r.message,
                "reason": r.reason,
            }
            for r in diff.risks
        ],
        "people": [_person(p) for p in diff.people],
        "teams": [_team(t) for t in diff.teams],
        "services": [_service(s) for s in diff.services],
        "on_call_now": [
            {"team": c.team, "schedule": c.schedule, "before": c.before, "after": c.after}
            for c in diff.on_call_now
        ],
    }


def _person(person: PersonDiff) -> JSONObject:
    return {
        "email": person.email,
        "name": person.name,
        "status": person.status,
        "account_role": _change(person.account_role) if person.account_role else None,
        "okta_groups": {
            "gained": list(person.okta_groups.gained),
            "lost": list(person.okta_groups.lost),
        },
        "pagerduty_roles": _records(person.pagerduty_roles),
        "harness_roles": _records(person.harness_roles),
        "rotations": _records(person.rotations),
        "escalation_levels": _records(person.escalation_levels),
        "on_call_now": _records(person.on_call_now),
    }


def _team(team: TeamDiff) -> JSONObject:
    return {
        "key": team.key,
        "name": team.name,
        "status": team.status,
        "renamed_from": team.renamed_from,
        "member_count": team.member_count,
        "access_changed": team.access_changed,
        "members": {"gained": list(team.members.gained), "lost": list(team.members.lost)},
        "changes": [_change(c) for c in team.changes],
    }


def _service(service: ServiceDiff) -> JSONObject:
    return {
        "key": service.key,
        "name": service.name,
        "status": service.status,
        "renamed_from": service.renamed_from,
        "changes": [_change(c) for c in service.changes],
        "actions": {
            "gained": [_action(a._asdict()) for a in service.actions.gained],
            "lost": [_action(a._asdict()) for a in service.actions.lost],
        },
    }


def _change(change: FieldChange) -> JSONObject:
    return {"field": change.field, "before": change.before, "after": change.after}


def _records(delta: Delta[Any]) -> JSONObject:
    return {
        "gained": [_record(x) for x in delta.gained],
        "lost": [_record(x) for x in delta.lost],
    }


def _record(item: NamedTuple) -> JSONObject:
    return dict(item._asdict())


def _action(fields: dict[str, Any]) -> JSONObject:
    return {**fields, "events": list(fields["events"])}
