"""DaemonSet helpers, ported from ``pkg/controller/daemon/util`` and ``daemon_controller.go``.

Kept apart from the controller so node eligibility, the automatic tolerations, the
node-name affinity and the surge/unavailability arithmetic can be tested on their own.
"""

from __future__ import annotations

from typing import Any

from k9play.api.meta import Obj, annotations_of, copy_obj, labels_of, name_of
from k9play.api.pods import scaled_value
from k9play.api.scheduling import pod_matches_node_selector_and_affinity, untolerated_taint
from k9play.controllers.history import REVISION_HASH_LABEL

#: ``apps.DeprecatedTemplateGeneration``: the apiserver's record of ``spec.templateGeneration``.
TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation"
#: ``extensions.DaemonSetTemplateGenerationKey``: on pods made from that generation.
TEMPLATE_GENERATION_LABEL = "pod-template-generation"
#: ``metav1.ObjectNameField``, the node field DaemonSet pods' affinity selects on.
NODE_NAME_FIELD = "metadata.name"

TAINT_NODE_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_NODE_DISK_PRESSURE = "node.kubernetes.io/disk-pressure"
TAINT_NODE_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure"
TAINT_NODE_PID_PRESSURE = "node.kubernetes.io/pid-pressure"
TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
TAINT_NODE_NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable"

#: burstReplicas: at most this many creations and deletions per sync
BURST_REPLICAS = 250
#: controller.SlowStartInitialBatchSize
SLOW_START_INITIAL_BATCH_SIZE = 1


# ------------------------------------------------------------- tolerations
def _match_toleration(a: Obj, b: Obj) -> bool:
    """``Toleration.MatchToleration``: same key, effect, operator and value."""
    return all((a.get(k) or "") == (b.get(k) or "") for k in ("key", "effect", "operator", "value"))


def add_or_update_toleration(spec: Obj, toleration: Obj) -> bool:
    """``AddOrUpdateTolerationInPodSpec``: replace a matching toleration in place, else append."""
    current = spec.get("tolerations") or []
    out: list[Obj] = []
    updated = False
    for t in current:
        if _match_toleration(toleration, t):
            if t == toleration:
                return False
            out.append(dict(toleration))
            updated = True
            continue
        out.append(t)
    if not updated:
        out.append(dict(toleration))
    spec["tolerations"] = out
    return True


def add_or_update_daemon_pod_tolerations(spec: Obj) -> None:
    """``AddOrUpdateDaemonPodTolerations``: the tolerations every DaemonSet pod gets.

    ``not-ready`` and ``unreachable`` NoExecute without ``tolerationSeconds`` (the node
    lifecycle controller never evicts daemon pods), the node-condition NoSchedule taints,
    and ``network-unavailable`` for host-network pods."""
    for key, effect in ((TAINT_NODE_NOT_READY, "NoExecute"), (TAINT_NODE_UNREACHABLE, "NoExecute"),
                        (TAINT_NODE_DISK_PRESSURE, "NoSchedule"), (TAINT_NODE_MEMORY_PRESSURE, "NoSchedule"),
                        (TAINT_NODE_PID_PRESSURE, "NoSchedule"), (TAINT_NODE_UNSCHEDULABLE, "NoSchedule")):
        add_or_update_toleration(spec, {"key": key, "operator": "Exists", "effect": effect})
    if spec.get("hostNetwork"):
        add_or_update_toleration(spec, {"key": TAINT_NODE_NETWORK_UNAVAILABLE, "operator": "Exists",
                                        "effect": "NoSchedule"})


# --------------------------------------------------------------- templates
def template_generation(ds: Obj) -> int | None:
    """``GetTemplateGeneration``: the deprecated annotation, if present and numeric."""
    value = annotations_of(ds).get(TEMPLATE_GENERATION_ANNOTATION)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def create_pod_template(template: Obj, generation: int | None, hash_: str) -> Obj:
    """``CreatePodTemplate``: the template plus daemon tolerations, generation and hash labels."""
    new = copy_obj(template or {})
    new.setdefault("metadata", {})
    add_or_update_daemon_pod_tolerations(new.setdefault("spec", {}))
    labels = new["metadata"].setdefault("labels", {})
    if generation is not None:
        labels[TEMPLATE_GENERATION_LABEL] = str(generation)
    if hash_:
        labels[REVISION_HASH_LABEL] = hash_
    return new


