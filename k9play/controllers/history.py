"""ControllerRevisions and controller references, shared by the DaemonSet and StatefulSet controllers.

Ports of ``pkg/controller/history`` (naming, hashing, ordering, equality, create with
collision handling, revision bumps, adoption and release) and of the parts of
``pkg/controller/controller_ref_manager.go`` both controllers use to claim their pods and
revisions.

A revision's ``data`` is the strategic-merge patch both controllers record: the object's
pod template with ``"$patch": "replace"``. Its hash is FNV-1 (``fnv.New32``, not the 32a
of ``ComputeHash``) over the patch's canonical JSON plus the collision count, safe-encoded,
so names have the real shape (``web-6b5b9f8b4d``) though not the exact value of a real
cluster (Go encodes the template struct differently).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from k9play.api import errors
from k9play.api.meta import (
    Obj,
    controller_ref,
    copy_obj,
    labels_of,
    name_of,
    namespace_of,
    owner_reference,
    uid_of,
)
from k9play.api.selectors import LabelSelector
from k9play.api.store import ObjectStore
from k9play.controllers.deployment_util import safe_encode

#: ``history.ControllerRevisionHashLabel``: the hash of a revision's data, on the revision.
CONTROLLER_REVISION_HASH_LABEL = "controller.kubernetes.io/hash"
#: ``apps.ControllerRevisionHashLabelKey`` (= ``DefaultDaemonSetUniqueLabelKey`` = ``StatefulSetRevisionLabel``):
#: on pods (and DaemonSet revisions) naming the revision they were made from.
REVISION_HASH_LABEL = "controller-revision-hash"

CR_API_VERSION = "apps/v1"


# ---------------------------------------------------------------- encoding
def go_json(value: Any) -> bytes:
    """``json.Marshal`` of map-shaped data: sorted keys, compact, ``<>&`` escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


