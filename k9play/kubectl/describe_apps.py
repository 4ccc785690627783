"""``kubectl describe`` for Deployments, ReplicaSets and ReplicationControllers (kubectl v1.34's
``describeDeployment``, ``describeReplicaSet`` and ``describeReplicationController``)."""

from __future__ import annotations

from typing import Any

from k9play.api.meta import Obj, annotations_of, controller_ref, labels_of, name_of, namespace_of, uid_of
from k9play.api.selectors import selector_from_labels, selector_from_spec
from k9play.api.store import ObjectStore
from k9play.controllers.deployment_util import by_creation, find_new_rs
from k9play.kubectl.describe_pod import describe_pod_template
from k9play.kubectl.describe_util import (
    LEVEL_0,
    LEVEL_1,
    PrefixWriter,
    controlled_by,
    describe_events,
    format_labels,
    print_annotations_multiline,
    print_labels_multiline,
    rfc1123z,
    selector_string,
)


def _int(value: Any) -> int:
    return int(value or 0)


def _intstr(value: Any) -> str:
    """``IntOrString.String()`` of a pointer field (``<nil>`` when unset)."""
    return "<nil>" if value is None else str(value)


def describe_deployment(store: ObjectStore, d: Obj, events: list[Obj], now: float) -> str:
    spec, status = d.get("spec") or {}, d.get("status") or {}
    strategy = spec.get("strategy") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(d)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(d)}\n")
    w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(d['metadata'].get('creationTimestamp'))}\n")
    print_labels_multiline(w, "Labels", labels_of(d))
    print_annotations_multiline(w, "Annotations", annotations_of(d))
    w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(LEVEL_0, f"Replicas:\t{_int(spec.get('replicas', 1))} desired | {_int(status.get('updatedReplicas'))} "
                     f"updated | {_int(status.get('replicas'))} total | {_int(status.get('availableReplicas'))} "
                     f"available | {_int(status.get('unavailableReplicas'))} unavailable\n")
    w.write(LEVEL_0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(LEVEL_0, f"MinReadySeconds:\t{_int(spec.get('minReadySeconds'))}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        w.write(LEVEL_0, f"RollingUpdateStrategy:\t{_intstr(rolling.get('maxUnavailable'))} max unavailable, "
                         f"{_intstr(rolling.get('maxSurge'))} max surge\n")
    describe_pod_template(w, spec.get("template"))
    _conditions(w, status.get("conditions"))
    old, new = _replica_sets(store, d)
    if old or new:
        w.write(LEVEL_0, f"OldReplicaSets:\t{_rs_list(old)}\n")
        w.write(LEVEL_0, f"NewReplicaSet:\t{_rs_list(new)}\n")
    describe_events(w, events, now)
    return w.render()


def _conditions(w: PrefixWriter, conditions: list[Obj] | None) -> None:
    if conditions:
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(LEVEL_1, "----\t------\t------\n")
        for c in conditions:
            w.write(LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


def _replica_sets(store: ObjectStore, d: Obj) -> tuple[list[Obj], list[Obj]]:
    """``deploymentutil.GetAllReplicaSetsInChunks``: every old ReplicaSet (oldest first) and the new one."""
    try:
        selector = selector_from_spec((d.get("spec") or {}).get("selector"))
    except ValueError:
        return [], []
    owned = [rs for rs in store.list("ReplicaSet", namespace_of(d))
             if (controller_ref(rs) or {}).get("uid") == uid_of(d) and selector.matches(labels_of(rs))]
    owned = by_creation(owned)
    new = find_new_rs(d, owned)
    old = [rs for rs in owned if new is None or uid_of(rs) != uid_of(new)]
    return old, [new] if new is not None else []


def _rs_list(rss: list[Obj]) -> str:
    """``printReplicaSetsByLabels``: ``name (current/desired replicas created)``."""
    text = ", ".join(f"{name_of(rs)} ({_int((rs.get('status') or {}).get('replicas'))}/"
                     f"{_int((rs.get('spec') or {}).get('replicas', 1))} replicas created)" for rs in rss)
    return text or "<none>"


def pod_phase_counts(store: ObjectStore, owner: Obj, selector: Any) -> tuple[int, int, int, int]:
    """``getPodStatusForController``: Running / Pending / Succeeded / Failed pods it controls."""
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in store.list("Pod", namespace_of(owner), selector):
        if (controller_ref(pod) or {}).get("uid") != uid_of(owner):
            continue
        phase = (pod.get("status") or {}).get("phase")
        if phase in counts:
            counts[phase] += 1
    return counts["Running"], counts["Pending"], counts["Succeeded"], counts["Failed"]


def describe_replica_set(store: ObjectStore, rs: Obj, events: list[Obj], now: float) -> str:
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(rs)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(rs)}\n")
    w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector')) or '<none>'}\n")
    print_labels_multiline(w, "Labels", labels_of(rs))
    print_annotations_multiline(w, "Annotations", annotations_of(rs))
    if controller := controlled_by(rs):
        w.write(LEVEL_0, f"Controlled By:\t{controller}\n")
    w.write(LEVEL_0, f"Replicas:\t{_int(status.get('replicas'))} current / {_int(spec.get('replicas', 1))} desired\n")
    w.write(LEVEL_0, "Pods Status:\t")
    try:
        selector = selector_from_spec(spec.get("selector"))
    except ValueError as err:
        w.write(LEVEL_0, f"error in fetching pods: {err}\n")
    else:
        running, waiting, succeeded, failed = pod_phase_counts(store, rs, selector)
        w.write(LEVEL_0, f"{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n")
    describe_pod_template(w, spec.get("template"))
    _conditions(w, status.get("conditions"))
    describe_events(w, events, now)
    return w.render()


def describe_replication_controller(store: ObjectStore, rc: Obj, events: list[Obj], now: float) -> str:
    spec, status = rc.get("spec") or {}, rc.get("status") or {}
    running, waiting, succeeded, failed = pod_phase_counts(store, rc, selector_from_labels(spec.get("selector")))
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(rc)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(rc)}\n")
    w.write(LEVEL_0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    print_labels_multiline(w, "Labels", labels_of(rc))
    print_annotations_multiline(w, "Annotations", annotations_of(rc))
    w.write(LEVEL_0, f"Replicas:\t{_int(status.get('replicas'))} current / {_int(spec.get('replicas', 1))} desired\n")
    w.write(LEVEL_0, f"Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n")
    describe_pod_template(w, spec.get("template"))
    _conditions(w, status.get("conditions"))
    describe_events(w, events, now)
    return w.render()