def replace_node_name_affinity(affinity: Obj | None, node_name: str) -> Obj:
    """``ReplaceDaemonSetPodNodeNameNodeAffinity``: required affinity to exactly ``node_name``."""
    term = {"matchFields": [{"key": NODE_NAME_FIELD, "operator": "In", "values": [node_name]}]}
    out = copy_obj(affinity) if affinity else {}
    node_aff = out.get("nodeAffinity")
    if not node_aff:
        out["nodeAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}
        return out
    required = node_aff.get("requiredDuringSchedulingIgnoredDuringExecution")
    if required is None:
        node_aff["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [term]}
        return out
    required["nodeSelectorTerms"] = [term]
    return out


def target_node_name(pod: Obj) -> str | None:
    """``GetTargetNodeName``: ``spec.nodeName``, else the node the required affinity pins."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return spec["nodeName"]
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution")) or {}
    for term in required.get("nodeSelectorTerms") or []:
        for exp in term.get("matchFields") or []:
            if exp.get("key") == NODE_NAME_FIELD and exp.get("operator") == "In":
                values = exp.get("values") or []
                return values[0] if len(values) == 1 else None
    return None


def is_pod_updated(pod: Obj, hash_: str, generation: int | None) -> bool:
    """``IsPodUpdated``: the pod's revision hash (or legacy template generation) is current."""
    labels = labels_of(pod)
    template_matches = generation is not None and labels.get(TEMPLATE_GENERATION_LABEL) == str(generation)
    hash_matches = bool(hash_) and labels.get(REVISION_HASH_LABEL) == hash_
    return hash_matches or template_matches


# ---------------------------------------------------------------- strategy
def _rolling_update(ds: Obj) -> Obj | None:
    strategy = (ds.get("spec") or {}).get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return None
    return strategy.get("rollingUpdate")


def surge_count(ds: Obj, number_to_schedule: int) -> int:
    """``SurgeCount``: ``maxSurge`` scaled (rounding up); 0 unless RollingUpdate sets it."""
    ru = _rolling_update(ds)
    if ru is None or ru.get("maxSurge") is None:
        return 0
    return scaled_value(ru["maxSurge"], number_to_schedule, True)


def unavailable_count(ds: Obj, number_to_schedule: int) -> int:
    """``UnavailableCount``: ``maxUnavailable`` scaled (rounding up); 0 unless RollingUpdate."""
    ru = _rolling_update(ds)
    if ru is None:
        return 0
    return scaled_value(ru.get("maxUnavailable"), number_to_schedule, True)


def allows_surge(ds: Obj) -> bool:
    """``AllowsSurge``: a positive surge for one node."""
    try:
        return surge_count(ds, 1) > 0
    except ValueError:
        return False


# ------------------------------------------------------------- eligibility
def new_pod(ds: Obj, node_name: str) -> Obj:
    """``NewPod``: the pod the DaemonSet would run on ``node_name``, for the predicates."""
    tmpl = (ds.get("spec") or {}).get("template") or {}
    spec = copy_obj(tmpl.get("spec") or {})
    spec["nodeName"] = node_name
    add_or_update_daemon_pod_tolerations(spec)
    return {"metadata": {"namespace": ds["metadata"].get("namespace", ""),
                         "labels": dict((tmpl.get("metadata") or {}).get("labels") or {})},
            "spec": spec}


def node_should_run(node: Obj, ds: Obj) -> tuple[bool, bool]:
    """``NodeShouldRunDaemonPod`` → (shouldRun, shouldContinueRunning).

    A pod should run where the template's ``nodeName`` (if any), node selector and required
    node affinity match and every NoSchedule/NoExecute taint is tolerated; a running pod may
    stay where only NoSchedule taints are untolerated."""
    template_node = (((ds.get("spec") or {}).get("template") or {}).get("spec") or {}).get("nodeName")
    if template_node and template_node != name_of(node):
        return False, False
    pod = new_pod(ds, name_of(node))
    if not pod_matches_node_selector_and_affinity(pod, node):
        return False, False
    taints = (node.get("spec") or {}).get("taints") or []
    tolerations = pod["spec"].get("tolerations") or []
    if untolerated_taint(taints, tolerations, ("NoExecute", "NoSchedule")) is not None:
        return False, untolerated_taint(taints, tolerations, ("NoExecute",)) is None
    return True, True


def pod_order_key(pod: Obj) -> tuple[Any, ...]:
    """``podByCreationTimestampAndPhase``: scheduled pods first, then oldest, then by name."""
    return (not (pod.get("spec") or {}).get("nodeName"), pod["metadata"].get("creationTimestamp", ""),
            name_of(pod))


# ----------------------------------------------------------------- backoff
class Backoff:
    """``flowcontrol.Backoff`` as the DaemonSet controller uses it: 1 s doubling to 15 min,
    per key, forgotten after twice the maximum without an update."""

    def __init__(self, initial: float = 1.0, maximum: float = 900.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self._entries: dict[str, tuple[float, float]] = {}  # key → (backoff, last update)

    def get(self, key: str) -> float:
        entry = self._entries.get(key)
        return entry[0] if entry else 0.0

    def in_backoff_since_update(self, key: str, now: float) -> bool:
        entry = self._entries.get(key)
        if entry is None or now - entry[1] > 2 * self.maximum:
            return False
        return now - entry[1] < entry[0]

    def next(self, key: str, now: float) -> None:
        entry = self._entries.get(key)
        if entry is None or now - entry[1] > 2 * self.maximum:
            self._entries[key] = (self.initial, now)
        else:
            self._entries[key] = (min(entry[0] * 2, self.maximum), now)

    def gc(self, now: float) -> None:
        for key in [k for k, (_, last) in self._entries.items() if now - last > 2 * self.maximum]:
            del self._entries[key]
