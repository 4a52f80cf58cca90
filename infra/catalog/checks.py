"""Whole-catalog checks: references resolve, keys are unique, parents and dependencies form no
cycle, and on-call settings only name people of the team.

Each check returns findings located through the document's source map; none raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from infra.catalog.findings import Finding, did_you_mean, did_you_mean_email
from infra.catalog.models import Catalog, Service, Team
from infra.catalog.oncall_checks import check_on_call
from infra.catalog.yamlsource import PathKey, SourceMap
from infra.core.names import person_slug, resource_name


def check_catalog(
    catalog: Catalog, source: SourceMap, incomplete: frozenset[str] = frozenset()
) -> list[Finding]:
    """Every finding about references and uniqueness in a schema-valid catalog.

    `incomplete` names the lists (`people`, `teams`, `services`) some of whose entries failed
    their own schema checks and were left out of `catalog`. No reference into such a list is
    reported as unknown: it may name a left-out entry by the very value that made it invalid.
    """
    context = _Context(catalog, source, incomplete)
    checks = (
        _people,
        _person_names,
        _team_keys,
        _team_members,
        _parents,
        _okta_groups,
        _schedules,
        _escalations,
        check_on_call,
        _service_keys,
        _service_references,
        _dependency_cycles,
        _incident_actions,
        _repeated_items,
        _resource_names,
        _rename_claims,
    )
    return [finding for check in checks for finding in check(context)]


class _Context:
    def __init__(
        self, catalog: Catalog, source: SourceMap, incomplete: frozenset[str] = frozenset()
    ) -> None:
        self.catalog = catalog
        self.source = source
        self.incomplete = incomplete
        # The first entry wins for duplicated keys, as `_duplicates` reports the later ones.
        self.emails: dict[str, str] = {}
        self.teams: dict[str, Team] = {}
        self.services: dict[str, Service] = {}
        for person in catalog.people:
            self.emails.setdefault(person.email.lower(), person.email)
        for team in catalog.teams:
            self.teams.setdefault(team.key, team)
        for service in catalog.services:
            self.services.setdefault(service.key, service)

    def finding(
        self, code: str, message: str, path: PathKey, hint: str | None = None, *, key: bool = False
    ) -> Finding:
        return Finding(code, message, self.source.at(path, key=key), hint)

    def has_team(self, key: str) -> bool:
        return key in self.teams or "teams" in self.incomplete

    def has_service(self, key: str) -> bool:
        return key in self.services or "services" in self.incomplete

    def unknown_person(self, email: str, path: PathKey, where: str) -> Iterator[Finding]:
        if email.lower() not in self.emails and "people" not in self.incomplete:
            yield self.finding(
                "unknown-person",
                f"{where} names `{email}`, who is not in `people`",
                path,
                did_you_mean_email(email, self.emails.values()) or "add them to `people` first",
            )


def _duplicates(
    context: _Context,
    values: Iterable[tuple[str, PathKey]],
    code: str,
    where: str,
    hint: str,
    *,
    fold: bool = True,
) -> Iterator[Finding]:
    """A finding for each repeat of a value (compared without case) after its first place."""
    first: dict[str, PathKey] = {}
    for value, path in values:
        normal = value.lower() if fold else value
        if normal in first:
            earlier = context.source.at(first[normal])
            message = f"`{value}` is listed twice {where} (first at {earlier.line}:{earlier.col})"
            yield context.finding(code, message, path, hint)
        else:
            first[normal] = path


def _people(context: _Context) -> Iterator[Finding]:
    yield from _duplicates(
        context,
        ((p.email, ("people", i, "email")) for i, p in enumerate(context.catalog.people)),
        "duplicate-email",
        "in `people`",
        "e-mail addresses are compared without case; keep one entry per person",
    )


def _person_names(context: _Context) -> Iterator[Finding]:
    """People whose addresses differ but whose resource names would be the same."""
    seen: dict[str, tuple[str, PathKey]] = {}
    for i, person in enumerate(context.catalog.people):
        slug = person_slug(person.email)
        path: PathKey = ("people", i, "email")
        if slug in seen and seen[slug][0] != person.email.lower():
            other, other_path = seen[slug]
            earlier = context.source.at(other_path)
            yield context.finding(
                "name-collision",
                f"`{person.email}` and `{other}` (at {earlier.line}:{earlier.col}) would both be "
                f"named `{slug}` in Pulumi",
                path,
                "resource names keep only the letters and digits of an address; list one of "
                "them under another address they receive mail at",
            )
        seen.setdefault(slug, (person.email.lower(), path))


def _team_keys(context: _Context) -> Iterator[Finding]:
    teams = context.catalog.teams
    yield from _duplicates(
        context,
        ((t.key, ("teams", i, "key")) for i, t in enumerate(teams)),
        "duplicate-team",
        "as a team key",
        "team keys name resources and must be unique",
    )
    for i, team in enumerate(teams):
        for j, old in enumerate(team.renamed_from):
            if old in context.teams and old != team.key:  # its own key: `_rename_claims`
                yield context.finding(
                    "rename-conflict",
                    f"team `{team.key}` was renamed from `{old}`, but `{old}` is still a team",
                    ("teams", i, "renamed_from", j),
                    "remove the old team, or drop it from `renamed_from`",
                )


def _team_members(context: _Context) -> Iterator[Finding]:
    for i, team in enumerate(context.catalog.teams):
        for j, member in enumerate(team.members):
            path = ("teams", i, "members", j, "email")
            yield from context.unknown_person(member.email, path, f"team `{team.key}`")
        yield from _duplicates(
            context,
            ((m.email, ("teams", i, "members", j, "email")) for j, m in enumerate(team.members)),
            "duplicate-member",
            f"among the members of team `{team.key}`",
            "list each person once, with one role",
        )


def _parents(context: _Context) -> Iterator[Finding]:
    for i, team in enumerate(context.catalog.teams):
        if team.parent is None:
            continue
        path = ("teams", i, "parent")
        if not context.has_team(team.parent):
            yield context.finding(
                "unknown-parent",
                f"team `{team.key}` names parent `{team.parent}`, which is not a team",
                path,
                did_you_mean(team.parent, context.teams) or "a parent is another team's key",
            )
        elif cycle := _parent_cycle(team, context.teams):
            yield context.finding(
                "parent-cycle",
                f"team `{team.key}` is its own ancestor: {' -> '.join(cycle)}",
                path,
                "a team's parents must lead to a team without a parent",
            )


def _parent_cycle(team: Team, teams: dict[str, Team]) -> list[str]:
    chain = [team.key]
    current = team
    while current.parent is not None and current.parent in teams:
        chain.append(current.parent)
        if current.parent == team.key:
            return chain
        if current.parent in chain[:-1]:
            return []  # a cycle above this team; reported at the teams inside it
        current = teams[current.parent]
    return []


def _okta_groups(context: _Context) -> Iterator[Finding]:
    yield from _duplicates(
        context,
        (
            (t.okta_group or f"team-{t.key}", ("teams", i, "okta_group" if t.okta_group else "key"))
            for i, t in enumerate(context.catalog.teams)
        ),
        "duplicate-okta-group",
        "as an Okta group name",
        "each team needs its own Okta group; set `okta_group` to a distinct name",
    )


def _schedules(context: _Context) -> Iterator[Finding]:
    for i, team in enumerate(context.catalog.teams):
        if team.on_call is None:
            continue
        members = {m.email.lower() for m in team.members}
        yield from _duplicates(
            context,
            (
                (s.key, ("teams", i, "on_call", "schedules", k, "key"))
                for k, s in enumerate(team.on_call.schedules)
            ),
            "duplicate-schedule",
            f"as a schedule key of team `{team.key}`",
            "schedule keys are unique within a team",
        )
        for k, schedule in enumerate(team.on_call.schedules):
            for r, rotation in enumerate(schedule.rotations):
                base = ("teams", i, "on_call", "schedules", k, "rotations", r, "members")
                yield from _duplicates(
                    context,
                    ((e, (*base, m)) for m, e in enumerate(rotation.members)),
                    "duplicate-rotation-member",
                    f"in rotation `{rotation.name}` of `{team.key}/{schedule.key}`",
                    "a rotation lists each person once; the order is the turn order",
                )
                for m, email in enumerate(rotation.members):
                    where = f"rotation `{rotation.name}` of `{team.key}/{schedule.key}`"
                    unknown = list(context.unknown_person(email, (*base, m), where))
                    yield from unknown
                    if not unknown and email.lower() not in members:
                        yield context.finding(
                            "rotation-non-member",
                            f"{where} names `{email}`, who is not a member of team `{team.key}`",
                            (*base, m),
                            f"add them to the members of `{team.key}` first",
                        )


def _escalations(context: _Context) -> Iterator[Finding]:
    for i, team in enumerate(context.catalog.teams):
        if team.on_call is None or team.on_call.escalation is None:
            continue
        schedules = [s.key for s in team.on_call.schedules]
        members = {m.email.lower() for m in team.members}
        for level_index, level in enumerate(team.on_call.escalation.levels):
            for t, target in enumerate(level.targets):
                path = ("teams", i, "on_call", "escalation", "levels", level_index, "targets", t)
                where = f"escalation level {level_index + 1} of team `{team.key}`"
                if target.schedule is not None and target.schedule not in schedules:
                    yield context.finding(
                        "unknown-schedule",
                        f"{where} targets schedule `{target.schedule}`, "
                        "which the team does not have",
                        (*path, "schedule"),
                        did_you_mean(target.schedule, schedules)
                        or "targets name a schedule of the same team",
                    )
                if target.person is None:
                    continue
                unknown = list(context.unknown_person(target.person, (*path, "person"), where))
                yield from unknown
                if not unknown and not target.external and target.person.lower() not in members:
                    yield context.finding(
                        "target-not-member",
                        f"{where} targets `{target.person}`, who is not a member of the team",
                        (*path, "person"),
                        "add them to the team, or mark the target `external: true`",
                    )


def _service_keys(context: _Context) -> Iterator[Finding]:
    services = context.catalog.services
    yield from _duplicates(
        context,
        ((s.key, ("services", i, "key")) for i, s in enumerate(services)),
        "duplicate-service",
        "as a service key",
        "service keys name resources and must be unique",
    )
    for i, service in enumerate(services):
        for j, old in enumerate(service.renamed_from):
            if old in context.services and old != service.key:
                yield context.finding(
                    "rename-conflict",
                    f"service `{service.key}` was renamed from `{old}`, "
                    f"but `{old}` is still a service",
                    ("services", i, "renamed_from", j),
                    "remove the old service, or drop it from `renamed_from`",
                )


def _service_references(context: _Context) -> Iterator[Finding]:
    for i, service in enumerate(context.catalog.services):
        yield from _owner(context, i, service)
        for j, dependency in enumerate(service.depends_on):
            path = ("services", i, "depends_on", j)
            if not context.has_service(dependency):
                yield context.finding(
                    "unknown-dependency",
                    f"service `{service.key}` depends on `{dependency}`, which is not a service",
                    path,
                    did_you_mean(dependency, context.services)
                    or "`depends_on` lists keys of other services in the catalog",
                )
            elif dependency == service.key:
                yield context.finding(
                    "dependency-cycle",
                    f"service `{service.key}` depends on itself",
                    path,
                    "remove the service's own key from `depends_on`",
                )


def _owner(context: _Context, i: int, service: Service) -> Iterator[Finding]:
    if not context.has_team(service.owner):
        yield context.finding(
            "unknown-owner",
            f"service `{service.key}` names owner `{service.owner}`, which is not a team",
            ("services", i, "owner"),
            did_you_mean(service.owner, context.teams) or "the owner is a team key",
        )
    policy_team = service.escalation_policy or service.owner
    path = ("services", i, "escalation_policy" if service.escalation_policy else "owner")
    if service.escalation_policy and not context.has_team(service.escalation_policy):
        yield context.finding(
            "unknown-team",
            f"service `{service.key}` uses the escalation policy of `{policy_team}`, "
            "which is not a team",
            path,
            did_you_mean(policy_team, context.teams)
            or "`escalation_policy` names a team whose policy pages for this service",
        )
        return
    team = context.teams.get(policy_team)
    if team is not None and (team.on_call is None or team.on_call.escalation is None):
        yield context.finding(
            "no-escalation-policy",
            f"service `{service.key}` pages team `{team.key}`, which has no escalation policy",
            path,
            f"add `on_call.escalation` to team `{team.key}`",
        )


def _dependency_cycles(context: _Context) -> Iterator[Finding]:
    graph = {
        s.key: [d for d in s.depends_on if d in context.services and d != s.key]
        for s in context.catalog.services
    }
    reported: set[frozenset[str]] = set()
    for i, service in enumerate(context.catalog.services):
        cycle = _find_cycle(service.key, graph)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            yield context.finding(
                "dependency-cycle",
                f"services depend on each other in a cycle: {' -> '.join([*cycle, cycle[0]])}",
                ("services", i, "depends_on"),
                "a dependency graph must have no cycles; drop one of these edges",
            )


def _find_cycle(start: str, graph: dict[str, list[str]]) -> list[str]:
    """The cycle through `start`, if any, as the list of keys along it."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, trail = stack.pop()
        for nxt in graph.get(node, []):
            if nxt == start:
                return trail
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return []


