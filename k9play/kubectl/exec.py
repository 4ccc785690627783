"""``kubectl exec POD -c CONTAINER -- sh -c LINE``: one command in a simulated container.

Nothing runs on the host: the line goes to the container process's own ``exec`` (the same
path probes and hooks take), i.e. ``kubelet/shell.py`` over that container's in-memory
filesystem. Limits of the simulation: each line is a fresh ``sh -c`` (no ``cd`` or variables
carried between lines), and ``sleep`` inside a line is skipped over rather than waited for
(up to :data:`EXEC_BUDGET` seconds of sleeps, then the command counts as still running).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from k9play.api.meta import Obj

if TYPE_CHECKING:
    from k9play.cluster import Cluster

#: Simulated seconds of ``sleep`` one interactive line may contain.
EXEC_BUDGET = 60.0


class ExecError(Exception):
    """kubectl's error for an exec that cannot start (its text is what kubectl prints)."""


@dataclass(frozen=True)
class ExecOutput:
    code: int | None  # None: still running when the budget ran out
    output: str


def containers_of(pod: Obj) -> list[str]:
    """App containers, then init containers (kubectl's order for ``-c`` completion)."""
    spec = pod.get("spec") or {}
    return [c["name"] for c in spec.get("containers") or []] + [c["name"] for c in spec.get("initContainers") or []]


def default_container(pod: Obj) -> str:
    """The ``kubectl.kubernetes.io/default-container`` annotation, else the first container."""
    names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
    default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
    return default if default in names else (names[0] if names else "")


def run_line(cluster: Cluster, pod: Obj, container: str, line: str) -> ExecOutput:
    """Run ``sh -c line`` in the container; raises :class:`ExecError` as kubectl would fail."""
    name = pod["metadata"]["name"]
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise ExecError(f"error: cannot exec into a container in a completed pod; current phase is {phase}")
    if container not in containers_of(pod):
        raise ExecError(f"error: container {container} not found in pod {name}")
    worker = cluster.kubelets.worker(pod)
    run = worker.find(container) if worker is not None else None
    proc = run.process if run is not None else None
    if proc is None or proc.exited:
        raise ExecError(f'error: unable to upgrade connection: container not found ("{container}")')
    result = proc.exec(["sh", "-c", line], EXEC_BUDGET)
    return ExecOutput(result.code, result.output)
