"""User key bindings: ``$XDG_CONFIG_HOME/k9play/keymap.yaml`` maps binding ids to keys.

k9s cannot remap its own keys (derailed/k9s#625, #3884); Textual can, through binding ids
and ``App.set_keymap``. This module reads the file and checks it *before* handing it to
Textual, because Textual resolves a clash by silently dropping the other binding. Every
entry that would shadow another action on the same focus chain (the table, then the
screen), that lands on a reserved key, or names no binding is left out and reported — the
app shows the report in the flash line at start.

File format (YAML): ``binding-id: keys`` with Textual key names, comma-separated or a list::

    k9play.describe: D
    k9play.table.down: [j, down, ctrl+n]
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from textual.binding import Binding, BindingType
from textual.keys import _normalize_key_list

#: keys nobody may take: the ways out of anything
RESERVED = {"ctrl+c": "quit", "ctrl+q": "quit", "escape": "back/cancel"}

_KEY = re.compile(r"((ctrl|shift|alt|meta|super|hyper)\+)*([a-z0-9_@]+|[A-Z]|f\d{1,2})")

Scope = tuple[str, Sequence[BindingType]]  # (name for messages, a class's merged BINDINGS)


def keymap_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "k9play" / "keymap.yaml"


@dataclass
class KeymapReport:
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One flash line: the first problem and how many more there are."""
        if not self.problems:
            return ""
        more = len(self.problems) - 1
        return "keymap: " + self.problems[0] + (f" (+{more} more)" if more else "")


def _bindings(scope: Sequence[BindingType]) -> list[Binding]:
    return [b for b in scope if isinstance(b, Binding)]


def _keys(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ",".join(value)
    return None


def check_keymap(raw: Mapping[object, object], chains: Iterable[Sequence[Scope]]) -> KeymapReport:
    """Keep the entries that are safe to apply; explain the others."""
    chains = [list(c) for c in chains]
    known: dict[str, Binding] = {}
    for chain in chains:
        for _, scope in chain:
            for b in _bindings(scope):
                if b.id:
                    known[b.id] = b
    report = KeymapReport()
    wanted: dict[str, list[str]] = {}
    for bid, value in raw.items():
        keys = _keys(value)
        if not isinstance(bid, str) or keys is None:
            report.problems.append(f"{bid!r}: expected `binding-id: keys`")
            continue
        if bid not in known:
            report.problems.append(f"unknown binding id {bid!r}")
            continue
        normal = [k for k in _normalize_key_list(keys).split(",") if k]
        bad = [k for k in normal if not _KEY.fullmatch(k)]
        if bad or not normal:
            report.problems.append(f"{bid}: {', '.join(bad) or repr(keys)} is not a key name")
            continue
        taken = [k for k in normal if k in RESERVED]
        if taken:
            report.problems.append(f"{bid}: {taken[0]} is reserved ({RESERVED[taken[0]]})")
            continue
        wanted[bid] = normal
    rejected: set[str] = set()
    for chain in chains:
        rejected |= _clashes(chain, wanted, report.problems)
    report.keymap = {bid: ",".join(keys) for bid, keys in wanted.items() if bid not in rejected}
    return report


def _clashes(chain: Sequence[Scope], wanted: dict[str, list[str]], problems: list[str]) -> set[str]:
    """Remaps that put two actions on one key somewhere along one focus chain.

    A rejected remap falls back to its default keys, which may settle another clash, so
    placement is recomputed after each rejection."""
    defaults: dict[str, set[str]] = {}
    for _, scope in chain:
        for b in _bindings(scope):
            if b.id:
                defaults.setdefault(b.id, set()).update(k.strip() for k in b.key.split(","))
    accepted = {bid: keys for bid, keys in wanted.items() if bid in defaults}
    rejected: set[str] = set()
    while True:
        clash = _first_clash(chain, accepted, defaults)
        if clash is None:
            return rejected
        bid, key, other, scope_name = clash
        label = other.id or f"{other.action} in {scope_name}"
        problems.append(f"{bid}: {key} is already {label} ({other.description or other.action})")
        for loser in (bid, other.id if other.id in accepted and key not in defaults.get(other.id, set()) else None):
            if loser is not None:
                rejected.add(loser)
                accepted.pop(loser, None)


def _first_clash(chain: Sequence[Scope], accepted: dict[str, list[str]],
                 defaults: dict[str, set[str]]) -> tuple[str, str, Binding, str] | None:
    placed: dict[str, list[tuple[str, Binding]]] = {}  # key → (scope, binding) with the keymap applied
    for name, scope in chain:
        for b in _bindings(scope):
            for k in accepted.get(b.id or "", [k.strip() for k in b.key.split(",")]):
                placed.setdefault(k, []).append((name, b))
    for bid, keys in accepted.items():
        for k in keys:
            if k in defaults[bid]:
                continue  # a key it had anyway: any sharing was there before the keymap
            mine = next((b for _, b in placed[k] if b.id == bid), None)
            for scope_name, other in placed[k]:
                if other.id != bid and mine is not None and other.action != mine.action:
                    return bid, k, other, scope_name
    return None


def load_keymap(chains: Iterable[Sequence[Scope]], path: Path | None = None) -> KeymapReport:
    """Read and check the user's keymap file (a missing file is an empty keymap)."""
    path = path or keymap_path()
    if not path.exists():
        return KeymapReport()
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as e:
        return KeymapReport(problems=[f"{path}: {str(e).splitlines()[0]}"])
    if not isinstance(raw, dict):
        return KeymapReport(problems=[f"{path}: expected a mapping of binding ids to keys"])
    return check_keymap(raw, chains)
