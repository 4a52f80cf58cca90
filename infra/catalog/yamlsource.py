"""Read YAML into plain Python data while remembering where every node came from.

PyYAML's composer gives a node tree with source marks; this module turns that tree into dicts,
lists and scalars itself, so that it can record a position for every path, refuse duplicate keys
and object-constructing tags, and bound alias expansion (a YAML "billion laughs" document is a
few hundred bytes that expand to gigabytes when constructed naively).

Scalars follow the YAML 1.2 core schema rather than PyYAML's YAML 1.1 rules: `yes`, `on` and
`off` stay strings and `10:30` is a string, not the sexagesimal number 630.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
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
_INF = ("inf", "Inf", "INF")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {
    **{f"{sign}.{word}": float(f"{sign}inf") for sign in ("", "+", "-") for word in _INF},
    **{f".{word}": float("nan") for word in ("nan", "NaN", "NAN")},
}
# PyYAML breaks lines at these too; editors break at the first three only.
_EDITOR_BREAK = re.compile(r"\r\n|\r|\n")
_UNUSUAL_BREAK = re.compile("[\x85\u2028\u2029]")
_GENERIC_HINT = "check indentation and quoting around this place"
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


class _Locator:
    """File positions of PyYAML marks, with lines as editors count them.

    PyYAML also breaks lines at U+0085, U+2028 and U+2029, which editors show inside a line;
    when the text holds any of them, positions are counted from the mark's offset instead.
    """

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self._starts: list[int] | None = None
        if _UNUSUAL_BREAK.search(text):
            self._starts = [0, *(m.end() for m in _EDITOR_BREAK.finditer(text))]

    def __call__(self, node_or_mark: Any) -> Position:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        if self._starts is None:
            return Position(self.file, mark.line + 1, mark.column + 1)
        line = bisect.bisect_right(self._starts, mark.index)
        return Position(self.file, line, mark.index - self._starts[line - 1] + 1)


def _offset_position(file: str, text: str, index: int) -> Position:
    line_start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    line = len(_EDITOR_BREAK.findall(text, 0, line_start)) + 1
    return Position(file, line, index - line_start + 1)


def read_yaml_text(text: str, file: str) -> YamlDocument:
    """Parse one YAML document from `text`; raise YamlError with located findings."""
    if "\t" in text:
        _check_tabs(text, file)
    locate = _Locator(file, text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlError([_syntax_finding(exc, locate)]) from None
    except yaml.reader.ReaderError as exc:
        raise YamlError(
            [
                Finding(
                    "control-character",
                    f"YAML does not allow the control character U+{exc.character:04X} here",
                    _offset_position(file, text, exc.position),
                    "remove it; inside double quotes an escape such as `\\t` is allowed",
                )
            ]
        ) from None
    except yaml.YAMLError:
        raise YamlError(
            [Finding("yaml-syntax", "invalid YAML", Position(file, 1, 1), _GENERIC_HINT)]
        ) from None
    if node is None:
        raise YamlError(
            [Finding("empty-catalog", "the catalog is empty", Position(file, 1, 1), _EMPTY_HINT)]
        )
    builder = _Builder(locate)
    data = builder.build(node, (), depth=0, in_alias=False)
    if builder.findings:
        raise YamlError(builder.findings)
    if data is None:
        raise YamlError(
            [Finding("empty-catalog", "the catalog is empty", Position(file, 1, 1), _EMPTY_HINT)]
        )
    return YamlDocument(data, builder.source)


def _syntax_finding(exc: yaml.MarkedYAMLError, locate: _Locator) -> Finding:
    """A parser error in plain words, at the place it points to."""
    mark = exc.problem_mark or exc.context_mark
    pos = locate(mark) if mark else Position(locate.file, 1, 1)
    problem = exc.problem or exc.context or "is not valid YAML"
    context = exc.context or ""
    if "duplicate anchor" in context and exc.context_mark is not None:
        first = locate(exc.context_mark)
        return Finding(
            "yaml-syntax",
            f"invalid YAML: this anchor (`&name`) was already defined at {first.line}:{first.col}",
            pos,
            "give each anchor its own name; an alias (`*name`) refers to the last one defined",
        )
    if "another document" in problem:
        return Finding(
            "yaml-syntax",
            "invalid YAML: a second document starts here; a catalog is one YAML document",
            pos,
            "remove this `---` line and move what follows into the one document, or split it "
            "into its own catalog file",
        )
    return Finding("yaml-syntax", f"invalid YAML: {problem}", pos, _syntax_hint(problem))


def read_yaml_file(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse `path`, refusing files too large to be a catalog."""
    name = display or str(path)
    return read_yaml_bytes(read_catalog_bytes(path, name), name)


