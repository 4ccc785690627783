"""Columns of k9s' containers view (``render/container.go``), in ``columns.py``'s style.

kubectl has no table for containers, so this is k9s' layout without the metrics and
port-forward columns: IDX, NAME, IMAGE, READY, STATE, RESTARTS, PROBES(L:R:S), PORTS, AGE.
A row is a small dict built by :func:`containers_of` from the pod — the container's spec,
its status and the pod — shaped like an object (``metadata.name``/``namespace``) so the
same table machinery can show it.
"""

from __future__ import annotations

from k9play.api.meta import Obj, age
from k9play.kubectl.columns import Column


def containers_of(pod: Obj) -> list[Obj]:
    """Init, then regular, then ephemeral containers, indexed ``I1``, ``M1``, ``E1`` as k9s does."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    meta = pod["metadata"]
    rows: list[Obj] = []
    for prefix, containers, statuses in (
        ("I", spec.get("initContainers"), status.get("initContainerStatuses")),
        ("M", spec.get("containers"), status.get("containerStatuses")),
        ("E", spec.get("ephemeralContainers"), status.get("ephemeralContainerStatuses")),
    ):
        by_name = {s.get("name"): s for s in statuses or []}
        for i, c in enumerate(containers or []):
            rows.append({
                "kind": "Container",
                "metadata": {"name": c.get("name", ""), "namespace": meta.get("namespace", ""),
                             "creationTimestamp": meta.get("creationTimestamp")},
                "idx": f"{prefix}{i + 1}",
                "container": c,
                "status": by_name.get(c.get("name")),
                "pod": pod,
            })
    return rows


def container_state(status: Obj | None) -> str:
    """k9s ``ToContainerState``: the waiting/terminated reason, Running, or ``n/a``."""
    state = (status or {}).get("state") or {}
    if "waiting" in state:
        return (state["waiting"] or {}).get("reason") or "Waiting"
    if "terminated" in state:
        return (state["terminated"] or {}).get("reason") or "Terminating"
    if "running" in state:
        return "Running"
    return "n/a"


def _probes(c: Obj) -> str:
    return ":".join("on" if c.get(p) else "off" for p in ("livenessProbe", "readinessProbe", "startupProbe"))


def container_ports(c: Obj) -> str:
    """k9s ``ToContainerPorts``: ``name:80``, ``53╱UDP``."""
    out = []
    for p in c.get("ports") or []:
        text = f"{p['name']}:" if p.get("name") else ""
        text += str(p.get("containerPort", ""))
        if p.get("protocol", "TCP") != "TCP":
            text += "╱" + p["protocol"]
        out.append(text)
    return ",".join(out)


def _status(row: Obj) -> Obj:
    return row.get("status") or {}


CONTAINER = [
    Column("IDX", lambda o, n: o["idx"]),
    Column("NAME", lambda o, n: o["metadata"]["name"]),
    Column("IMAGE", lambda o, n: o["container"].get("image", "")),
    Column("READY", lambda o, n: "true" if _status(o).get("ready") else "false"),
    Column("STATE", lambda o, n: container_state(o.get("status"))),
    Column("RESTARTS", lambda o, n: str(int(_status(o).get("restartCount", 0))), kind="number"),
    Column("PROBES(L:R:S)", lambda o, n: _probes(o["container"])),
    Column("PORTS", lambda o, n: container_ports(o["container"])),
    Column("AGE", lambda o, n: age(o["metadata"].get("creationTimestamp"), n), kind="age"),
]
