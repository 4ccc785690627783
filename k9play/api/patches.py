"""Patch formats the apiserver accepts: JSON merge, JSON patch and strategic merge."""

from __future__ import annotations

from typing import Any

from k9play.api.errors import bad_request
from k9play.api.meta import copy_obj

#: Strategic-merge list keys (``patchMergeKey``) by field name, as in the Go types.
MERGE_KEYS: dict[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "ports": "containerPort",
    "conditions": "type",
    "imagePullSecrets": "name",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "ownerReferences": "uid",
    "resourceClaims": "name",
}
#: Primitive lists merged as sets (``patchStrategy:"merge"`` on []string).
MERGED_SCALAR_LISTS = frozenset({"finalizers"})


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, ``null`` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy_obj(patch)
    result = copy_obj(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise bad_request(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc: Any, parts: list[str]) -> Any:
    cur = doc
    for p in parts:
        if isinstance(cur, list):
            cur = cur[int(p)]
        else:
            cur = cur[p]
    return cur


def json_patch(target: Any, ops: list[dict[str, Any]]) -> Any:
    """RFC 6902 operations: add, remove, replace, move, copy, test."""
    doc = copy_obj(target)
    for op in ops:
        kind = op.get("op")
        parts = _pointer(op.get("path", ""))
        try:
            if kind == "test":
                if _walk(doc, parts) != op.get("value"):
                    raise bad_request("the server rejected our request due to an error in our request: "
                                      f"test failed at {op['path']}")
                continue
            if kind in ("move", "copy"):
                src = _pointer(op["from"])
                value = copy_obj(_walk(doc, src))
                if kind == "move":
                    parent = _walk(doc, src[:-1])
                    del parent[int(src[-1]) if isinstance(parent, list) else src[-1]]
                doc = _set(doc, parts, value, insert=True)
                continue
            if kind == "add":
                doc = _set(doc, parts, copy_obj(op.get("value")), insert=True)
            elif kind == "replace":
                _walk(doc, parts)  # must exist
                doc = _set(doc, parts, copy_obj(op.get("value")), insert=False)
            elif kind == "remove":
                parent = _walk(doc, parts[:-1])
                del parent[int(parts[-1]) if isinstance(parent, list) else parts[-1]]
            else:
                raise bad_request(f"Unexpected kind: {kind}")
        except (KeyError, IndexError, ValueError, TypeError):
            raise bad_request(f"the server rejected our request due to an error in our request: "
                              f"doc is missing path: \"{op.get('path')}\"") from None
    return doc


def _set(doc: Any, parts: list[str], value: Any, *, insert: bool) -> Any:
    if not parts:
        return value
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        idx = len(parent) if last == "-" else int(last)
        if insert:
            parent.insert(idx, value)
        else:
            parent[idx] = value
    else:
        parent[last] = value
    return doc


def strategic_merge_patch(target: Any, patch: Any, field: str = "") -> Any:
    """Strategic merge: like a merge patch, but lists with a merge key merge element-wise,
    honouring the ``$patch: delete|replace`` and ``$setElementOrder`` directives."""
    if not isinstance(patch, dict):
        return copy_obj(patch)
    if patch.get("$patch") == "replace":
        return {k: copy_obj(v) for k, v in patch.items() if k != "$patch"}
    result = copy_obj(target) if isinstance(target, dict) else {}
    orders = {k.split("/", 1)[1]: v for k, v in patch.items() if k.startswith("$setElementOrder/")}
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and key in MERGE_KEYS and isinstance(result.get(key), list):
            result[key] = _merge_list(result[key], value, MERGE_KEYS[key], key, orders.get(key))
        elif isinstance(value, list) and key in MERGED_SCALAR_LISTS and isinstance(result.get(key), list):
            merged = list(result[key])
            merged += [v for v in value if v not in merged]
            result[key] = merged
        elif isinstance(value, dict):
            result[key] = strategic_merge_patch(result.get(key), value, key)
        else:
            result[key] = copy_obj(value)
    return result


def _merge_list(current: list[Any], patch: list[Any], merge_key: str, field: str,
                order: list[Any] | None) -> list[Any]:
    out = [copy_obj(x) for x in current]
    for item in patch:
        if not isinstance(item, dict) or merge_key not in item:
            out.append(copy_obj(item))
            continue
        idx = next((i for i, x in enumerate(out) if isinstance(x, dict) and x.get(merge_key) == item[merge_key]), None)
        if item.get("$patch") == "delete":
            if idx is not None:
                del out[idx]
            continue
        if idx is None:
            out.append({k: copy_obj(v) for k, v in item.items() if k != "$patch"})
        else:
            out[idx] = strategic_merge_patch(out[idx], item, field)
    if order:
        keys = [o.get(merge_key) for o in order if isinstance(o, dict)]
        rank = {k: i for i, k in enumerate(keys)}
        out.sort(key=lambda x: rank.get(x.get(merge_key) if isinstance(x, dict) else None, len(rank)))
    return out