def read_catalog_bytes(path: Path, name: str) -> bytes:
    """The bytes of the regular file at `path`; raise YamlError for anything else.

    A FIFO, a device such as /dev/zero or a directory would hang, exhaust memory or fail with
    an unhelpful message, so only regular files are read, and never more than one byte past
    the size limit (a file can grow between `stat` and `read`).
    """
    try:
        # O_NONBLOCK keeps opening a FIFO with no writer from waiting forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise YamlError([_unreadable(name, _reason(exc))]) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise YamlError([_unreadable(name, _not_a_file(path, mode))])
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise YamlError([_unreadable(name, _reason(exc))]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise YamlError(
            [
                Finding(
                    "file-too-large",
                    f"the file is larger than {MAX_FILE_BYTES:,} bytes, the most teamcat reads",
                    Position(name, 1, 1),
                    "split the organisation into stacks or remove generated content",
                )
            ]
        )
    return raw


def _unreadable(name: str, reason: str) -> Finding:
    return Finding(
        "unreadable-file",
        f"cannot read the catalog: {reason}",
        Position(name, 1, 1),
        "pass the catalog file's path, e.g. `teamcat validate catalog.yaml`",
    )


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _not_a_file(path: Path, mode: int) -> str:
    if stat.S_ISDIR(mode):
        # Path("") is ".", so an empty argument arrives here as the current directory.
        empty = " (an empty path means the current directory)" if str(path) == "." else ""
        return f"it is a directory, not a file{empty}"
    return "it is not a regular file (a pipe, device or socket)"


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
    return _GENERIC_HINT


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

    def __init__(self, locate: _Locator) -> None:
        self.file = locate.file
        self._locate = locate
        self.source = SourceMap(locate.file)
        self.findings: list[Finding] = []
        self.alias_nodes = 0
        self._constructor = yaml.SafeLoader("")
        self._seen: set[int] = set()

    def build(self, node: yaml.Node, path: PathKey, *, depth: int, in_alias: bool) -> Any:
        self.source.values.setdefault(path, self._locate(node))
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
            self.source.keys[child] = self._locate(key_node)
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
        if node.tag == self._implicit_tag(value):
            return self._core_schema(node, value, tag)
        return self._explicit_plain(node, value, tag)

    def _explicit_plain(self, node: yaml.ScalarNode, value: str, tag: str) -> Any:
        """A plain scalar with an explicit tag (`!!int 3`): read as the tag says, if it fits."""
        if tag == "str" or node.tag == "!":
            return value
        if tag == "float" and (_INT.match(value) or _FLOAT.match(value) or value in _SPECIAL_FLOAT):
            number = self._core_schema(node, value, tag)
            return None if number is None else float(number)
        patterns = {"null": _NULL, "bool": _BOOL, "int": _INT}
        if tag == "timestamp" or (tag in patterns and patterns[tag].match(value)):
            return self._core_schema(node, value, tag)
        self._fail(
            "yaml-tag",
            f"`{value[:40]}` does not fit its tag `{_short_tag(node.tag)}`",
            node,
            "remove the tag",
        )
        return None

    def _core_schema(self, node: yaml.ScalarNode, value: str, tag: str) -> Any:
        """An untagged plain scalar, read by the YAML 1.2 core schema.

        PyYAML resolves with YAML 1.1 rules (`yes` is true, `0o17` a string, `10:30` the
        number 630); the catalog is read as YAML 1.2 instead. Dates stay dates: PyYAML's
        timestamp resolution is kept because rotation anchors are written as dates.
        """
        if _NULL.match(value):
            return None
        if _BOOL.match(value):
            return value.lower() == "true"
        if _INT.match(value):
            return self._int(node, value)
        if value in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[value]
        if _FLOAT.match(value):
            return float(value)
        if tag == "timestamp":
            return self._timestamp(node)
        return value

    def _int(self, node: yaml.ScalarNode, value: str) -> Any:
        try:
            return _to_int(value)
        except ValueError:  # Python refuses to convert integers of more than 4,300 digits
            self._fail("yaml-number", "this number is too long to be read", node, "shorten it")
            return None

    def _implicit_tag(self, value: str) -> str:
        """The tag PyYAML's resolver gives `value` when it carries no explicit tag."""
        return str(self._constructor.resolve(yaml.ScalarNode, value, (True, False)))  # type: ignore[no-untyped-call]

    def _timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self._constructor.construct_yaml_timestamp(node)
        except (ValueError, AttributeError, TypeError, OverflowError):
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
        except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError):
            self._fail(
                "yaml-tag",
                f"`{str(node.value)[:40]}` does not fit its tag `{_short_tag(node.tag)}`",
                node,
                "remove the tag",
            )
            return None

    def _fail(self, code: str, message: str, node: yaml.Node, hint: str | None = None) -> None:
        self.findings.append(Finding(code, message, self._locate(node), hint))
