"""StatefulSet helpers, ported from ``pkg/controller/statefulset/stateful_set_utils.go``.

Ordinals and stable identity (``<set>-<ordinal>``, hostname, subdomain, the pod-name and
pod-index labels), claims from ``volumeClaimTemplates`` (``<template>-<set>-<ordinal>``),
the owner references that carry ``persistentVolumeClaimRetentionPolicy``, pod health
predicates, versioned pod construction and the status bookkeeping.
"""

from __future__ import annotations

import re
from typing import Any

from k9play.api import pods as podutil
from k9play.api.meta import Obj, copy_obj, labels_of, name_of, namespace_of, owner_refs, uid_of
from k9play.controllers.history import REVISION_HASH_LABEL

#: ``apps.StatefulSetPodNameLabel``
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
#: ``apps.PodIndexLabel`` (feature PodIndexLabel, GA)
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"

SET_API_VERSION, SET_KIND = "apps/v1", "StatefulSet"
POD_API_VERSION, POD_KIND = "v1", "Pod"
RETAIN, DELETE = "Retain", "Delete"

_STATEFUL_POD = re.compile(r"^(.*)-([0-9]+)$")


# ----------------------------------------------------------------- ordinals
def parent_and_ordinal(pod: Obj) -> tuple[str, int]:
    """``getParentNameAndOrdinal``: ``web-3`` → (``web``, 3); not a stateful name → ("", -1)."""
    m = _STATEFUL_POD.match(name_of(pod))
    if not m:
        return "", -1
    ordinal = int(m.group(2))
    return m.group(1), ordinal if ordinal < 2**31 else -1


def ordinal_of(pod: Obj) -> int:
    return parent_and_ordinal(pod)[1]


def replicas_of(sts: Obj) -> int:
    return int((sts.get("spec") or {}).get("replicas", 1) or 0)


def start_ordinal(sts: Obj) -> int:
    """``getStartOrdinal``: ``spec.ordinals.start`` or 0."""
    return int(((sts.get("spec") or {}).get("ordinals") or {}).get("start", 0) or 0)


def end_ordinal(sts: Obj) -> int:
    """``getEndOrdinal``: the last ordinal in range (inclusive)."""
    return start_ordinal(sts) + replicas_of(sts) - 1


def in_ordinal_range(pod: Obj, sts: Obj) -> bool:
    return start_ordinal(sts) <= ordinal_of(pod) <= end_ordinal(sts)


def pod_name(sts: Obj, ordinal: int) -> str:
    return f"{name_of(sts)}-{ordinal}"


def claim_name(sts: Obj, template: Obj, ordinal: int) -> str:
    """``getPersistentVolumeClaimName``: ``<template>-<set>-<ordinal>`` (``www-web-0``)."""
    return f"{name_of(template)}-{name_of(sts)}-{ordinal}"


def is_member_of(sts: Obj, pod: Obj) -> bool:
    return parent_and_ordinal(pod)[0] == name_of(sts)


# ----------------------------------------------------------------- identity
def identity_matches(sts: Obj, pod: Obj) -> bool:
    parent, ordinal = parent_and_ordinal(pod)
    return (ordinal >= 0 and parent == name_of(sts) and name_of(pod) == pod_name(sts, ordinal)
            and namespace_of(pod) == namespace_of(sts) and labels_of(pod).get(POD_NAME_LABEL) == name_of(pod))


def claim_templates(sts: Obj) -> list[Obj]:
    return list((sts.get("spec") or {}).get("volumeClaimTemplates") or [])


def storage_matches(sts: Obj, pod: Obj) -> bool:
    ordinal = ordinal_of(pod)
    if ordinal < 0:
        return False
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or []}
    for tmpl in claim_templates(sts):
        vol = volumes.get(name_of(tmpl))
        if vol is None or not vol.get("persistentVolumeClaim") or \
                vol["persistentVolumeClaim"].get("claimName") != claim_name(sts, tmpl, ordinal):
            return False
    return True


