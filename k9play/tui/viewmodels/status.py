"""Which k9s status colour a row gets (k9s ``model1/color.go`` colorers).

The class is derived from the rendered cells (the same strings the user sees), so a row's
colour can never disagree with its STATUS/READY text.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from k9play.api.meta import Obj


class RowStatus(StrEnum):
    NORMAL = "normal"
    PENDING = "pending"
    ERROR = "error"
    COMPLETED = "completed"
    KILL = "kill"
    HIGHLIGHT = "highlight"


#: Pod reasons that are on their way to Running (k9s' pendingColor).
POD_PENDING = frozenset({"Pending", "ContainerCreating", "PodInitializing", "SchedulingGated"})
POD_COMPLETED = frozenset({"Completed", "Succeeded"})


def _ratio(text: str) -> tuple[int, int] | None:
    """``"2/3"`` → ``(2, 3)``; anything else → None."""
    head, sep, tail = text.partition("/")
    if not sep or not head.isdigit() or not tail.isdigit():
        return None
    return int(head), int(tail)


def _lagging(ready: str | None, desired: str | None = None) -> bool:
    """True when fewer replicas are ready than wanted (``READY 1/3`` or ``READY 1`` vs ``DESIRED 3``)."""
    if ready is None:
        return False
    if desired is None:
        r = _ratio(ready)
        return r is not None and r[0] < r[1]
    return ready.isdigit() and desired.isdigit() and int(ready) < int(desired)


def pod_status(cells: Mapping[str, str]) -> RowStatus:
    reason = cells.get("STATUS", "")
    if reason == "Running":
        return RowStatus.PENDING if _lagging(cells.get("READY")) else RowStatus.NORMAL
    if reason in POD_PENDING:
        return RowStatus.PENDING
    if reason.startswith("Init:") and _ratio(reason[5:]) is not None:
        return RowStatus.PENDING
    if reason in POD_COMPLETED:
        return RowStatus.COMPLETED
    if reason == "Terminating":
        return RowStatus.KILL
    return RowStatus.ERROR


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
    if kind in ("Deployment", "StatefulSet"):
        return RowStatus.PENDING if _lagging(cells.get("READY")) else RowStatus.NORMAL
    if kind in ("ReplicaSet", "ReplicationController", "DaemonSet"):
        return RowStatus.PENDING if _lagging(cells.get("READY"), cells.get("DESIRED")) else RowStatus.NORMAL
    if kind == "Node":
        status = cells.get("STATUS", "")
        if "NotReady" in status or "Unknown" in status:
            return RowStatus.ERROR
        return RowStatus.PENDING if "SchedulingDisabled" in status else RowStatus.NORMAL
    if kind == "Namespace":
        return RowStatus.KILL if cells.get("STATUS") == "Terminating" else RowStatus.NORMAL
    if kind == "Event":
        return RowStatus.NORMAL if cells.get("TYPE", "Normal") == "Normal" else RowStatus.ERROR
    if kind == "Job":
        status = cells.get("STATUS", "")
        return {"Failed": RowStatus.ERROR, "Complete": RowStatus.COMPLETED}.get(status, RowStatus.NORMAL)
    if kind in ("PersistentVolumeClaim", "PersistentVolume"):
        status = cells.get("STATUS", "")
        return {"Pending": RowStatus.PENDING, "Lost": RowStatus.ERROR, "Failed": RowStatus.ERROR}.get(
            status, RowStatus.NORMAL)
    return RowStatus.NORMAL
