"""``kubectl apply`` semantics: create, or patch by a three-way merge of the last applied
configuration, the new manifest and the live object.

A field removed from the manifest is removed live; a field the manifest never set (say
``replicas`` changed by ``kubectl scale``) keeps its live value. The manifest is recorded
in the ``kubectl.kubernetes.io/last-applied-configuration`` annotation, as kubectl does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from k9play.api import errors, resources
from k9play.api.admission import check_schema
from k9play.api.meta import Obj, copy_obj
from k9play.api.patches import MERGE_KEYS
from k9play.api.store import ObjectStore

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

#: kubectl's apply order: namespaces and cluster-wide objects first, workloads last.
KIND_ORDER = {
    "Namespace": 0, "PriorityClass": 1, "StorageClass": 1, "PersistentVolume": 1, "ClusterRole": 1,
    "ClusterRoleBinding": 2, "IngressClass": 1, "Node": 1,
    "ServiceAccount": 3, "Secret": 3, "ConfigMap": 3, "ResourceQuota": 3, "LimitRange": 3, "Role": 3,
    "RoleBinding": 4, "PersistentVolumeClaim": 4, "Service": 5, "Endpoints": 5, "PodDisruptionBudget": 5,
}
WORKLOAD_ORDER = 6


def kind_rank(kind: str) -> int:
    return KIND_ORDER.get(kind, WORKLOAD_ORDER)


@dataclass
class ApplyResult:
    action: str  # created | configured | unchanged
    obj: Obj

    def line(self) -> str:
        """``deployment.apps/nginx configured``."""
        rt = resources.by_kind(self.obj["kind"])
        return f"{rt.qualified_kind}/{self.obj['metadata']['name']} {self.action}"


def last_applied_json(manifest: Obj, namespace: str | None) -> str:
    """The annotation value kubectl writes: the manifest as compact JSON, keys sorted."""
    data = copy_obj(manifest)
    md = data.setdefault("metadata", {})
    anns = dict(md.get("annotations") or {})
    anns.pop(LAST_APPLIED, None)
    md["annotations"] = anns
    if namespace and resources.by_kind(data["kind"]).namespaced:
        md["namespace"] = namespace
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


#: list fields merged element by element (strategic merge's ``patchMergeKey``); ``ports`` is keyed
#: by ``containerPort`` in containers and by ``port`` in Services, so candidates are tried in order
LIST_MERGE_KEYS: dict[str, tuple[str, ...]] = {**{k: (v,) for k, v in MERGE_KEYS.items()},
                                               "ports": ("containerPort", "port")}


def three_way_merge(last: Any, new: Any, live: Any) -> Any:
    """What ``kubectl apply``'s strategic three-way patch makes of ``live``: ``new``'s values win,
    fields only ``live`` has stay (defaults, replicas set by an HPA), fields ``last`` had and ``new``
    dropped go. Keyed lists (containers by name, env by name …) merge element by element, so
    defaults inside a container survive; other lists are replaced."""
    if isinstance(new, dict) and isinstance(live, dict):
        last = last if isinstance(last, dict) else {}
        out = {k: copy_obj(v) for k, v in live.items() if k in new or k not in last}
        for key, value in new.items():
            out[key] = _merge_field(key, last.get(key), value, live.get(key))
        return out
    return copy_obj(new)


def _merge_field(key: str, last: Any, new: Any, live: Any) -> Any:
    if isinstance(new, list) and isinstance(live, list):
        merge_key = _list_key(key, new, live)
        if merge_key is not None:
            last_items = {i[merge_key]: i for i in last if isinstance(i, dict) and merge_key in i} \
                if isinstance(last, list) else {}
            live_items = {i[merge_key]: i for i in live}
            wanted = {i[merge_key] for i in new}
            merged = [three_way_merge(last_items.get(i[merge_key]), i, live_items.get(i[merge_key], {})) for i in new]
            # items someone else added live (not from this file, ever) stay, after the file's own
            return merged + [copy_obj(i) for k, i in live_items.items() if k not in wanted and k not in last_items]
    return three_way_merge(last, new, live)


def _list_key(field: str, *lists: list[Any]) -> str | None:
    """The merge key every item of every list has, if the field is a keyed list."""
    for candidate in LIST_MERGE_KEYS.get(field, ()):
        if all(isinstance(i, dict) and candidate in i for items in lists for i in items):
            return candidate
    return None


def three_way_patch(last: Any, new: Any, live: Any) -> Any:
    """A JSON merge patch turning ``live`` into ``new``, deleting only what ``last`` set."""
    if not isinstance(new, dict):
        return copy_obj(new)
    patch: dict[str, Any] = {}
    last = last if isinstance(last, dict) else {}
    live = live if isinstance(live, dict) else {}
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(live.get(key), dict):
            sub = three_way_patch(last.get(key), value, live[key])
            if sub:
                patch[key] = sub
        elif live.get(key) != value:
            patch[key] = copy_obj(value)
    for key in last:
        if key not in new and key in live:
            patch[key] = None
    return patch


def _metadata_well_formed(md: Any) -> bool:
    """kubectl reads name, namespace, labels and annotations before sending anything."""
    if md is None:
        return True
    if not isinstance(md, dict):
        return False
    for key in ("labels", "annotations"):
        value = md.get(key)
        if value is not None and not (isinstance(value, dict) and all(isinstance(k, str) for k in value)):
            return False
    return all(md.get(key) is None or isinstance(md[key], str) for key in ("name", "namespace", "generateName"))


def apply_object(store: ObjectStore, manifest: Obj, namespace: str | None = None, *,
                 dry_run: bool = False) -> ApplyResult:
    """Create or three-way-merge one object; raises ``ApiError``/``NoKindMatchError``."""
    rt = resources.for_object(manifest.get("apiVersion", ""), manifest.get("kind", ""))
    if not _metadata_well_formed(manifest.get("metadata")):
        check_schema(rt, manifest)  # raises the apiserver's decoding error for the bad field
        raise errors.bad_request(f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: '
                                 "invalid metadata")
    md = manifest.get("metadata") or {}
    ns = (md.get("namespace") or namespace or "default") if rt.namespaced else None
    name = md.get("name", "")
    annotation = last_applied_json(manifest, ns)
    live = store.try_get(rt.kind, name, ns) if name else None
    if live is None:
        obj = copy_obj(manifest)
        obj_md = obj["metadata"] = obj.get("metadata") or {}  # YAML `metadata:` with nothing is null
        obj_md["annotations"] = {**(obj_md.get("annotations") or {}), LAST_APPLIED: annotation}
        created = store.create(obj, ns, field_validation="Strict", dry_run=dry_run)
        return ApplyResult("created", created)
    previous = (live["metadata"].get("annotations") or {}).get(LAST_APPLIED)
    try:
        last = json.loads(previous) if previous else {}
    except json.JSONDecodeError:
        last = {}
    merged = three_way_merge(last, json.loads(annotation), live)
    merged["metadata"]["annotations"] = {**(merged["metadata"].get("annotations") or {}), LAST_APPLIED: annotation}
    merged["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    updated = store.update(merged, field_validation="Strict", dry_run=dry_run)
    action = "unchanged" if updated is live else "configured"
    return ApplyResult(action, updated)
