"""What the kubelet tells the control plane about its node: conditions and the Lease heartbeat.

* Conditions follow the setters of ``pkg/kubelet/nodestatus/setters.go``: every status update
  refreshes ``lastHeartbeatTime``; a condition whose status changes gets the new reason,
  message and ``lastTransitionTime`` and the kubelet records ``Node X status is now: EVENT``.
* The status is computed every ``nodeStatusUpdateFrequency`` (10 s) but posted only when it
  changed or ``nodeStatusReportFrequency`` (5 min) has passed; liveness is the Lease in
  ``kube-node-lease``, renewed every 10 s (a quarter of its 40 s duration,
  ``component-helpers/apimachinery/lease``), owned by the Node.
* Pressure is the eviction manager's verdict: a condition stays True for
  ``evictionPressureTransitionPeriod`` (5 min) after pressure was last observed.
"""

from __future__ import annotations

from typing import Any

from k9play.api.meta import Obj, copy_obj, format_micro_time, name_of, uid_of

LEASE_NAMESPACE = "kube-node-lease"
LEASE_DURATION_SECONDS = 40
RENEW_INTERVAL = 10.0
STATUS_REPORT_FREQUENCY = 300.0
PRESSURE_TRANSITION_PERIOD = 300.0

#: condition type → {status: (reason, message, event)} as the kubelet's setters write them
SETTERS: dict[str, dict[str, tuple[str, str, str]]] = {
    "MemoryPressure": {
        "True": ("KubeletHasInsufficientMemory", "kubelet has insufficient memory available",
                 "NodeHasInsufficientMemory"),
        "False": ("KubeletHasSufficientMemory", "kubelet has sufficient memory available", "NodeHasSufficientMemory"),
    },
    "DiskPressure": {
        "True": ("KubeletHasDiskPressure", "kubelet has disk pressure", "NodeHasDiskPressure"),
        "False": ("KubeletHasNoDiskPressure", "kubelet has no disk pressure", "NodeHasNoDiskPressure"),
    },
    "PIDPressure": {
        "True": ("KubeletHasInsufficientPID", "kubelet has insufficient PID available", "NodeHasInsufficientPID"),
        "False": ("KubeletHasSufficientPID", "kubelet has sufficient PID available", "NodeHasSufficientPID"),
    },
    "Ready": {
        "True": ("KubeletReady", "kubelet is posting ready status", "NodeReady"),
    },
}


def set_conditions(conditions: list[Obj], desired: dict[str, bool], now: str) -> tuple[list[Obj], list[str]]:
    """Apply the setters to ``conditions`` (a copy is returned) and name the events to record."""
    out = [copy_obj(c) for c in conditions]
    events: list[str] = []
    for ctype, want in desired.items():
        cond = next((c for c in out if c.get("type") == ctype), None)
        if cond is None:
            cond = {"type": ctype, "status": "Unknown"}
            out.append(cond)
        cond["lastHeartbeatTime"] = now
        status = "True" if want else "False"
        if cond.get("status") != status:
            reason, message, event = SETTERS[ctype][status]
            cond.update(status=status, reason=reason, message=message, lastTransitionTime=now)
            events.append(event)
    return [dict(sorted(c.items())) for c in out], events


def unchanged(conditions: list[Obj], desired: dict[str, bool]) -> bool:
    """Whether the setters would change only heartbeats (a quick check before copying)."""
    current = {c.get("type"): c.get("status") for c in conditions}
    return all(current.get(t) == ("True" if want else "False") for t, want in desired.items())


def without_heartbeats(conditions: list[Obj]) -> list[Obj]:
    """``nodeStatusHasChanged`` ignores heartbeat times."""
    return [{k: v for k, v in c.items() if k != "lastHeartbeatTime"} for c in conditions]


def renewed_lease(lease: Obj | None, node: Obj, now: float) -> Obj:
    """The node's Lease with ``renewTime`` = now (a new one when there is none yet)."""
    if lease is not None:  # a shallow copy: the store copies what it is given
        return {**lease, "spec": {**lease["spec"], "renewTime": format_micro_time(now)}}
    name = name_of(node)
    spec: dict[str, Any] = {"holderIdentity": name, "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                            "renewTime": format_micro_time(now)}
    return {
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": LEASE_NAMESPACE, "ownerReferences": [
            {"apiVersion": "v1", "kind": "Node", "name": name, "uid": uid_of(node)}]},
        "spec": spec,
    }
