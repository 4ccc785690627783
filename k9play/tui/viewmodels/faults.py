"""The fault menu of one object: which of ``cluster.faults`` apply to it, in ``k9play sim``'s words.

The TUI's ``!`` key lists these choices for the row under the cursor; each choice's label is
the ``k9play sim fault …`` command that does the same (``kill``, ``probe liveness fail``,
``node-down`` …), so the two faces share one vocabulary. Choices that need more input say so
(``ask``): a crash in a multi-container pod asks which container, a load asks how much CPU.
Nothing here touches Textual; the screen only shows the labels and runs the chosen one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from k9play.api.meta import Obj, uid_of
from k9play.cluster import Cluster
from k9play.faults import Faults, LoadKind
from k9play.kubelet import images

#: kinds whose pods share a CPU load (``fault load KIND/NAME CPU``), by the name ``faults.load`` takes
LOAD_KINDS: dict[str, LoadKind] = {
    "Pod": "pod", "Deployment": "deployment", "ReplicaSet": "replicaset", "StatefulSet": "statefulset",
    "DaemonSet": "daemonset", "ReplicationController": "replicationcontroller", "Job": "job",
}
#: kinds with a fault menu
FAULT_KINDS = frozenset({*LOAD_KINDS, "Node"})
PROBES = ("liveness", "readiness", "startup")

Ask = Literal["", "container", "cpu"]
#: ``(faults, answer) → what was done``; ``answer`` is the container or CPU the choice asked for
Run = Callable[[Faults, str], str]


@dataclass(frozen=True, slots=True)
class FaultChoice:
    """One line of the menu: the ``k9play sim fault`` words, what to ask first, and the injection."""

    label: str
    run: Run
    ask: Ask = ""
    options: tuple[str, ...] = ()  # the containers to pick from when ``ask == "container"``


def fault_menu(cluster: Cluster, kind: str, obj: Obj) -> list[FaultChoice]:
    """The faults that make sense for ``obj`` right now (empty for kinds without any)."""
    if kind == "Node":
        return _node_menu(cluster, obj["metadata"]["name"])
    if kind not in LOAD_KINDS:
        return []
    md = obj["metadata"]
    name, ns = md["name"], md.get("namespace", "default")
    choices = _pod_menu(cluster, obj) if kind == "Pod" else []
    unpullable = cluster.kubelets.unpullable
    for image in _images(obj):
        full = images.parse_image(image).full
        if full in unpullable:
            choices.append(FaultChoice(f"image-pullable {image}", lambda f, _, i=image: f.image_pullable(i)))
        else:
            choices.append(FaultChoice(f"image-unpullable {image}", lambda f, _, i=image: f.image_unpullable(i)))
    load_kind = LOAD_KINDS[kind]
    choices.append(FaultChoice("load CPU…", lambda f, cpu: f.load(load_kind, name, ns, cpu), ask="cpu"))
    return choices


def _node_menu(cluster: Cluster, node: str) -> list[FaultChoice]:
    kubelet = cluster.kubelets.kubelets.get(node)
    if kubelet is None:
        return []
    if kubelet.down:
        return [FaultChoice("node-up", lambda f, _: f.node_up(node))]
    choices = [FaultChoice("node-down", lambda f, _: f.node_down(node))]
    for kind in ("memory", "disk"):
        if not kubelet.pressure.get(kind):
            choices.append(FaultChoice(f"pressure {kind}", lambda f, _, k=kind: f.pressure(node, k)))
    if any(kubelet.pressure.values()):
        choices.append(FaultChoice("pressure off", lambda f, _: f.pressure(node, "off")))
    return choices


def _pod_menu(cluster: Cluster, pod: Obj) -> list[FaultChoice]:
    md = pod["metadata"]
    name, ns = md["name"], md.get("namespace", "default")
    choices = [FaultChoice("kill", lambda f, _: f.kill(name, ns))]
    containers = [c for c in (pod.get("spec") or {}).get("containers") or []]
    names = tuple(c["name"] for c in containers)
    if len(names) == 1:
        choices.append(FaultChoice("crash", lambda f, _: f.crash(name, ns, names[0])))
    elif names:
        choices.append(FaultChoice("crash CONTAINER…", lambda f, c: f.crash(name, ns, c), ask="container",
                                   options=names))
    failing = _failing_probes(cluster, pod)
    all_specs = [*containers, *((pod.get("spec") or {}).get("initContainers") or [])]
    for probe in PROBES:
        if any(f"{probe}Probe" in c for c in all_specs):
            fail = probe not in failing
            label = f"probe {probe} {'fail' if fail else 'pass'}"
            choices.append(FaultChoice(label, lambda f, _, p=probe, x=fail: f.probe(name, ns, p, x)))
    return choices


def _failing_probes(cluster: Cluster, pod: Obj) -> set[str]:
    """The probes a ``probe … fail`` fault forces on this pod's worker (none if it has no worker)."""
    node = (pod.get("spec") or {}).get("nodeName")
    kubelet = cluster.kubelets.kubelets.get(node) if node else None
    worker = kubelet.workers.get(uid_of(pod)) if kubelet is not None else None
    return set(worker.failing_probes) if worker is not None else set()


def _images(obj: Obj) -> list[str]:
    """Distinct container images of a pod or a pod template, in order."""
    spec = obj.get("spec") or {}
    if obj.get("kind") != "Pod":
        spec = ((spec.get("jobTemplate") or {}).get("spec") or spec).get("template", {}).get("spec") or {}
    seen: list[str] = []
    for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        image = c.get("image")
        if image and image not in seen:
            seen.append(image)
    return seen