def _incident_actions(context: _Context) -> Iterator[Finding]:
    for i, service in enumerate(context.catalog.services):
        yield from _duplicates(
            context,
            (
                (action.action, ("services", i, "incident_actions", a, "action"))
                for a, action in enumerate(service.incident_actions)
            ),
            "duplicate-action",
            f"as an incident action of service `{service.key}`",
            "each action gets one Harness trigger and one PagerDuty callback per service; keep "
            "one entry per action",
        )
        for a, action in enumerate(service.incident_actions):
            path = ("services", i, "incident_actions", a, "pipeline")
            if service.harness is None:
                yield context.finding(
                    "no-harness-binding",
                    f"service `{service.key}` has incident actions but no `harness` binding",
                    ("services", i, "incident_actions", a),
                    "add `harness: {project, service, pipelines}` to the service",
                )
            elif action.pipeline not in service.harness.pipelines:
                yield context.finding(
                    "unknown-pipeline",
                    f"the {action.action} action of `{service.key}` runs pipeline "
                    f"`{action.pipeline}`, which is not in project `{service.harness.project}`'s "
                    "pipelines for this service",
                    path,
                    did_you_mean(action.pipeline, service.harness.pipelines)
                    or "list it under `harness.pipelines`",
                )
        harness = service.harness
        if harness and harness.deploy_pipeline and harness.deploy_pipeline not in harness.pipelines:
            yield context.finding(
                "unknown-pipeline",
                f"service `{service.key}` deploys with `{harness.deploy_pipeline}`, which is not "
                "in its `harness.pipelines`",
                ("services", i, "harness", "deploy_pipeline"),
                did_you_mean(harness.deploy_pipeline, harness.pipelines)
                or "list it under `harness.pipelines`",
            )


