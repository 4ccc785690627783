"""Which k9s status colour a row gets (k9s ``model1.DefaultColorer`` + each renderer's colorer).

k9s colours a row in two steps: every renderer has a ``diagnose`` that fills the hidden VALID
column when the object is unhealthy ("happy" otherwise), and ``DefaultColorer`` turns an
unhappy row into the error colour; then a kind-specific colorer may override (pod STATUS,
deployment ``READY x/0``). :data:`RowStatus.NORMAL` means "no status colour": the table then
shows k9s' add/modify colour while the row is fresh, else the standard colour.

Pods are judged from their rendered cells (the STATUS/READY the user sees), so a row's
colour can never disagree with its text; workloads from their status counters, as k9s does.
One deliberate addition: any object being deleted (``deletionTimestamp``) gets the kill
colour, as k9s gives to rows it is deleting.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from k9play.api.meta import Obj


class RowStatus(StrEnum):
    """The k9s skin's ``status.*`` colour a row is drawn in (values name the table's style classes)."""

    NORMAL = "normal"
    ADD = "add"
    PENDING = "pending"
    ERROR = "error"
    COMPLETED = "completed"
    KILL = "kill"
    HIGHLIGHT = "highlight"


#: k9s' pod colorer (``render/pod.go ColorerFunc``): STATUS values with a colour of their own.
POD_STATUS = {
    "Pending": RowStatus.PENDING,
    "ContainerCreating": RowStatus.PENDING,
    "PodInitializing": RowStatus.ADD,
    "Initialized": RowStatus.HIGHLIGHT,
    "Completed": RowStatus.COMPLETED,
    "Succeeded": RowStatus.COMPLETED,
    "Terminating": RowStatus.KILL,
}


def _ratio(text: str) -> tuple[int, int] | None:
    """``"2/3"`` → ``(2, 3)``; anything else → None."""
    head, sep, tail = text.partition("/")
    if not sep or not head.isdigit() or not tail.isdigit():
        return None
    return int(head), int(tail)


def _num(status: Mapping[str, Any], field: str) -> int:
    try:
        return int(status.get(field) or 0)
    except (TypeError, ValueError):
        return 0


def pod_status(cells: Mapping[str, str]) -> RowStatus:
    """Pending/creating → pending, terminating → kill, completed → completed; any other pod whose
    containers are not all ready (k9s ``diagnose``: ``cr != ct || ct == 0``) → error."""
    reason = cells.get("STATUS", "")
    own = POD_STATUS.get(reason)
    if own is not None:
        return own
    ready = _ratio(cells.get("READY", ""))
    if ready is None or ready[0] != ready[1] or ready[1] == 0:
        return RowStatus.ERROR
    return RowStatus.NORMAL


def _unhappy(kind: str, obj: Obj, cells: Mapping[str, str]) -> bool:
    """k9s' ``diagnose`` per kind: True when k9s would fill VALID (the row turns error-coloured)."""
    status = obj.get("status") or {}
    if kind == "Deployment":
        return _num(status, "replicas") != _num(status, "availableReplicas")
    if kind in ("ReplicaSet", "ReplicationController"):
        return _num(status, "replicas") != _num(status, "readyReplicas")
    if kind == "StatefulSet":
        desired = _num(obj.get("spec") or {}, "replicas") if (obj.get("spec") or {}).get("replicas") is not None else 1
        ready = _num(status, "readyReplicas")
        return _num(status, "replicas") != ready or desired != ready
    if kind == "DaemonSet":
        return _num(status, "desiredNumberScheduled") != _num(status, "numberReady")
    if kind == "Node":
        state = cells.get("STATUS", "").split(",")
        return "Ready" not in state or "SchedulingDisabled" in state
    if kind == "Event":
        return cells.get("TYPE", "Normal") != "Normal"
    if kind == "Job":
        spec = obj.get("spec") or {}
        done, want = _num(status, "succeeded"), _num(spec, "completions") if spec.get("completions") is not None else 1
        return done != want and _num(status, "failed") > 0
    if kind == "PersistentVolumeClaim":
        return cells.get("STATUS", "") not in ("Bound", "Available")
    if kind == "PersistentVolume":
        return cells.get("STATUS", "") == "Failed"
    if kind == "HorizontalPodAutoscaler":
        current, most = cells.get("REPLICAS", ""), cells.get("MAXPODS", "")
        return current.isdigit() and most.isdigit() and int(current) >= int(most)
    return False


def container_status(cells: Mapping[str, str]) -> RowStatus:
    """k9s' container colorer, keyed on STATE."""
    state = cells.get("STATE", "")
    if state == "Running":
        return RowStatus.NORMAL
    if state in ("Pending", "ContainerCreating", "PodInitializing"):
        return RowStatus.PENDING
    if state in ("Terminating", "Initialized"):
        return RowStatus.HIGHLIGHT
    if state == "Completed":
        return RowStatus.COMPLETED
    return RowStatus.ERROR


def row_status(kind: str, obj: Obj, cells: Mapping[str, str]) -> RowStatus:
    """The colour class of one row of ``kind``, given its cells keyed by column name."""
    if kind == "Pod":
        return pod_status(cells)
    if kind == "Container":
        return container_status(cells)
    if obj.get("metadata", {}).get("deletionTimestamp"):
        return RowStatus.KILL
    if kind == "Namespace" and cells.get("STATUS") == "Terminating":
        return RowStatus.KILL
    if kind == "Event" and cells.get("REASON") == "Killing":
        return RowStatus.KILL
    if kind == "Deployment" and _num(obj.get("status") or {}, "replicas") == 0:
        return RowStatus.PENDING  # k9s: READY "x/0" (available over status.replicas)
    return RowStatus.ERROR if _unhappy(kind, obj, cells) else RowStatus.NORMAL
