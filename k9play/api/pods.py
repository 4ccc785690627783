"""Pod facts every component agrees on: readiness, availability, activity, requests.

Ports of the helpers in ``k8s.io/kubernetes/pkg/api/v1/pod`` and
``k8s.io/component-helpers/resource`` that controllers, the scheduler, the kubelet and the
printers all need.
"""

from __future__ import annotations

import math
import re
from typing import Any

from k9play.api.meta import parse_time
from k9play.api.quantity import milli, whole

Obj = dict[str, Any]


def condition(obj: Obj, ctype: str) -> Obj | None:
    for c in obj.get("status", {}).get("conditions") or []:
        if c.get("type") == ctype:
            return c
    return None


def is_ready(pod: Obj) -> bool:
    c = condition(pod, "Ready")
    return c is not None and c.get("status") == "True"


def is_available(pod: Obj, min_ready_seconds: int, now: float) -> bool:
    """``podutil.IsPodAvailable``: Ready, and for at least ``minReadySeconds``."""
    c = condition(pod, "Ready")
    if c is None or c.get("status") != "True":
        return False
    if min_ready_seconds <= 0:
        return True
    since = c.get("lastTransitionTime")
    return bool(since) and parse_time(since) + min_ready_seconds <= now


def is_terminal(pod: Obj) -> bool:
    return pod.get("status", {}).get("phase") in ("Succeeded", "Failed")


def is_active(pod: Obj) -> bool:
    """``controller.IsPodActive``: not terminal and not being deleted."""
    return not is_terminal(pod) and not pod.get("metadata", {}).get("deletionTimestamp")


def _container_requests(c: Obj) -> tuple[int, int]:
    req = (c.get("resources") or {}).get("requests") or {}
    cpu = milli(req["cpu"]) if "cpu" in req else 0
    mem = whole(req["memory"]) if "memory" in req else 0
    return cpu, mem


def requests(pod: Obj) -> tuple[int, int]:
    """Effective (cpu millicores, memory bytes) the scheduler accounts for a pod:
    the larger of the app containers' sum (plus sidecars) and any init container."""
    spec = pod.get("spec", {})
    cpu = mem = 0
    for c in spec.get("containers") or []:
        a, b = _container_requests(c)
        cpu += a
        mem += b
    sidecar_cpu = sidecar_mem = 0
    init_cpu = init_mem = 0
    for c in spec.get("initContainers") or []:
        a, b = _container_requests(c)
        if c.get("restartPolicy") == "Always":
            sidecar_cpu += a
            sidecar_mem += b
            continue
        init_cpu = max(init_cpu, a + sidecar_cpu)
        init_mem = max(init_mem, b + sidecar_mem)
    cpu, mem = max(cpu + sidecar_cpu, init_cpu), max(mem + sidecar_mem, init_mem)
    overhead = spec.get("overhead") or {}
    if "cpu" in overhead:
        cpu += milli(overhead["cpu"])
    if "memory" in overhead:
        mem += whole(overhead["memory"])
    return cpu, mem


def limits(pod: Obj) -> tuple[int, int]:
    cpu = mem = 0
    for c in pod.get("spec", {}).get("containers") or []:
        lim = (c.get("resources") or {}).get("limits") or {}
        cpu += milli(lim["cpu"]) if "cpu" in lim else 0
        mem += whole(lim["memory"]) if "memory" in lim else 0
    return cpu, mem


_PERCENT = re.compile(r"^(\d+)%$")


def scaled_value(value: int | str | None, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    m = _PERCENT.match(value)
    if not m:
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"invalid value for IntOrString: invalid value {value!r}") from None
    scaled = int(m.group(1)) * total / 100
    return math.ceil(scaled) if round_up else math.floor(scaled)