def _repeated_items(context: _Context) -> Iterator[Finding]:
    """Lists whose items each become a resource or a reference: a repeat would be declared twice."""
    once = "list each one once"
    for i, team in enumerate(context.catalog.teams):
        base: PathKey = ("teams", i)
        where = f"in team `{team.key}`'s"
        yield from _repeats(context, team.renamed_from, (*base, "renamed_from"), where, "rename")
        if team.harness:
            roles = (*base, "harness", "roles")
            yield from _repeats(context, team.harness.roles, roles, where, "role", exact=True)
        escalation = team.on_call.escalation if team.on_call else None
        for n, level in enumerate(escalation.levels if escalation else []):
            targets = (*base, "on_call", "escalation", "levels", n, "targets")
            yield from _duplicates(
                context,
                (
                    (
                        f"schedule {t.schedule}" if t.schedule else f"person {t.person}",
                        (*targets, j),
                    )
                    for j, t in enumerate(level.targets)
                ),
                "duplicate-target",
                f"among the targets of team `{team.key}`'s escalation level {n + 1}",
                once,
            )
    for i, service in enumerate(context.catalog.services):
        base = ("services", i)
        where = f"in service `{service.key}`'s"
        yield from _repeats(context, service.renamed_from, (*base, "renamed_from"), where, "rename")
        yield from _repeats(context, service.depends_on, (*base, "depends_on"), where, "dependency")
        if service.harness:
            pipelines = (*base, "harness", "pipelines")
            yield from _repeats(
                context, service.harness.pipelines, pipelines, where, "pipeline", exact=True
            )


