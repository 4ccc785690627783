"""Output formats of ``kubectl get``: tables (with kubectl's tabwriter spacing), YAML
(go-yaml style: sorted keys, double-quoted strings when needed), JSON and ``-o name``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from k9play.api import resources
from k9play.api.meta import Obj, labels_of
from k9play.kubectl.columns import Column, columns_for

#: kubectl's tabwriter: minwidth 6, padding 3, pad with spaces.
MIN_WIDTH = 6
PADDING = 3


def tabulate(rows: Sequence[Sequence[str]]) -> str:
    """Format rows like Go's ``text/tabwriter`` as kubectl configures it."""
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    widths = [0] * ncols
    for r in rows:
        for i, cell in enumerate(r[:-1]):
            widths[i] = max(widths[i], len(cell) + PADDING, MIN_WIDTH)
    lines = []
    for r in rows:
        parts = [cell.ljust(widths[i]) for i, cell in enumerate(r[:-1])]
        parts.append(r[-1] if r else "")
        lines.append("".join(parts))
    return "\n".join(lines) + "\n"


def _format_labels(obj: Obj) -> str:
    labels = labels_of(obj)
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


def table_rows(
    kind: str,
    objs: Iterable[Obj],
    now: float,
    *,
    wide: bool = False,
    all_namespaces: bool = False,
    show_labels: bool = False,
    with_kind: bool = False,
    no_headers: bool = False,
    label_columns: Sequence[str] = (),
) -> list[list[str]]:
    cols: list[Column] = columns_for(kind, wide=wide)
    rt = resources.by_kind(kind)
    header = [c.name for c in cols]
    if all_namespaces and rt.namespaced:
        header.insert(0, "NAMESPACE")
    header += [lc.upper().rsplit("/", 1)[-1] for lc in label_columns]
    if show_labels:
        header.append("LABELS")
    rows = [] if no_headers else [header]
    for obj in objs:
        row = [c.render(obj, now) for c in cols]
        if with_kind and cols and cols[0].name == "NAME":
            row[0] = f"{rt.qualified_kind}/{row[0]}"
        if all_namespaces and rt.namespaced:
            row.insert(0, obj["metadata"].get("namespace", ""))
        row += [labels_of(obj).get(lc, "") for lc in label_columns]
        if show_labels:
            row.append(_format_labels(obj))
        rows.append(row)
    return rows


def print_table(kind: str, objs: Iterable[Obj], now: float, **kwargs: Any) -> str:
    return tabulate(table_rows(kind, objs, now, **kwargs))


# ----------------------------------------------------------------------- YAML
class _Dumper(yaml.SafeDumper):
    """go-yaml v2 style, as ``kubectl -o yaml`` prints."""


_PLAIN_UNSAFE = re.compile(r"^(?:[-+]?\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+|0x[0-9a-fA-F]+|0o[0-7]+|"
                           r"~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|"
                           r"on|On|ON|off|Off|OFF|y|Y|n|N|\.inf|\.nan|-\.inf|\d{4}-\d\d?-\d\d?.*)$")


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    if data == "" or _PLAIN_UNSAFE.match(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_representer)


def to_yaml(obj: Any) -> str:
    """Serialise like ``kubectl get -o yaml`` (keys sorted, block style)."""
    return yaml.dump(obj, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True, width=10**9)


def to_json(obj: Any) -> str:
    """kubectl's JSON printer: Go's ``json.MarshalIndent`` of the object as a map — keys sorted,
    four spaces, and ``<``, ``>``, ``&`` escaped as Go escapes them for HTML safety."""
    text = json.dumps(obj, indent=4, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def list_wrapper(items: list[Obj]) -> Obj:
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def name_line(obj: Obj) -> str:
    rt = resources.by_kind(obj["kind"])
    return f"{rt.qualified_kind}/{obj['metadata']['name']}"
