"""The pod status the kubelet writes: phase (``getPhase``), conditions, container statuses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api.meta import format_time

if TYPE_CHECKING:
    from k9play.kubelet.container import ContainerRun
    from k9play.kubelet.podworker import PodWorker

Obj = dict[str, Any]


def _has_terminated_last(c: ContainerRun) -> bool:
    return "terminated" in c.last_state


def phase(worker: PodWorker) -> str:
    """Port of the kubelet's ``getPhase``."""
    if worker.terminal_phase:
        return worker.terminal_phase
    pending_init = failed_init = 0
    for c in worker.init:
        if c.sidecar:
            continue
        if c.state == "running":
            pending_init += 1
        elif c.state == "terminated":
            if c.exit_code != 0:
                failed_init += 1
        elif _has_terminated_last(c):
            if c.last_state["terminated"].get("exitCode", 0) != 0:
                failed_init += 1
        else:
            pending_init += 1
    running = waiting = stopped = succeeded = 0
    for c in worker.containers:
        if c.state == "running":
            running += 1
        elif c.state == "terminated":
            stopped += 1
            succeeded += c.exit_code == 0
        elif _has_terminated_last(c):
            stopped += 1
        else:
            waiting += 1
    policy = worker.restart_policy
    if failed_init and policy == "Never":
        return "Failed"
    regular_started = any(c.started_at is not None for c in worker.containers)
    if (pending_init and not regular_started) or waiting:
        return "Pending"
    if running:
        return "Running"
    if stopped:
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def build_status(worker: PodWorker, pod: Obj, now: str) -> Obj:
    old = pod.get("status") or {}
    old_conds = {c.get("type"): c for c in old.get("conditions") or []}

    def cond(ctype: str, ok: bool, reason: str = "", message: str = "") -> Obj:
        status = "True" if ok else "False"
        prev = old_conds.get(ctype)
        since = prev["lastTransitionTime"] if prev and prev.get("status") == status else now
        c: Obj = {"lastProbeTime": None, "lastTransitionTime": since, "status": status, "type": ctype}
        if not ok and reason:
            c["reason"] = reason
            if message:
                c["message"] = message
        return c

    current_phase = phase(worker)
    terminal = current_phase in ("Succeeded", "Failed") and (
        worker.terminal_phase is not None or worker.restart_policy != "Always")
    pending_init = [c.name for c in worker.init if not c.sidecar and not (c.state == "terminated" and c.exit_code == 0)]
    pending_init += [c.name for c in worker.init if c.sidecar and not (c.state == "running" and c.started)]
    if worker.initialized:
        pending_init = []
    unready = [c.name for c in worker.containers if not c.ready]
    unready += [c.name for c in worker.init if c.sidecar and not c.ready]
    ready = not unready and not worker.terminating and not terminal
    gates = [g.get("conditionType") for g in (pod.get("spec") or {}).get("readinessGates") or []]
    missing_gates = [g for g in gates if (old_conds.get(g) or {}).get("status") != "True"]
    if terminal:
        reason_ready, message_ready = "PodCompleted", ""
    else:
        reason_ready, message_ready = "ContainersNotReady", f"containers with unready status: [{' '.join(unready)}]"
    pod_ready = ready and not missing_gates
    if ready and missing_gates:
        reason_pod, message_pod = "ReadinessGatesNotReady", \
            f"the status of pod readiness gate \"{missing_gates[0]}\" is not \"True\", but False"
    else:
        reason_pod, message_pod = reason_ready, message_ready
    conditions = [
        cond("PodReadyToStartContainers", worker.sandbox_ready and not terminal),
        cond("Initialized", not pending_init, "ContainersNotInitialized" if not terminal else "PodCompleted",
             f"containers with incomplete status: [{' '.join(pending_init)}]" if not terminal else ""),
        cond("Ready", pod_ready, reason_pod, message_pod),
        cond("ContainersReady", ready, reason_ready, message_ready),
    ]
    for gate in gates:
        if gate in old_conds:
            conditions.append(old_conds[gate])
    if "PodScheduled" in old_conds:
        conditions.append(old_conds["PodScheduled"])
    # conditions the kubelet does not own (DisruptionTarget …) are kept (``mergePodStatus``)
    owned = {c["type"] for c in conditions} | set(gates)
    conditions += [c for t, c in old_conds.items() if t not in owned]
    status: Obj = {
        "conditions": conditions,
        "containerStatuses": sorted((c.status() for c in worker.containers), key=lambda s: s["name"]),
        "hostIP": worker.kubelet.node_ip,
        "hostIPs": [{"ip": worker.kubelet.node_ip}],
        "phase": current_phase,
    }
    if worker.init:
        status["initContainerStatuses"] = [c.status() for c in worker.init]
    if worker.pod_ip:
        status["podIP"] = worker.pod_ip
        status["podIPs"] = [{"ip": worker.pod_ip}]
    if worker.status_reason:
        status["reason"], status["message"] = worker.status_reason, worker.status_message
    if "qosClass" in old:
        status["qosClass"] = old["qosClass"]
    if worker.start_time is not None:
        status["startTime"] = format_time(worker.start_time)
    return status