def template_patch(obj: Obj) -> Obj:
    """``getPatch``: ``{"spec": {"template": <template>, "$patch": "replace"}}``."""
    template = copy_obj((obj.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def apply_revision(obj: Obj, revision: Obj) -> Obj:
    """``ApplyRevision``: a copy of ``obj`` whose pod template is the one recorded in ``revision``."""
    out = copy_obj(obj)
    template = copy_obj(((revision.get("data") or {}).get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    out.setdefault("spec", {})["template"] = template
    return out


def _fnv32(data: bytes) -> int:
    """``hash/fnv.New32``: FNV-1 (multiply, then xor)."""
    h = 0x811C9DC5
    for b in data:
        h = (h * 0x01000193) & 0xFFFFFFFF
        h ^= b
    return h


def hash_controller_revision(data: Obj, probe: int | None) -> str:
    """``HashControllerRevision``: FNV-1 of the data (and the collision count), safe-encoded."""
    raw = go_json(data)
    if probe is not None:
        raw += str(int(probe)).encode()
    return safe_encode(str(_fnv32(raw)))


def controller_revision_name(prefix: str, hash_: str) -> str:
    """``ControllerRevisionName``: ``prefix-hash``, the prefix cut to 223 characters."""
    return f"{prefix[:223]}-{hash_}"


# ---------------------------------------------------------------- revisions
def new_controller_revision(parent: Obj, template_labels: dict[str, str] | None, data: Obj, revision: int,
                            collision_count: int | None) -> Obj:
    """``NewControllerRevision``: labels from the template plus the data hash, a controller ref."""
    hash_ = hash_controller_revision(data, collision_count)
    labels = dict(template_labels or {})
    labels[CONTROLLER_REVISION_HASH_LABEL] = hash_
    return {
        "apiVersion": CR_API_VERSION,
        "kind": "ControllerRevision",
        "metadata": {
            "name": controller_revision_name(name_of(parent), hash_),
            "namespace": namespace_of(parent),
            "labels": labels,
            "ownerReferences": [owner_reference(parent)],
        },
        "data": data,
        "revision": int(revision),
    }


def revision_of(cr: Obj) -> int:
    return int(cr.get("revision", 0) or 0)


def sort_revisions(revisions: Iterable[Obj]) -> list[Obj]:
    """``SortControllerRevisions``: by revision, then creation time, then name (stable)."""
    return sorted(revisions, key=lambda r: (revision_of(r), r["metadata"].get("creationTimestamp", ""),
                                            name_of(r)))


def equal_revision(lhs: Obj | None, rhs: Obj | None) -> bool:
    """``EqualRevision``: the same data (hash labels, when both parse as numbers, must agree)."""
    if lhs is None or rhs is None:
        return lhs is rhs
    lh = labels_of(lhs).get(CONTROLLER_REVISION_HASH_LABEL)
    rh = labels_of(rhs).get(CONTROLLER_REVISION_HASH_LABEL)
    if _int32(lh) is not None and _int32(rh) is not None and _int32(lh) != _int32(rh):
        return False
    return go_json(lhs.get("data")) == go_json(rhs.get("data"))


def _int32(label: str | None) -> int | None:
    """``strconv.ParseInt(label, 10, 32)``, or None when it does not parse."""
    if label is None or not label.lstrip("+-").isdigit():
        return None
    value = int(label)
    return value if -(2**31) <= value < 2**31 else None


def find_equal_revisions(revisions: list[Obj], needle: Obj) -> list[Obj]:
    return [r for r in revisions if equal_revision(r, needle)]


def next_revision(sorted_revisions: list[Obj]) -> int:
    """``nextRevision``: one more than the last (sorted) revision, or 1."""
    return revision_of(sorted_revisions[-1]) + 1 if sorted_revisions else 1


def list_controller_revisions(store: ObjectStore, parent: Obj, selector: LabelSelector) -> list[Obj]:
    """``ListControllerRevisions``: matching revisions owned by ``parent`` or by no controller."""
    out = []
    for cr in store.list("ControllerRevision", namespace_of(parent), selector):
        ref = controller_ref(cr)
        if ref is None or ref.get("uid") == uid_of(parent):
            out.append(cr)
    return out


def create_controller_revision(store: ObjectStore, parent: Obj, revision: Obj, collision_count: int) -> tuple[Obj, int]:
    """``CreateControllerRevision``: create, renaming with a bumped collision count on a clash.

    Returns the created (or identical existing) revision and the collision count used."""
    clone = copy_obj(revision)
    while True:
        hash_ = hash_controller_revision(revision["data"], collision_count)
        clone["metadata"]["name"] = controller_revision_name(name_of(parent), hash_)
        try:
            return store.create(clone), collision_count
        except errors.ApiError as e:
            if e.reason != "AlreadyExists":
                raise
        exists = store.get("ControllerRevision", clone["metadata"]["name"], namespace_of(parent))
        if go_json(exists.get("data")) == go_json(clone.get("data")):
            return exists, collision_count
        collision_count += 1


def update_controller_revision(store: ObjectStore, revision: Obj, new_revision: int) -> Obj:
    """``UpdateControllerRevision``: set ``revision`` (a rollback renumbers an old revision)."""
    if revision_of(revision) == new_revision:
        return revision
    clone = copy_obj(revision)
    clone["revision"] = int(new_revision)
    return store.update(clone)


# ------------------------------------------------------ controller references
def claim_objects(
    store: ObjectStore,
    owner: Obj,
    candidates: Iterable[Obj],
    match: Callable[[Obj], bool],
) -> list[Obj]:
    """``BaseControllerRefManager.ClaimObject`` over ``candidates``: keep what we own and still
    match, release what we own and no longer match, adopt matching orphans."""
    uid = uid_of(owner)
    deleting = bool(owner["metadata"].get("deletionTimestamp"))
    claimed: list[Obj] = []
    for obj in candidates:
        ref = controller_ref(obj)
        if ref is not None:
            if ref.get("uid") != uid:
                continue
            if match(obj):
                claimed.append(obj)
            elif not deleting:
                release(store, obj, uid)
            continue
        if deleting or not match(obj) or obj["metadata"].get("deletionTimestamp"):
            continue
        if namespace_of(owner) and namespace_of(owner) != namespace_of(obj):
            continue
        adopted = adopt(store, owner, obj)
        if adopted is not None:
            claimed.append(adopted)
    return claimed


def claim_candidates(store: ObjectStore, owner: Obj, kind: str, selector: LabelSelector) -> list[Obj]:
    """Objects of ``kind`` a claim must look at: those ``owner`` controls (to keep or release)
    and matching orphans (to adopt). The informer-backed controllers list the whole namespace;
    the store's owner and label indexes give the same set without the scan."""
    seen: set[str] = set()
    out: list[Obj] = []
    for obj in store.dependents_of(uid_of(owner)):
        if obj.get("kind") == kind:
            ref = controller_ref(obj)
            if ref is not None and ref.get("uid") == uid_of(owner):
                seen.add(uid_of(obj))
                out.append(obj)
    if not selector.empty:
        for obj in store.list(kind, namespace_of(owner), selector):
            if uid_of(obj) not in seen and controller_ref(obj) is None:
                out.append(obj)
    out.sort(key=lambda o: name_of(o))
    return out


def adopt(store: ObjectStore, owner: Obj, obj: Obj) -> Obj | None:
    """Add ``owner`` as the controller of ``obj`` (after rechecking the owner still exists)."""
    fresh = store.try_get(owner["kind"], name_of(owner), namespace_of(owner))
    if fresh is None or uid_of(fresh) != uid_of(owner) or fresh["metadata"].get("deletionTimestamp"):
        return None
    new = copy_obj(obj)
    new["metadata"].setdefault("ownerReferences", []).append(owner_reference(owner))
    try:
        return store.update(new)
    except errors.ApiError:
        return None


def release(store: ObjectStore, obj: Obj, owner_uid: str) -> None:
    """Remove the owner reference with ``owner_uid`` from ``obj``."""
    new = copy_obj(obj)
    refs = [r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") != owner_uid]
    if refs:
        new["metadata"]["ownerReferences"] = refs
    else:
        new["metadata"].pop("ownerReferences", None)
    try:
        store.update(new)
    except errors.ApiError:
        pass


def owner_keys(obj: Obj | None, owner_kind: str) -> list[str]:
    """The ``namespace/name`` key of ``obj``'s controller when it is of ``owner_kind``."""
    if obj is None:
        return []
    ref = controller_ref(obj)
    if ref is None or ref.get("kind") != owner_kind:
        return []
    ns = namespace_of(obj)
    return [f"{ns}/{ref['name']}" if ns else ref["name"]]
