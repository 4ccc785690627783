"""Parse manifest files into objects that remember where they came from.

YAML is loaded with a safe loader only (no tags that build Python objects). Each object
keeps its file, document line and a map from field path to line, so any later error —
YAML syntax, schema, admission — can be reported as ``file:line:col: reason``.
Unquoted timestamps stay strings, as Kubernetes' YAML→JSON conversion keeps them.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is several times faster; fall back to pure Python
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
MAX_FILE_BYTES = 4 * 1024 * 1024


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader whose timestamps stay strings (as in Kubernetes' YAML→JSON)."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


@dataclass
class Document:
    """One object from a manifest file."""

    obj: dict[str, Any]
    path: Path
    index: int
    line: int
    col: int = 1
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)

    def position(self, field_path: str | None) -> tuple[int, int]:
        """(line, col) of a field path like ``spec.template.spec.containers[0].image``."""
        if not field_path:
            return self.line, self.col
        probe = field_path
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return self.line, self.col

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind", ""))

    @property
    def name(self) -> str:
        return str((self.obj.get("metadata") or {}).get("name", ""))

    @property
    def namespace(self) -> str:
        return str((self.obj.get("metadata") or {}).get("namespace", "") or "")


@dataclass
class LoadError:
    """A problem tied to a place in a file."""

    path: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}:{self.col}: {self.message}"


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the working directory when inside it."""
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except (ValueError, OSError):
            pass
    return str(path)


def _index_lines(node: yaml.Node, prefix: str, out: dict[str, tuple[int, int]],
                 duplicates: list[tuple[yaml.Node, yaml.Node]]) -> None:
    """Record (line, col) per field path, and every key repeated in one mapping."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value in seen and key_node.value != "<<":
                duplicates.append((key_node, seen[key_node.value]))
            seen[key_node.value] = key_node
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            out[path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _index_lines(value_node, path, out, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = f"{prefix}[{i}]"
            out[path] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _index_lines(item, path, out, duplicates)


def _yaml_error(path: Path, exc: yaml.YAMLError) -> LoadError:
    """Place a syntax error where the parser gave up, and say where the open construct began."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark is not mark:
        context = f"{context} (started at line {context_mark.line + 1}, column {context_mark.column + 1})"
    msg = f"{context}: {problem}" if context and problem else str(problem)
    return LoadError(path, line, col, f"YAML syntax error: {msg}")