def persistent_volume_claims(sts: Obj, pod: Obj) -> dict[str, Obj]:
    """``getPersistentVolumeClaims``: template name → the claim for this pod's ordinal."""
    ordinal = ordinal_of(pod)
    match_labels = ((sts.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    out: dict[str, Obj] = {}
    for tmpl in claim_templates(sts):
        claim = copy_obj(tmpl)
        claim.pop("status", None)
        claim["apiVersion"], claim["kind"] = "v1", "PersistentVolumeClaim"
        meta = claim.setdefault("metadata", {})
        meta["name"] = claim_name(sts, tmpl, ordinal)
        meta["namespace"] = namespace_of(sts)
        labels = dict(meta.get("labels") or {})
        labels.update(match_labels)
        if labels:
            meta["labels"] = labels
        out[name_of(tmpl)] = claim
    return out


def update_storage(sts: Obj, pod: Obj) -> None:
    """``updateStorage``: claim volumes for every template, replacing same-named volumes."""
    spec = pod.setdefault("spec", {})
    claims = persistent_volume_claims(sts, pod)
    volumes: list[Obj] = [{"name": name, "persistentVolumeClaim": {"claimName": name_of(claim)}}
                          for name, claim in claims.items()]
    volumes += [v for v in spec.get("volumes") or [] if v.get("name") not in claims]
    if volumes:
        spec["volumes"] = volumes


def update_identity(sts: Obj, pod: Obj) -> None:
    """``updateIdentity``: name, namespace, pod-name and pod-index labels."""
    ordinal = ordinal_of(pod)
    meta = pod.setdefault("metadata", {})
    meta["name"] = pod_name(sts, ordinal)
    meta["namespace"] = namespace_of(sts)
    labels = meta.setdefault("labels", {})
    labels[POD_NAME_LABEL] = meta["name"]
    labels[POD_INDEX_LABEL] = str(ordinal)


def init_identity(sts: Obj, pod: Obj) -> None:
    """``initIdentity``: identity plus the immutable hostname and subdomain."""
    update_identity(sts, pod)
    spec = pod.setdefault("spec", {})
    spec["hostname"] = name_of(pod)
    service = (sts.get("spec") or {}).get("serviceName")
    if service:
        spec["subdomain"] = service


# ------------------------------------------------------------------ health
def phase(pod: Obj) -> str:
    return (pod.get("status") or {}).get("phase") or ""


def is_created(pod: Obj) -> bool:
    return phase(pod) != ""


def is_pending(pod: Obj) -> bool:
    return phase(pod) == "Pending"


def is_failed(pod: Obj) -> bool:
    return phase(pod) == "Failed"


def is_succeeded(pod: Obj) -> bool:
    return phase(pod) == "Succeeded"


def is_terminating(pod: Obj) -> bool:
    return bool((pod.get("metadata") or {}).get("deletionTimestamp"))


def is_running_and_ready(pod: Obj) -> bool:
    return phase(pod) == "Running" and podutil.is_ready(pod)


def is_running_and_available(pod: Obj, min_ready: int, now: float) -> bool:
    """``isRunningAndAvailable`` (``podutil.IsPodAvailable``)."""
    return podutil.is_available(pod, min_ready, now)


def is_healthy(pod: Obj) -> bool:
    return is_running_and_ready(pod) and not is_terminating(pod)


def allows_burst(sts: Obj) -> bool:
    return (sts.get("spec") or {}).get("podManagementPolicy") == "Parallel"


def pod_revision(pod: Obj) -> str:
    return labels_of(pod).get(REVISION_HASH_LABEL, "")


# -------------------------------------------------------------------- pods
def new_statefulset_pod(sts: Obj, ordinal: int, owner: Obj) -> Obj:
    """``newStatefulSetPod``: ``GetPodFromTemplate`` + identity + storage."""
    tmpl = (sts.get("spec") or {}).get("template") or {}
    tmeta = tmpl.get("metadata") or {}
    meta: Obj = {"name": pod_name(sts, ordinal), "generateName": f"{name_of(sts)}-",
                 "namespace": namespace_of(sts), "labels": dict(tmeta.get("labels") or {})}
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = list(tmeta["finalizers"])
    meta["ownerReferences"] = [owner]
    pod: Obj = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": copy_obj(tmpl.get("spec") or {})}
    init_identity(sts, pod)
    update_storage(sts, pod)
    return pod


def new_versioned_pod(current_set: Obj, update_set: Obj, current_revision: str, update_revision: str,
                      ordinal: int, owner: Obj) -> Obj:
    """``newVersionedStatefulSetPod``: below the partition (or the current replicas when no
    rollingUpdate is given) a pod is made from the current revision, else from the update one."""
    spec = current_set.get("spec") or {}
    strategy = spec.get("updateStrategy") or {}
    ru = strategy.get("rollingUpdate")
    start = start_ordinal(current_set)
    current_replicas = int((current_set.get("status") or {}).get("currentReplicas", 0) or 0)
    if (strategy.get("type", "RollingUpdate") == "RollingUpdate" and ru is None
            and ordinal < start + current_replicas) or \
            (ru is not None and ordinal < start + int(ru.get("partition", 0) or 0)):
        pod = new_statefulset_pod(current_set, ordinal, owner)
        pod["metadata"]["labels"][REVISION_HASH_LABEL] = current_revision
        return pod
    pod = new_statefulset_pod(update_set, ordinal, owner)
    pod["metadata"]["labels"][REVISION_HASH_LABEL] = update_revision
    return pod


# ---------------------------------------------------- claim retention policy
def retention_policy(sts: Obj) -> tuple[str, str]:
    """(whenDeleted, whenScaled); Retain when unset."""
    policy = (sts.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {}
    return policy.get("whenDeleted") or RETAIN, policy.get("whenScaled") or RETAIN


def _matches_ref(ref: Obj, obj: Obj, api_version: str, kind: str) -> bool:
    return ref.get("apiVersion") == api_version and ref.get("kind") == kind and ref.get("name") == name_of(obj)


def has_owner_ref(target: Obj, owner: Obj) -> bool:
    return any(r.get("uid") == uid_of(owner) for r in owner_refs(target))


def has_stale_owner_ref(target: Obj, obj: Obj, api_version: str, kind: str) -> bool:
    """A reference to an object of this kind and name but another uid (a predecessor's)."""
    for ref in owner_refs(target):
        if _matches_ref(ref, obj, api_version, kind):
            return ref.get("uid") != uid_of(obj)
    return False


def has_unexpected_controller(claim: Obj, sts: Obj, pod: Obj) -> bool:
    if retention_policy(sts) == (RETAIN, RETAIN):
        return False
    for ref in owner_refs(claim):
        if _matches_ref(ref, sts, SET_API_VERSION, SET_KIND):
            if ref.get("uid") != uid_of(sts):
                return True
            continue
        if _matches_ref(ref, pod, POD_API_VERSION, POD_KIND):
            if ref.get("uid") != uid_of(pod):
                return True
            continue
        if ref.get("controller"):
            return True
    return False


def has_non_controller_owner(claim: Obj, sts: Obj, pod: Obj) -> bool:
    return any(r.get("uid") in (uid_of(sts), uid_of(pod)) and not r.get("controller") for r in owner_refs(claim))


def is_claim_owner_up_to_date(claim: Obj, sts: Obj, pod: Obj) -> bool:
    """``isClaimOwnerUpToDate``: the claim's references agree with the retention policy."""
    if has_stale_owner_ref(claim, sts, SET_API_VERSION, SET_KIND) or \
            has_stale_owner_ref(claim, pod, POD_API_VERSION, POD_KIND):
        return True
    if has_unexpected_controller(claim, sts, pod):
        return not (has_owner_ref(claim, sts) or has_owner_ref(claim, pod))
    if has_non_controller_owner(claim, sts, pod):
        return False
    when_deleted, when_scaled = retention_policy(sts)
    scaled_down = not in_ordinal_range(pod, sts)
    set_ref, pod_ref = has_owner_ref(claim, sts), has_owner_ref(claim, pod)
    if when_scaled == DELETE and when_deleted == DELETE:
        return scaled_down != set_ref and scaled_down == pod_ref
    if when_scaled == DELETE:
        return not set_ref and scaled_down == pod_ref
    if when_deleted == DELETE:
        return set_ref and not pod_ref
    return not set_ref and not pod_ref


def _controller_ref(owner: Obj, api_version: str, kind: str) -> Obj:
    return {"apiVersion": api_version, "kind": kind, "name": name_of(owner), "uid": uid_of(owner),
            "controller": True, "blockOwnerDeletion": True}


def update_claim_owner_refs(claim: Obj, sts: Obj, pod: Obj) -> None:
    """``updateClaimOwnerRefForSetAndPod``: rewrite the set/pod references per the policy."""
    unexpected = has_unexpected_controller(claim, sts, pod)
    refs = [r for r in owner_refs(claim) if not (_matches_ref(r, sts, SET_API_VERSION, SET_KIND)
                                                 or _matches_ref(r, pod, POD_API_VERSION, POD_KIND))]

    def add(owner: Obj, api_version: str, kind: str) -> None:
        if not any(r.get("uid") == uid_of(owner) for r in refs):
            refs.append(_controller_ref(owner, api_version, kind))

    if not unexpected:
        when_deleted, when_scaled = retention_policy(sts)
        scaled_down = not in_ordinal_range(pod, sts)
        if when_scaled == RETAIN and when_deleted == DELETE:
            add(sts, SET_API_VERSION, SET_KIND)
        elif when_scaled == DELETE and when_deleted == RETAIN:
            if scaled_down:
                add(pod, POD_API_VERSION, POD_KIND)
        elif when_scaled == DELETE and when_deleted == DELETE:
            if scaled_down:
                add(pod, POD_API_VERSION, POD_KIND)
            else:
                add(sts, SET_API_VERSION, SET_KIND)
    if refs:
        claim["metadata"]["ownerReferences"] = refs
    else:
        claim["metadata"].pop("ownerReferences", None)


# ------------------------------------------------------------------ status
def new_status() -> dict[str, Any]:
    return {"observedGeneration": 0, "replicas": 0, "readyReplicas": 0, "currentReplicas": 0,
            "updatedReplicas": 0, "currentRevision": "", "updateRevision": "", "collisionCount": 0,
            "availableReplicas": 0}


def count_replicas(status: dict[str, Any], min_ready: int, now: float, current_revision: str, update_revision: str,
                   *pod_lists: list[Obj]) -> None:
    """``updateStatus``/``computeReplicaStatus`` over the given pod lists."""
    for k in ("replicas", "readyReplicas", "availableReplicas", "currentReplicas", "updatedReplicas"):
        status[k] = 0
    for pods in pod_lists:
        for pod in pods:
            if is_created(pod):
                status["replicas"] += 1
            if is_running_and_ready(pod):
                status["readyReplicas"] += 1
                if is_running_and_available(pod, min_ready, now):
                    status["availableReplicas"] += 1
            if is_created(pod) and not is_terminating(pod):
                rev = pod_revision(pod)
                if rev == current_revision:
                    status["currentReplicas"] += 1
                if rev == update_revision:
                    status["updatedReplicas"] += 1


def complete_rolling_update(sts: Obj, status: dict[str, Any]) -> None:
    """``completeRollingUpdate``: every replica updated and ready → the update is current."""
    want = replicas_of(sts)
    strategy = ((sts.get("spec") or {}).get("updateStrategy") or {}).get("type", "RollingUpdate")
    if strategy == "RollingUpdate" and status["updatedReplicas"] == want and status["readyReplicas"] == want \
            and status["replicas"] == want:
        status["currentReplicas"] = status["updatedReplicas"]
        status["currentRevision"] = status["updateRevision"]


def inconsistent_status(sts: Obj, status: dict[str, Any]) -> bool:
    old = sts.get("status") or {}
    if status["observedGeneration"] > int(old.get("observedGeneration", 0) or 0):
        return True
    for k in ("replicas", "currentReplicas", "readyReplicas", "updatedReplicas", "availableReplicas"):
        if status[k] != int(old.get(k, 0) or 0):
            return True
    return any(status[k] != (old.get(k) or "") for k in ("currentRevision", "updateRevision"))


def serialize_status(status: dict[str, Any]) -> Obj:
    """The status as the apiserver stores it (``omitempty`` fields dropped; ``replicas``,
    ``availableReplicas`` and the ``collisionCount`` pointer always present). The updater
    replaces the whole status, so conditions the controller does not set are cleared."""
    out: Obj = {}
    for k in ("observedGeneration", "replicas", "readyReplicas", "currentReplicas", "updatedReplicas",
              "currentRevision", "updateRevision", "collisionCount", "availableReplicas"):
        v = status[k]
        if v or k in ("replicas", "collisionCount", "availableReplicas"):
            out[k] = v
    return out