def _repeats(
    context: _Context,
    items: list[str],
    path: PathKey,
    where: str,
    what: str,
    *,
    exact: bool = False,
) -> Iterator[Finding]:
    """A `duplicate-<what>` finding for each repeat in one list of the catalog.

    `exact` compares with case (Harness identifiers); otherwise repeats are found without it.
    """
    field = ".".join(str(part) for part in path[-2:]) if exact else str(path[-1])
    yield from _duplicates(
        context,
        ((item, (*path, j)) for j, item in enumerate(items)),
        f"duplicate-{what}",
        f"{where} `{field}`",
        "list each one once",
        fold=not exact,
    )


def _resource_names(context: _Context) -> Iterator[Finding]:
    """Different entries whose Pulumi names, joined from several keys with `-`, come out equal.

    Such names cannot be made unique by changing the scheme without renaming the resources of
    every existing stack, so the catalog must avoid them.
    """
    seen: dict[str, tuple[tuple[str, ...], PathKey]] = {}
    for name, origin, path in _joined_names(context.catalog):
        if name not in seen:
            seen[name] = (origin, path)
            continue
        other, other_path = seen[name]
        if other == origin:
            continue  # the same entry listed twice, reported as a duplicate
        earlier = context.source.at(other_path)
        yield context.finding(
            "name-collision",
            f"this entry and the one at {earlier.line}:{earlier.col} would both declare the "
            f"Pulumi resource `{name}`",
            path,
            "resource names join keys with `-`; rename one of the keys (or Harness role "
            "identifiers that differ only by `_` at their ends) so the joined names differ",
        )


