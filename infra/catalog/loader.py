"""Load a catalog file: YAML, then the typed model, then the whole-catalog checks.

`load_catalog` never raises for a bad catalog; it returns every finding at once, each located
at the YAML node that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from infra.catalog import checks, models
from infra.catalog.credentials import check_credentials, check_raw_credentials, describe_path
from infra.catalog.findings import Finding, Position, did_you_mean, has_errors, sort_findings
from infra.catalog.yamlsource import (
    PathKey,
    SourceMap,
    YamlDocument,
    YamlError,
    read_catalog_bytes,
    read_yaml_bytes,
)

# pydantic's own error types, renamed to the catalog's codes.
_CODES = {
    "missing": "missing-field",
    "extra_forbidden": "unknown-field",
    "literal_error": "bad-value",
    "enum": "bad-value",
    "too_short": "too-few-items",
    "too_long": "too-many-items",
    "string_too_short": "empty-value",
    "string_too_long": "too-long",
    "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range",
    "model_type": "wrong-type",
    "model_attributes_type": "wrong-type",
    "dict_type": "wrong-type",
    "list_type": "wrong-type",
}


@dataclass
class LoadResult:
    """What loading produced: the catalog when it is valid, and every finding either way."""

    file: str
    catalog: models.Catalog | None
    findings: list[Finding] = field(default_factory=list)
    source: SourceMap | None = None

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not has_errors(self.findings)


def load_catalog(path: Path | str, display: str | None = None) -> LoadResult:
    """Read and check the catalog at `path`."""
    path = Path(path)
    name = display or str(path)
    try:
        raw = read_catalog_bytes(path, name)
    except YamlError as exc:
        return LoadResult(name, None, exc.findings)
    return load_catalog_bytes(raw, name)


def load_catalog_bytes(raw: bytes, name: str) -> LoadResult:
    """Check catalog content already in memory; `name` is used in findings."""
    # Credentials are looked for in the raw document, so they are found even where the model
    # would reject the field or the YAML is broken, and no finding ever quotes one.
    text = raw.decode("utf-8-sig", errors="replace")
    try:
        document = read_yaml_bytes(raw, name)
    except YamlError as exc:
        return LoadResult(
            name, None, check_raw_credentials(sort_findings(exc.findings), text, name)
        )
    result = _check_document(document, name)
    result.findings = check_credentials(result.findings, document.data, document.source, text)
    return result


def _check_document(document: YamlDocument, name: str) -> LoadResult:
    """The model and the whole-catalog checks of a document that is valid YAML."""
    source = document.source
    if not isinstance(document.data, dict):
        finding = Finding(
            "not-a-mapping",
            "the catalog must be a mapping with `version`, `people`, `teams` and `services`",
            source.at(()) if source.values else Position(name, 1, 1),
            "start from the bundled catalog.yaml",
        )
        return LoadResult(name, None, [finding], source)
    try:
        catalog = models.Catalog.model_validate(document.data)
    except ValidationError as exc:
        findings = _schema_findings(exc, source, document.data)
        findings += _salvaged_findings(exc, document)
        return LoadResult(name, None, sort_findings(findings), source)
    findings = checks.check_catalog(catalog, source)
    return LoadResult(name, catalog, sort_findings(findings), source)


_ENTRY_MODELS: dict[str, type[BaseModel]] = {
    "people": models.Person,
    "teams": models.Team,
    "services": models.Service,
}


def _salvaged_findings(error: ValidationError, document: YamlDocument) -> list[Finding]:
    """Reference checks over the entries that passed their own schema checks.

    So that one mistyped field does not hide every unknown owner or duplicate address, the
    entries of `people`, `teams` and `services` that are valid on their own are checked
    together. When a list itself is malformed there is nothing to salvage.
    """
    data = document.data
    bad: dict[str, set[int]] = {field: set() for field in _ENTRY_MODELS}
    for item in error.errors(include_url=False):
        loc = item["loc"]
        if loc and loc[0] in bad:
            if len(loc) < 2 or not isinstance(loc[1], int):
                return []
            bad[str(loc[0])].add(loc[1])
    kept: dict[str, list[Any]] = {}
    index_map: dict[str, list[int]] = {}
    for list_name, model in _ENTRY_MODELS.items():
        entries = data.get(list_name) or []
        if not isinstance(entries, list):
            return []
        good = [i for i in range(len(entries)) if i not in bad[list_name]]
        kept[list_name] = [model.model_validate(entries[i]) for i in good]
        index_map[list_name] = good
    partial = models.Catalog.model_construct(
        version=1, people=kept["people"], teams=kept["teams"], services=kept["services"]
    )
    shifted = _ShiftedSource(document.source, index_map)
    incomplete = frozenset(name for name, indices in bad.items() if indices)
    return checks.check_catalog(partial, shifted, incomplete)


class _ShiftedSource(SourceMap):
    """The document's source map seen through the salvaged lists' indices."""

    def __init__(self, source: SourceMap, index_map: dict[str, list[int]]) -> None:
        super().__init__(source.file, source.values, source.keys)
        self._index_map = index_map

    def at(self, path: PathKey, *, key: bool = False) -> Position:
        if len(path) >= 2 and path[0] in self._index_map and isinstance(path[1], int):
            original = self._index_map[str(path[0])]
            if path[1] < len(original):
                path = (path[0], original[path[1]], *path[2:])
        return super().at(path, key=key)


def _schema_findings(error: ValidationError, source: SourceMap, data: Any) -> list[Finding]:
    located: list[tuple[str, PathKey, Finding]] = []
    for item in error.errors(include_url=False):
        kind = item["type"]
        path = _data_path(item["loc"], data, missing=kind == "missing")
        path = _focus(path, kind, data)
        code = _CODES.get(kind, kind if "-" in kind else "wrong-type")
        at_key = kind in ("extra_forbidden",)
        where = source.at(path, key=at_key)
        message = _message(item, describe_path(path, data))
        located.append(
            (kind, path, Finding(code, message, where, _hint(kind, path, item.get("input"))))
        )
    return _without_misspelled_twins(located)


def _without_misspelled_twins(located: list[tuple[str, PathKey, Finding]]) -> list[Finding]:
    """Drop `missing-field` where an unknown sibling is its near miss (`timezone`, `time_zone`).

    The unknown field's finding already says "did you mean `time_zone`?"; a second finding that
    `time_zone` is missing would report one typo twice.
    """
    suggested = {
        (path[:-1], finding.hint.split("`")[1])
        for kind, path, finding in located
        if kind == "extra_forbidden" and finding.hint and finding.hint.startswith("did you mean")
    }
    return [
        finding
        for kind, path, finding in located
        if not (kind == "missing" and (path[:-1], path[-1]) in suggested)
    ]


def _data_path(loc: tuple[int | str, ...], data: Any, *, missing: bool) -> PathKey:
    """The part of pydantic's `loc` that exists in the data.

    Unions add their member's type name to `loc` (such as `date` or `literal[...]`); walking the
    data drops those labels. A missing field keeps its own name as the last part.
    """
    path: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        known = isinstance(node, dict) and part in node
        if isinstance(node, dict) and isinstance(part, str) and (known or (last and missing)):
            path.append(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and last:
            path.append(part)
    return tuple(path)


# Rules over two fields of one entry point at the field most likely to be wrong.
_FOCUS = {
    "restriction-day": ("day", "type"),
    "restriction-duration": ("duration",),
    "action-events": ("events", "mode"),
}


def _focus(path: PathKey, kind: str, data: Any) -> PathKey:
    if kind not in _FOCUS:
        return path
    node = data
    for part in path:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return path
    for field_name in _FOCUS.get(kind, ()):
        if isinstance(node, dict) and field_name in node:
            return (*path, field_name)
    return path


def _message(item: Any, where: str) -> str:
    kind = item["type"]
    if kind == "missing":
        return f"`{where}` is required"
    if kind == "extra_forbidden":
        parent, _, name = where.rpartition(".")
        return f"unknown field `{name}` in `{parent or 'the catalog'}`"
    message = str(item["msg"]).replace(" after validation", "")
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return f"`{where}`: {message[0].lower()}{message[1:]}"


def _hint(kind: str, path: PathKey, value: Any) -> str | None:
    if kind == "extra_forbidden" and isinstance(path[-1], str):
        fields = _fields_at(path[:-1])
        return did_you_mean(path[-1], fields) or (
            f"known fields here: {', '.join(sorted(fields))}" if fields else None
        )
    if kind == "literal_error" and isinstance(value, str):
        return None
    if kind == "missing":
        return "add it, or see `teamcat schema` for the fields each entry takes"
    return None


def _fields_at(path: PathKey) -> list[str]:
    """Field names of the model that sits at `path` in the catalog, for near-miss hints."""
    model: type[BaseModel] | None = models.Catalog
    for part in path:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = _model_of(info.annotation) if info else None
    return list(model.model_fields) if model else []


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found:
            return found
    return None
