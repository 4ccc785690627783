"""``kubectl exec [TYPE/]NAME [-c CONTAINER] [-i] [-t] -- COMMAND [ARGS…]`` (kubectl v1.34).

The command runs in the simulated container (``kubelet/shell.py``; ``curl``/``wget``/
``nslookup`` go through the simulated network), never on the host. Its output is printed as
it would come back over the stream; a non-zero exit prints ``command terminated with exit
code N`` and becomes kubectl's own exit code. Simulated time does not pass while it runs:
``sleep`` and network waits inside the command are skipped over, up to :data:`EXEC_BUDGET`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.meta import Obj
from k9play.api.pods import is_ready
from k9play.api.selectors import selector_from_labels, selector_from_spec
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_type
from k9play.kubectl.exec import containers_of, default_container

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

#: simulated seconds of sleeps and waits one command may contain (curl's connect timeout is 300 s)
EXEC_BUDGET = 600.0


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    if not flags.args:
        raise CommandError("expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD_NAME and COMMAND are "
                           "required arguments for the exec command\nSee 'kubectl exec -h' for help and examples",
                           verbatim=True)
    if len(flags.args) > 1:  # kubectl v1.34 ``ExecOptions.Complete``: the command must follow ``--``
        raise CommandError("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
                           "instead\nSee 'kubectl exec -h' for help and examples", verbatim=True)
    argv = flags.command
    if not argv:
        raise CommandError("you must specify at least one command for the container")
    ns = k.namespace_of(flags)
    pod = attachable_pod(k.store, flags.args[0], ns)
    container = flags.get("container")
    if container is None:
        container = default_container(pod)
        spec = pod.get("spec") or {}
        apps = [c["name"] for c in spec.get("containers") or []]
        inits = [f'{c["name"]} (init)' for c in spec.get("initContainers") or []]
        if len(apps) > 1 or inits:  # podcmd.FindOrDefaultContainerByName
            result.error(f'Defaulted container "{container}" out of: {", ".join(apps + inits)}')
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise CommandError(f"cannot exec into a container in a completed pod; current phase is {phase}")
    if container not in containers_of(pod):
        raise CommandError(f"container {container} not found in pod {pod['metadata']['name']}")
    worker = k.cluster.kubelets.worker(pod)
    run_ = worker.find(container) if worker is not None else None
    proc = run_.process if run_ is not None else None
    if proc is None or proc.exited:
        raise CommandError(f'unable to upgrade connection: container not found ("{container}")')
    out = proc.exec(list(argv), EXEC_BUDGET)
    result.write(out.output)
    if out.code is None:
        result.error(f"k9play: the command was still running after {int(EXEC_BUDGET)}s of simulated time; "
                     "stopped")
        result.code = 130
    elif out.code:
        result.error(f"command terminated with exit code {out.code}")
        result.code = out.code


def attachable_pod(store: Any, ref: str, ns: str) -> Obj:
    """A pod by name, or the first pod of ``TYPE/NAME`` (``attachablePodForObject``); ``store`` is
    the store or its authorizing facade (the prompt's completion asks as the acting user)."""
    kind, sep, name = ref.partition("/")
    if not sep:
        kind, name = "pod", ref
    rt = resolve_type(kind)
    obj = store.try_get(rt.kind, name, ns)
    if obj is None:
        raise CommandError(errors.not_found(rt.resource, name).kubectl_text(), verbatim=True)
    if rt.kind == "Pod":
        return obj
    spec = obj.get("spec") or {}
    try:
        sel = selector_from_labels(spec["selector"]) if rt.kind in ("Service", "ReplicationController") \
            else selector_from_spec(spec.get("selector"))
    except (KeyError, ValueError):
        raise CommandError(f"cannot attach to {rt.kind}: selector for {rt.kind} not implemented") from None
    pods = [p for p in store.list("Pod", ns, sel) if not p["metadata"].get("deletionTimestamp")]
    if not pods:
        raise CommandError(f"no pods found for {ref}" if rt.kind != "Service" else
                           f"cannot attach to *v1.Service: no pods found for service {name}")
    pods.sort(key=lambda p: (not is_ready(p), p["metadata"].get("creationTimestamp", ""), p["metadata"]["name"]))
    return pods[0]