def _joined_names(catalog: Catalog) -> Iterator[tuple[str, tuple[str, ...], PathKey]]:
    """Each resource name built from more than one key: the name, its parts, where it comes from."""
    for i, team in enumerate(catalog.teams):
        for j, member in enumerate(team.members):
            origin = ("member", team.key, member.email.lower())
            yield (
                resource_name("pd-member", team.key, person_slug(member.email)),
                origin,
                ("teams", i, "members", j, "email"),
            )
        for j, schedule in enumerate(team.on_call.schedules if team.on_call else []):
            yield (
                resource_name("pd-schedule", team.key, schedule.key),
                ("schedule", team.key, schedule.key),
                ("teams", i, "on_call", "schedules", j, "key"),
            )
        for j, role in enumerate(team.harness.roles if team.harness else []):
            yield (
                resource_name("harness-role", team.key, role.strip("_")),
                ("role", team.key, role),
                ("teams", i, "harness", "roles", j),
            )
    for i, service in enumerate(catalog.services):
        for j, dependency in enumerate(service.depends_on):
            yield (
                resource_name("pd-depends", service.key, "on", dependency),
                ("depends", service.key, dependency),
                ("services", i, "depends_on", j),
            )


def _rename_claims(context: _Context) -> Iterator[Finding]:
    """An old key may be claimed once: by one team (or service), and not by itself."""
    lists = (
        ("team", [(t.key, t.renamed_from) for t in context.catalog.teams], "teams"),
        ("service", [(s.key, s.renamed_from) for s in context.catalog.services], "services"),
    )
    for kind, entries, list_name in lists:
        claimed: dict[str, str] = {}
        for i, (key, old_keys) in enumerate(entries):
            for j, old in enumerate(old_keys):
                path = (list_name, i, "renamed_from", j)
                if old == key:
                    yield context.finding(
                        "rename-conflict",
                        f"{kind} `{key}` lists its own key in `renamed_from`",
                        path,
                        "`renamed_from` lists the keys the entry had before; remove this one",
                    )
                elif old in claimed and claimed[old] != key:
                    yield context.finding(
                        "rename-conflict",
                        f"{kind}s `{claimed[old]}` and `{key}` both claim to be renamed from "
                        f"`{old}`",
                        path,
                        "the resources of the old key can move to one entry only; keep it in one "
                        "`renamed_from`",
                    )
                else:
                    claimed.setdefault(old, key)