def parse_text(text: str, path: Path) -> tuple[list[Document], list[LoadError]]:
    """Parse every document of one file's text."""
    docs: list[Document] = []
    errs: list[LoadError] = []
    loader = _Loader(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            obj = loader.construct_document(node)
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
            if obj is None:
                index += 1
                continue
            lines: dict[str, tuple[int, int]] = {}
            duplicates: list[tuple[yaml.Node, yaml.Node]] = []
            _index_lines(node, "", lines, duplicates)
            if duplicates:  # kubectl's YAML→JSON conversion is strict about repeated keys
                for again, first in duplicates:
                    errs.append(LoadError(path, again.start_mark.line + 1, again.start_mark.column + 1,
                                          "error converting YAML to JSON: yaml: unmarshal errors: mapping key "
                                          f'"{again.value}" already defined at line {first.start_mark.line + 1}'))
                index += 1
                continue
            docs.extend(_objects_of(obj, path, index, line, col, lines, errs))
            index += 1
    except yaml.YAMLError as exc:
        errs.append(_yaml_error(path, exc))
    finally:
        loader.dispose()
    return docs, errs


def _objects_of(obj: Any, path: Path, index: int, line: int, col: int, lines: dict[str, tuple[int, int]],
                errs: list[LoadError]) -> list[Document]:
    if not isinstance(obj, dict):
        errs.append(LoadError(path, line, col, "expected a Kubernetes object (a mapping with apiVersion and kind), "
                                               f"found a {type(obj).__name__}"))
        return []
    if obj.get("kind") == "List" or (isinstance(obj.get("kind"), str) and obj["kind"].endswith("List")
                                     and isinstance(obj.get("items"), list)):
        out = []
        for i, item in enumerate(obj.get("items") or []):
            sub = {k[len(f"items[{i}]") + 1:]: v for k, v in lines.items() if k.startswith(f"items[{i}].")}
            iline, icol = lines.get(f"items[{i}]", (line, col))
            out += _objects_of(item, path, index, iline, icol, sub, errs)
        return out
    missing = [f for f in ("apiVersion", "kind") if not obj.get(f)]
    if missing:
        errs.append(LoadError(path, line, col, "error validating data: [" +
                              ", ".join(f"{f} not set" for f in missing) + "]"))
        return []
    for f in ("apiVersion", "kind"):
        if not isinstance(obj[f], str):
            pos = lines.get(f, (line, col))
            errs.append(LoadError(path, pos[0], pos[1], f"json: cannot unmarshal {_json_type(obj[f])} into Go struct "
                                                        f"field .{f} of type string"))
            return []
    if obj.get("metadata", {}) is None:
        obj["metadata"] = {}  # `metadata:` with nothing under it
    if not isinstance(obj.get("metadata", {}), dict):
        pos = lines.get("metadata", (line, col))
        errs.append(LoadError(path, pos[0], pos[1], "metadata must be a mapping"))
        return []
    _stringify_keys(obj)
    return [Document(obj, path, index, line, col, lines)]


def _json_type(value: Any) -> str:
    """Go's name for a JSON value's type in unmarshal errors."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return {dict: "object", list: "array", str: "string"}.get(type(value), "value")


def _stringify_keys(value: Any) -> None:
    """YAML allows non-string keys (``1: a``); JSON objects do not."""
    if isinstance(value, dict):
        for k in list(value):
            v = value[k]
            if not isinstance(k, str):
                del value[k]
                value["true" if k is True else "false" if k is False else str(k)] = v
            _stringify_keys(v)
    elif isinstance(value, list):
        for v in value:
            _stringify_keys(v)


def read_manifest_text(path: Path) -> str:
    """Read a file as UTF-8 text, refusing what cannot be a manifest (with a reason)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"file is too large for a manifest ({size} bytes; limit {MAX_FILE_BYTES})")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ValueError("binary file, not a YAML or JSON manifest")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})") from None


def load_file(path: Path) -> tuple[list[Document], list[LoadError]]:
    """Parse one manifest file; never raises for bad content."""
    try:
        text = read_manifest_text(path)
    except FileNotFoundError:
        if path.is_symlink():
            return [], [LoadError(path, 1, 1, f"broken symlink: it points to {os.readlink(path)}, which does not "
                                              "exist")]
        return [], [LoadError(path, 1, 1, "file disappeared while being read")]
    except PermissionError:
        return [], [LoadError(path, 1, 1, "permission denied: k9play cannot read this file")]
    except OSError as e:
        if e.errno == errno.ELOOP:
            return [], [LoadError(path, 1, 1, "symlink loop: following this link leads back to itself")]
        if e.errno == errno.EISDIR:
            return [], [LoadError(path, 1, 1, "is a directory, not a manifest file")]
        return [], [LoadError(path, 1, 1, f"cannot read the file: {e.strerror or e}")]
    except ValueError as e:
        return [], [LoadError(path, 1, 1, str(e))]
    if path.suffix == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as e:
            return [], [LoadError(path, e.lineno, e.colno, f"JSON syntax error: {e.msg}")]
    return parse_text(text, path)


def iter_manifest_files(paths: Iterable[Path]) -> list[Path]:
    """Manifest files under the given files and folders (recursive, hidden folders skipped)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_file() or (p.is_symlink() and not p.exists()):
            files = [p]
        elif p.is_dir():
            # links that lead nowhere (broken, or in a loop) are kept so that loading says why
            files = [f for f in sorted(p.rglob("*")) if (f.is_file() or (f.is_symlink() and not f.exists()))
                     and f.suffix in MANIFEST_SUFFIXES
                     and not any(part.startswith(".") for part in f.relative_to(p).parts)]
        else:
            continue
        for f in files:
            try:
                r = f.resolve()
            except (OSError, RuntimeError):  # a symlink loop
                r = f.absolute()
            if r not in seen:
                seen.add(r)
                out.append(f)
    return out


def load_paths(paths: Iterable[Path]) -> tuple[list[Document], list[LoadError]]:
    docs: list[Document] = []
    errs: list[LoadError] = []
    for f in iter_manifest_files(paths):
        d, e = load_file(f)
        docs += d
        errs += e
    return docs, errs
