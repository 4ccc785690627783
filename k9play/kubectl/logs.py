"""``kubectl logs``: container logs from the simulated runtime (current or ``--previous``),
``-c``, ``--tail``, ``--timestamps``, and ``-f`` (in the sim shell, simulated time passes
until the container stops)."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from k9play.api import errors, resources
from k9play.api.meta import Obj
from k9play.kubectl.commands import CommandError, Flags, Result

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

FOLLOW_TIMEOUT = 3600.0


def _stamp(t: float) -> str:
    d = _dt.datetime.fromtimestamp(t, _dt.UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond * 1000:09d}Z"


def _pod_for(k: Kubectl, flags: Flags, ref: str, result: Result) -> Obj:
    ns = k.namespace_of(flags)
    if "/" not in ref:
        pod = k.store.try_get("Pod", ref, ns)
        if pod is None:
            raise CommandError(errors.not_found("pods", ref).kubectl_text(), verbatim=True)
        return pod
    kind, _, name = ref.partition("/")
    rt = resources.lookup(kind)
    if rt is None:
        raise CommandError(f'the server doesn\'t have a resource type "{kind}"')
    if rt.kind == "Pod":
        return _pod_for(k, flags, name, result)
    owner = k.store.try_get(rt.kind, name, ns)
    if owner is None:
        raise CommandError(errors.not_found(rt.resource, name).kubectl_text(), verbatim=True)
    from k9play.api.selectors import selector_from_labels, selector_from_spec

    sel_spec = (owner.get("spec") or {}).get("selector")
    sel = selector_from_labels(sel_spec) if rt.kind in ("ReplicationController", "Service") else \
        selector_from_spec(sel_spec)
    pods = sorted(k.store.list("Pod", ns, sel), key=lambda p: p["metadata"].get("creationTimestamp", ""))
    if not pods:
        raise CommandError("timed out waiting for the condition")
    if len(pods) > 1:
        result.error(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}")
    return pods[0]


#: ``kubectl logs -l``: the default ``--tail`` and how many pods it reads at most
SELECTOR_TAIL, MAX_LOG_REQUESTS = 10, 5


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    if not flags.args and flags.get("selector"):
        _run_selected(k, flags, result)
        return
    if not flags.args:
        raise CommandError("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a "
                           "required argument for the logs command")
    pod = _pod_for(k, flags, flags.args[0], result)
    name = pod["metadata"]["name"]
    containers = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
    inits = [c["name"] for c in (pod.get("spec") or {}).get("initContainers") or []]
    container = flags.get("container") or (flags.args[1] if len(flags.args) > 1 else None)
    if container is None:
        default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
        container = default if default in containers else containers[0]
        if len(containers) > 1 and not default:
            result.error(f'Defaulted container "{container}" out of: {", ".join(containers)}')
    if container not in containers + inits:
        raise CommandError(f"container {container} is not valid for pod {name}")
    check = getattr(k.store, "check", None)  # the pods/log subresource, for a user kubectl acts as
    if check is not None:
        check("get", "Pod", pod["metadata"]["namespace"], name, "log")
    previous = flags.has("previous")
    problem = log_problem(pod, container, previous)
    if problem:
        raise CommandError(f"Error from server (BadRequest): {problem}", verbatim=True)
    lines = k.cluster.kubelets.logs(pod, container, previous)
    lines = lines or []
    tail = flags.get("tail")
    if tail is not None and int(tail) >= 0:
        lines = lines[-int(tail):] if int(tail) else []
    stamps = flags.has("timestamps")
    for t, line in lines:
        result.write(f"{_stamp(t)} {line}\n" if stamps else line + "\n")
    if flags.has("follow") and not previous and k.wait is not None:
        _follow(k, pod, container, len(k.cluster.kubelets.logs(pod, container) or []), stamps, result)


def log_problem(pod: Obj, container: str, previous: bool) -> str | None:
    """Why the kubelet would refuse to serve these logs (``validateContainerLogStatus``)."""
    name = pod["metadata"]["name"]
    status = _container_status(pod, container)
    if status is None:
        return f'container "{container}" in pod "{name}" is waiting to start: ContainerCreating'
    last = (status.get("lastState") or {}).get("terminated")
    state = status.get("state") or {}
    if previous:
        if not last or not last.get("containerID"):
            return f'previous terminated container "{container}" in pod "{name}" not found'
        return None
    if "running" in state or "terminated" in state or last:
        return None
    reason = (state.get("waiting") or {}).get("reason", "")
    if reason == "ErrImagePull":
        return f'container "{container}" in pod "{name}" is waiting to start: image can\'t be pulled'
    if reason == "ImagePullBackOff":
        return f'container "{container}" in pod "{name}" is waiting to start: trying and failing to pull image'
    if reason:
        return f'container "{container}" in pod "{name}" is waiting to start: {reason}'
    return f'container "{container}" in pod "{name}" is waiting to start - no logs yet'


def _container_status(pod: Obj, container: str) -> Obj | None:
    st = pod.get("status") or {}
    for cs in (st.get("containerStatuses") or []) + (st.get("initContainerStatuses") or []):
        if cs.get("name") == container:
            return cs
    return None


def _follow(k: Kubectl, pod: Obj, container: str, seen: int, stamps: bool, result: Result) -> None:
    """Stream new lines while simulated time passes, until the container stops."""
    state = {"seen": seen}
    worker = k.cluster.kubelets.worker(pod)
    run = worker.find(container) if worker is not None else None
    proc = run.process if run is not None else None

    def done() -> bool:
        lines = proc.logs if proc is not None else []
        for t, line in lines[state["seen"]:]:
            result.write(f"{_stamp(t)} {line}\n" if stamps else line + "\n")
        state["seen"] = len(lines)
        return proc is None or proc.exited

    assert k.wait is not None
    k.wait(done, FOLLOW_TIMEOUT)


def _run_selected(k: Kubectl, flags: Flags, result: Result) -> None:
    """``logs -l SELECTOR``: every matching pod's default container (``--tail`` defaults to 10),
    in name order, at most ``--max-log-requests`` of them, prefixed with ``--prefix``."""
    from k9play.api.selectors import SelectorError, parse_label_selector

    try:
        selector = parse_label_selector(flags.get("selector"))
    except SelectorError as e:
        raise CommandError(str(e)) from None
    pods = sorted(k.store.list("Pod", k.namespace_of(flags), selector), key=lambda p: p["metadata"]["name"])
    if not pods:
        result.error(f"No resources found in {k.namespace_of(flags)} namespace.")
        return
    limit = int(flags.get("max-log-requests") or MAX_LOG_REQUESTS)
    if flags.has("follow") and len(pods) > limit:
        raise CommandError(f"you are attempting to follow {len(pods)} log streams, but maximum allowed concurrency "
                           f"is {limit}, use --max-log-requests to increase the limit")
    tail = int(flags.get("tail") if flags.get("tail") is not None else SELECTOR_TAIL)
    for pod in pods:
        spec = pod.get("spec") or {}
        containers = [c["name"] for c in spec.get("containers") or []]
        default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
        container = flags.get("container") or (default if default in containers else containers[0])
        if log_problem(pod, container, flags.has("previous")):
            continue
        lines = k.cluster.kubelets.logs(pod, container, flags.has("previous")) or []
        lines = lines[-tail:] if tail > 0 else ([] if tail == 0 else lines)
        prefix = f"[pod/{pod['metadata']['name']}/{container}] " if flags.has("prefix") else ""
        for t, line in lines:
            result.write(prefix + (f"{_stamp(t)} {line}" if flags.has("timestamps") else line) + "\n")
