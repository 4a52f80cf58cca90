"""Read YAML into plain Python data while remembering where every node came from.

PyYAML's composer gives a node tree with source marks; this module turns that tree into dicts,
lists and scalars itself, so that it can record a position for every path, refuse duplicate keys
and object-constructing tags, and bound alias expansion (a YAML "billion laughs" document is a
few hundred bytes that expand to gigabytes when constructed naively).

Scalars follow the YAML 1.2 core schema rather than PyYAML's YAML 1.1 rules: `yes`, `on` and
`off` stay strings and `10:30` is a string, not the sexagesimal number 630.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from infra.catalog.findings import Finding, Position

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_ALIAS_NODES = 10_000
MAX_DEPTH = 64

PathKey = tuple[str | int, ...]

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$")
_EMPTY_HINT = "start from the bundled catalog.yaml, or see `teamcat schema`"
_PLAIN_TAGS = {"str", "int", "float", "bool", "null", "timestamp", "map", "seq", "binary"}


@dataclass
class SourceMap:
    """Where each path of a loaded document starts: the value's node and, for keys, the key."""

    file: str
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)

    def at(self, path: PathKey, *, key: bool = False) -> Position:
        """The closest recorded position for `path`, walking up to its parents."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), Position(self.file, 1, 1))


@dataclass
class YamlDocument:
    data: Any
    source: SourceMap


class YamlError(Exception):
    """The file could not be read as YAML; carries the findings that say why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.render() for f in findings))
        self.findings = findings


def _position(file: str, node_or_mark: Any) -> Position:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return Position(file, mark.line + 1, mark.column + 1)


