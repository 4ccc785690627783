"""Loading a demo file: a small YAML mapping (``description``, ``steps``) checked step by step.

Errors name the file and the line of the offending step (``demo.yaml:7: …``), because a
demo that fails halfway through a screencast is far worse than one refused at load time.
Only ``yaml.SafeLoader`` is used: a demo file can build plain data, never Python objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from k9play.cli import parse_duration

#: Step kinds and what their value must be (for error messages).
STEP_KINDS: dict[str, str] = {
    "apply": "a path or a list of paths (relative to the demo file or to sample-manifests/)",
    "write": "a mapping {path, content}",
    "edit": "a mapping {path, replace: {old: new}}",
    "advance": "a duration such as 30s or 2m",
    "press": "a key name or a list of Textual key names (colon, d, escape, ctrl+l …)",
    "type": "a string, typed character by character",
    "say": "a caption (a string)",
    "expect": "a mapping {text: …} or {pattern: REGEX}",
    "snapshot": "a key frame name (letters, digits, - and _)",
    "sim": "one `k9play sim` command line (kubectl …, fault …, load …)",
}
#: Keys allowed at the top of a demo file.
TOP_KEYS = ("description", "title", "nodes", "steps")


class DemoError(Exception):
    """A demo file that cannot be loaded, or a step that failed while playing."""


@dataclass(frozen=True)
class Step:
    """One step: its kind, its (checked) value and where it is written."""

    kind: str
    value: Any
    line: int
    file: Path

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def __str__(self) -> str:
        return f"step {self.kind} at {self.where}"


@dataclass(frozen=True)
class Demo:
    """A loaded demo file."""

    name: str
    path: Path
    description: str
    steps: list[Step] = field(default_factory=list)
    nodes: int = 2

    @property
    def snapshots(self) -> list[str]:
        return [s.value for s in self.steps if s.kind == "snapshot"]


def load_demo(path: Path | str) -> Demo:
    """Read and check a demo file; :class:`DemoError` with ``file:line: reason`` if it is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DemoError(f"{path}: cannot read: {e}") from e
    return parse_demo(text, path)


def parse_demo(text: str, path: Path) -> Demo:
    """Parse a demo's text (``path`` names it in errors and anchors its relative paths)."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None or not isinstance(root, yaml.MappingNode):
            line = root.start_mark.line + 1 if root is not None else 1
            raise DemoError(f"{path}:{line}: a demo is a mapping with description and steps")
        top: dict[str, tuple[yaml.Node, Any]] = {}
        for key_node, value_node in root.value:
            key = loader.construct_object(key_node, deep=True)
            if key not in TOP_KEYS:
                raise DemoError(f"{path}:{key_node.start_mark.line + 1}: unknown key {key!r} "
                                f"(expected {', '.join(TOP_KEYS)})")
            top[key] = (value_node, loader.construct_object(value_node, deep=True))
        description = top.get("description", (root, None))[1]
        if not isinstance(description, str) or not description.strip():
            raise DemoError(f"{path}:{root.start_mark.line + 1}: description: a one-line text is required")
        nodes = top.get("nodes", (root, 2))[1]
        if not isinstance(nodes, int) or not 1 <= nodes <= 10:
            raise DemoError(f"{path}:{top['nodes'][0].start_mark.line + 1}: nodes: a number from 1 to 10")
        if "steps" not in top or not isinstance(top["steps"][0], yaml.SequenceNode) or not top["steps"][1]:
            line = top["steps"][0].start_mark.line + 1 if "steps" in top else root.start_mark.line + 1
            raise DemoError(f"{path}:{line}: steps: a list of steps is required")
        steps = [_step(loader, node, path) for node in top["steps"][0].value]
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "1"
        raise DemoError(f"{path}:{line}: invalid YAML: {getattr(e, 'problem', None) or e}") from e
    finally:
        loader.dispose()
    return Demo(name=path.stem, path=path, description=description.strip().splitlines()[0], steps=steps, nodes=nodes)


def _step(loader: yaml.SafeLoader, node: yaml.Node, path: Path) -> Step:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        raise DemoError(f"{path}:{line}: a step is a mapping with one key, the step kind "
                        f"({', '.join(STEP_KINDS)})")
    kind = loader.construct_object(node.value[0][0], deep=True)
    value = loader.construct_object(node.value[0][1], deep=True)
    if kind not in STEP_KINDS:
        raise DemoError(f"{path}:{line}: unknown step kind {kind!r} (expected one of {', '.join(STEP_KINDS)})")
    checked = _check(kind, value)
    if checked is None:
        raise DemoError(f"{path}:{line}: {kind}: expected {STEP_KINDS[kind]}, got {value!r}")
    return Step(kind, checked, line, path)


def _check(kind: str, value: Any) -> Any | None:
    """The step's value in its canonical form, or None if it has the wrong shape."""
    if kind == "apply":
        paths = [value] if isinstance(value, str) else value
        ok = isinstance(paths, list) and paths and all(isinstance(p, str) and p for p in paths)
        return list(paths) if ok else None
    if kind == "write":
        ok = isinstance(value, dict) and set(value) == {"path", "content"} and \
            isinstance(value["path"], str) and isinstance(value["content"], str)
        return value if ok else None
    if kind == "edit":
        replace = value.get("replace") if isinstance(value, dict) else None
        ok = isinstance(value, dict) and set(value) == {"path", "replace"} and isinstance(value["path"], str) \
            and isinstance(replace, dict) and replace and all(isinstance(k, str) and isinstance(v, str)
                                                               for k, v in replace.items())
        return value if ok else None
    if kind == "advance":
        try:
            seconds = parse_duration(str(value))
        except ValueError:
            return None
        return seconds if seconds > 0 else None
    if kind == "press":
        keys = [value] if isinstance(value, str) else value
        ok = isinstance(keys, list) and keys and all(isinstance(k, str) and k for k in keys)
        return list(keys) if ok else None
    if kind in ("type", "say", "sim"):
        return value if isinstance(value, str) and value else None
    if kind == "expect":
        if not (isinstance(value, dict) and len(value) == 1 and set(value) <= {"text", "pattern"}):
            return None
        (key, wanted), = value.items()
        if not isinstance(wanted, str) or not wanted:
            return None
        if key == "pattern":  # what differs from run to run (pod IPs, generated names) is matched, not spelled
            try:
                re.compile(wanted)
            except re.error:
                return None
        return value
    ok = isinstance(value, str) and value.replace("-", "").replace("_", "").isalnum()  # snapshot
    return value if ok else None


def demos_folder() -> Path:
    """The bundled demos (installed wheel or source checkout)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "demos", here.parent / "demos"):
        if candidate.is_dir():
            return candidate
    return here.parent / "demos"


def bundled_demos() -> list[Path]:
    return sorted(demos_folder().glob("*.yaml"))


def find_demo(name: str) -> Path:
    """A demo by name (``rolling-update``) or by path to its file."""
    as_path = Path(name)
    if as_path.suffix in (".yaml", ".yml") and as_path.is_file():
        return as_path
    candidate = demos_folder() / f"{name}.yaml"
    if candidate.is_file():
        return candidate
    names = ", ".join(p.stem for p in bundled_demos())
    raise DemoError(f'no demo named "{name}" (demos: {names})')