def read_yaml_text(text: str, file: str) -> YamlDocument:
    """Parse one YAML document from `text`; raise YamlError with located findings."""
    if "\t" in text:
        _check_tabs(text, file)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _position(file, mark) if mark else Position(file, 1, 1)
        problem = exc.problem or exc.context or "is not valid YAML"
        raise YamlError(
            [Finding("yaml-syntax", f"invalid YAML: {problem}", pos, _syntax_hint(problem))]
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(
            [Finding("yaml-syntax", f"invalid YAML: {exc}", Position(file, 1, 1))]
        ) from None
    if node is None:
        raise YamlError(
            [Finding("empty-catalog", "the catalog is empty", Position(file, 1, 1), _EMPTY_HINT)]
        )
    builder = _Builder(file)
    data = builder.build(node, (), depth=0, in_alias=False)
    if builder.findings:
        raise YamlError(builder.findings)
    if data is None:
        raise YamlError(
            [Finding("empty-catalog", "the catalog is empty", Position(file, 1, 1), _EMPTY_HINT)]
        )
    return YamlDocument(data, builder.source)


def read_yaml_file(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse `path`, refusing files too large to be a catalog."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlError(
                [
                    Finding(
                        "file-too-large",
                        f"the file is {size:,} bytes; teamcat reads at most {MAX_FILE_BYTES:,}",
                        Position(name, 1, 1),
                        "split the organisation into stacks or remove generated content",
                    )
                ]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlError(
            [
                Finding(
                    "unreadable-file", f"cannot read the file: {exc.strerror}", Position(name, 1, 1)
                )
            ]
        ) from None
    return read_yaml_bytes(raw, name)


def read_yaml_bytes(raw: bytes, file: str) -> YamlDocument:
    """Decode UTF-8 (with or without a byte-order mark) and parse."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlError(
            [
                Finding(
                    "file-too-large",
                    f"the input is {len(raw):,} bytes; teamcat reads at most {MAX_FILE_BYTES:,}",
                    Position(file, 1, 1),
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(
            [
                Finding(
                    "not-utf8",
                    "the file is not UTF-8 text",
                    Position(file, line, col),
                    "save the catalog as UTF-8",
                )
            ]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise YamlError(
            [Finding("not-utf8", "the file contains a NUL byte", Position(file, line, 1))]
        )
    return read_yaml_text(text, file)


def _check_tabs(text: str, file: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            col = len(line) - len(stripped) + 1
            raise YamlError(
                [
                    Finding(
                        "yaml-tab",
                        "a tab is used for indentation",
                        Position(file, number, col),
                        "YAML indents with spaces only; replace the tab with spaces",
                    )
                ]
            )


def _syntax_hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "a value containing `: ` needs quotes, or the indentation is off"
    if "could not find expected ':'" in problem:
        return "check the indentation and that each key ends with `:`"
    if "found undefined alias" in problem:
        return "define the anchor (`&name`) before using it (`*name`)"
    return "check indentation and quoting around this place"


def _short_tag(tag: str) -> str:
    """A tag as the user wrote it: `tag:yaml.org,2002:python/object` -> `!!python/object`."""
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _to_int(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    return sign * int(digits, 10)


class _Builder:
    """Turns a composed node tree into Python data, recording positions and findings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.source = SourceMap(file)
        self.findings: list[Finding] = []
        self.alias_nodes = 0
        self._constructor = yaml.SafeLoader("")
        self._seen: set[int] = set()

    def build(self, node: yaml.Node, path: PathKey, *, depth: int, in_alias: bool) -> Any:
        self.source.values.setdefault(path, _position(self.file, node))
        # An alias is the same node object appearing again in the composed tree; everything
        # reached through a repeat counts towards the expansion limit.
        if id(node) in self._seen:
            in_alias = True
        self._seen.add(id(node))
        if depth > MAX_DEPTH:
            self._fail("yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels", node)
            return None
        if in_alias:
            self.alias_nodes += 1
            if self.alias_nodes > MAX_ALIAS_NODES:
                if self.alias_nodes == MAX_ALIAS_NODES + 1:
                    self._fail(
                        "yaml-alias-limit",
                        f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} nodes",
                        node,
                        "write the repeated parts out, or use fewer nested aliases",
                    )
                return None
        if not self._tag_allowed(node):
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth=depth, in_alias=in_alias)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(child, (*path, index), depth=depth + 1, in_alias=in_alias)
                for index, child in enumerate(node.value)
            ]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: PathKey, *, depth: int, in_alias: bool) -> Any:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self._fail(
                    "yaml-merge-key",
                    "merge keys (`<<`) are not supported",
                    key_node,
                    "write the keys out in full",
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail("yaml-key-type", "a mapping key must be a plain name", key_node)
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in result:
                first = self.source.keys.get(child)
                where = f" (first at line {first.line})" if first else ""
                self._fail(
                    "duplicate-yaml-key",
                    f"the key `{key}` appears twice in one mapping{where}",
                    key_node,
                    "remove one of them; YAML would silently keep only the last",
                )
                continue
            self.source.keys[child] = _position(self.file, key_node)
            result[key] = self.build(value_node, child, depth=depth + 1, in_alias=in_alias)
        return result

    def _tag_allowed(self, node: yaml.Node) -> bool:
        tag = node.tag or ""
        if tag.startswith(_TAG) and tag[len(_TAG) :] in _PLAIN_TAGS:
            return True
        if tag in ("!", "?"):
            return True
        self._fail(
            "yaml-tag",
            f"the YAML tag `{_short_tag(tag)}` is not allowed",
            node,
            "a catalog holds plain data: remove the tag",
        )
        return False

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        value = str(node.value)
        if node.style is not None and node.style != "":
            return value if node.tag == _TAG + "str" else self._explicit(node)
        tag = node.tag[len(_TAG) :] if node.tag.startswith(_TAG) else "str"
        if tag == "str" or node.tag == "!":
            return value
        if _NULL.match(value):
            return None
        if _BOOL.match(value):
            return value.lower() == "true"
        if _INT.match(value):
            return _to_int(value)
        if _FLOAT.match(value) or _SPECIAL_FLOAT.match(value):
            return float(value.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
        if tag == "timestamp":
            return self._timestamp(node)
        if node.tag != self._implicit_tag(value):
            self._fail(
                "yaml-tag",
                f"`{value[:40]}` does not fit its tag `{_short_tag(node.tag)}`",
                node,
                "remove the tag",
            )
            return None
        return value

    def _implicit_tag(self, value: str) -> str:
        """The tag PyYAML's resolver gives `value` when it carries no explicit tag."""
        return str(self._constructor.resolve(yaml.ScalarNode, value, (True, False)))  # type: ignore[no-untyped-call]

    def _timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self._constructor.construct_yaml_timestamp(node)
        except (ValueError, AttributeError, TypeError):
            self._fail(
                "bad-date",
                f"`{node.value}` is not a real date or time",
                node,
                "write dates as YYYY-MM-DD, such as 2026-03-02",
            )
            return None

    def _explicit(self, node: yaml.ScalarNode) -> Any:
        """A quoted or block scalar: a string unless explicitly tagged otherwise."""
        if node.tag in (_TAG + "str", "!", "?") or not node.tag.startswith(_TAG):
            return str(node.value)
        if node.tag == _TAG + "timestamp":
            return self._timestamp(node)
        if node.tag == _TAG + "binary":
            self._fail("yaml-tag", "binary values are not allowed in a catalog", node)
            return None
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, AttributeError):
            self._fail(
                "yaml-tag",
                f"`{str(node.value)[:40]}` does not fit its tag `{_short_tag(node.tag)}`",
                node,
                "remove the tag",
            )
            return None

    def _fail(self, code: str, message: str, node: yaml.Node, hint: str | None = None) -> None:
        self.findings.append(Finding(code, message, _position(self.file, node), hint))
