"""``kubectl rollout status|history|undo|pause|resume|restart`` for Deployments,
DaemonSets and StatefulSets, with kubectl's messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.meta import Obj, copy_obj, format_time
from k9play.api.resources import ResourceType
from k9play.controllers import deployment_util as du
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_resources
from k9play.kubectl.printers import tabulate

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

ROLLABLE = ("Deployment", "DaemonSet", "StatefulSet")
#: how long ``rollout status`` waits (virtual seconds) before giving up, like --timeout=0 would not
STATUS_TIMEOUT = 3600.0


def _timeout(flags: Flags) -> float:
    """``--timeout`` (a Go duration; 0 or absent: wait as long as it takes, up to ``STATUS_TIMEOUT``)."""
    from k9play.controllers.cronjob_schedule import ScheduleError, parse_go_duration

    text = flags.get("timeout")
    if text is None:
        return STATUS_TIMEOUT
    try:
        seconds = parse_go_duration(text)
    except ScheduleError as e:
        raise CommandError(f'invalid argument "{text}" for "--timeout" flag: {e}') from None
    return seconds or STATUS_TIMEOUT


def _targets(k: Kubectl, flags: Flags, verb: str) -> list[tuple[ResourceType, Obj]]:
    reqs = resolve_resources(flags.args[1:])
    if not reqs:
        raise CommandError("required resource not specified")
    out = []
    ns = k.namespace_of(flags)
    for req in reqs:
        if req.rt.kind not in ROLLABLE:
            raise CommandError(f'no {verb}er has been implemented for "{req.rt.group or "core"}", Kind='
                               f'"{req.rt.kind}"' if verb != "status" else
                               f'no status viewer has been implemented for {req.rt.kind}')
        if not req.names:
            raise CommandError("resource name may not be empty")
        for name in req.names:
            obj = k.store.try_get(req.rt.kind, name, ns)
            if obj is None:
                raise CommandError(errors.not_found(req.rt.resource, name).kubectl_text(), verbatim=True)
            out.append((req.rt, obj))
    return out


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    if not flags.args:
        raise CommandError("You must specify a rollout subcommand: history, pause, restart, resume, status, undo",
                           verbatim=True)
    sub = flags.args[0]
    handler = {"status": status, "history": history, "undo": undo, "pause": pause, "resume": resume,
               "restart": restart}.get(sub)
    if handler is None:
        raise CommandError(f'unknown command "{sub}" for "kubectl rollout"')
    handler(k, flags, result)


# -------------------------------------------------------------------- status
def status_line(obj: Obj) -> tuple[str, bool]:
    """kubectl's rollout status viewers: (message, done); raises on a progress deadline."""
    kind, name = obj["kind"], obj["metadata"]["name"]
    st = obj.get("status") or {}
    gen, observed = obj["metadata"].get("generation", 1), st.get("observedGeneration", 0)
    if kind == "Deployment":
        if gen > observed:
            return "Waiting for deployment spec update to be observed...", False
        cond = du.get_condition(st, "Progressing")
        if cond is not None and cond.get("reason") == du.TIMED_OUT_REASON:
            raise CommandError(f'deployment "{name}" exceeded its progress deadline')
        want = du.replicas(obj)
        updated, replicas, available = st.get("updatedReplicas", 0), st.get("replicas", 0), \
            st.get("availableReplicas", 0)
        if updated < want:
            return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} new replicas '
                    "have been updated..."), False
        if replicas > updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {replicas - updated} old replicas are '
                    "pending termination..."), False
        if available < updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated '
                    "replicas are available..."), False
        return f'deployment "{name}" successfully rolled out', True
    if kind == "DaemonSet":
        if (obj.get("spec", {}).get("updateStrategy") or {}).get("type") != "RollingUpdate":
            raise CommandError("rollout status is only available for RollingUpdate strategy type")
        if gen > observed:
            return "Waiting for daemon set spec update to be observed...", False
        desired, updated = st.get("desiredNumberScheduled", 0), st.get("updatedNumberScheduled", 0)
        available = st.get("numberAvailable", 0)
        if updated < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} new pods have '
                    "been updated..."), False
        if available < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} updated pods '
                    "are available..."), False
        return f'daemon set "{name}" successfully rolled out', True
    # StatefulSet
    spec = obj.get("spec") or {}
    if (spec.get("updateStrategy") or {}).get("type", "RollingUpdate") != "RollingUpdate":
        raise CommandError("rollout status is only available for RollingUpdate strategy type")
    if gen > observed:
        return "Waiting for statefulset spec update to be observed...", False
    want = spec.get("replicas", 1)
    if st.get("readyReplicas", 0) < want:
        return f"Waiting for {want - st.get('readyReplicas', 0)} pods to be ready...", False
    partition = ((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition", 0)
    if partition:
        if st.get("updatedReplicas", 0) < want - partition:
            return (f"Waiting for partitioned roll out to finish: {st.get('updatedReplicas', 0)} out of "
                    f"{want - partition} new pods have been updated..."), False
        return f"partitioned roll out complete: {st.get('updatedReplicas', 0)} new pods have been updated...", True
    if st.get("updateRevision") != st.get("currentRevision"):
        return (f"waiting for statefulset rolling update to complete {st.get('updatedReplicas', 0)} pods at "
                f"revision {st.get('updateRevision')}..."), False
    return (f"statefulset rolling update complete {st.get('currentReplicas', 0)} pods at revision "
            f"{st.get('currentRevision')}..."), True


def status(k: Kubectl, flags: Flags, result: Result) -> None:
    watch = (flags.get("watch") or "true").lower() != "false"
    for rt, obj in _targets(k, flags, "status"):
        seen = ""
        line, done = status_line(obj)
        result.write(line + "\n")
        seen = line
        if not watch or done or k.wait is None:
            continue
        state = {"line": seen, "done": False}

        def progressed(rt: ResourceType = rt, obj: Obj = obj, state: dict = state) -> bool:
            cur = k.store.try_get(rt.kind, obj["metadata"]["name"], obj["metadata"]["namespace"])
            if cur is None:
                raise CommandError(f'{rt.resource} "{obj["metadata"]["name"]}" not found')
            text, finished = status_line(cur)
            if text != state["line"]:
                result.write(text + "\n")
                state["line"] = text
            state["done"] = finished
            return finished

        k.wait(progressed, _timeout(flags))
        if not state["done"]:
            raise CommandError("timed out waiting for the condition")


# ------------------------------------------------------------------- history
def _revisions(k: Kubectl, d: Obj) -> dict[int, Obj]:
    """Deployment revisions: each owned ReplicaSet's revision annotation (and history)."""
    out: dict[int, Obj] = {}
    uid = d["metadata"]["uid"]
    for rs in k.store.list("ReplicaSet", d["metadata"]["namespace"]):
        if not any(r.get("uid") == uid for r in rs["metadata"].get("ownerReferences") or []):
            continue
        rev = du.revision_of(rs)
        if rev:
            out[rev] = rs
    return out


def _controller_revisions(k: Kubectl, obj: Obj) -> dict[int, Obj]:
    uid = obj["metadata"]["uid"]
    return {int(cr.get("revision", 0)): cr for cr in k.store.list("ControllerRevision", obj["metadata"]["namespace"])
            if any(r.get("uid") == uid for r in cr["metadata"].get("ownerReferences") or [])}


def history(k: Kubectl, flags: Flags, result: Result) -> None:
    from k9play.kubectl.describe_pod import describe_pod_template
    from k9play.kubectl.describe_util import PrefixWriter

    want = flags.get("revision")
    for rt, obj in _targets(k, flags, "history"):
        revs = _revisions(k, obj) if rt.kind == "Deployment" else _controller_revisions(k, obj)
        if want:
            rev = int(want)
            if rev not in revs:
                raise CommandError("unable to find the specified revision")
            src = revs[rev]
            template = (src.get("spec") or {}).get("template") if rt.kind == "Deployment" else \
                ((src.get("data") or {}).get("spec") or {}).get("template")
            result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} with revision #{rev}\n")
            w = PrefixWriter()
            describe_pod_template(w, template or {})
            result.write(w.render() + "\n")
            continue
        rows = [["REVISION", "CHANGE-CAUSE"]]
        for rev in sorted(revs):
            cause = (revs[rev]["metadata"].get("annotations") or {}).get("kubernetes.io/change-cause") or "<none>"
            rows.append([str(rev), cause])
        result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} \n")
        result.write(_tabbed(rows) + "\n")


def _tabbed(rows: list[list[str]]) -> str:
    """kubectl's ``tabbedString``: tabwriter with padding 2 and no minimum width."""
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(len(rows[0]) - 1)]
    return "\n".join("".join(c.ljust(widths[i]) for i, c in enumerate(r[:-1])) + r[-1] for r in rows) + "\n"


# ---------------------------------------------------------------------- undo
def undo(k: Kubectl, flags: Flags, result: Result) -> None:
    to = int(flags.get("to-revision") or 0)
    for rt, obj in _targets(k, flags, "rollback"):
        name = obj["metadata"]["name"]
        if rt.kind != "Deployment":
            result.write(_undo_controller_revision(k, rt, obj, to))
            continue
        if obj["spec"].get("paused"):
            raise CommandError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
                               "resume' and try again")
        revs = _revisions(k, obj)
        if not revs:
            raise CommandError(f'no rollout history found for deployment "{name}"')
        if to == 0:
            ordered = sorted(revs)
            if len(ordered) < 2:
                raise CommandError(f'no rollout history found for deployment "{name}"')
            to = ordered[-2]
        if to not in revs:
            raise CommandError(f"unable to find specified revision {to} in history")
        template = copy_obj(revs[to]["spec"]["template"])
        template.get("metadata", {}).get("labels", {}).pop(du.HASH_LABEL, None)
        if du.equal_ignore_hash(template, obj["spec"]["template"]):
            result.write(f"{rt.qualified_kind}/{name} skipped rollback (current template already matches revision "
                         f"{to})\n")
            continue
        new = copy_obj(obj)
        new["spec"]["template"] = template
        anns = {k_: v for k_, v in (revs[to]["metadata"].get("annotations") or {}).items()
                if k_ not in du.SKIP_ANNOTATIONS and not k_.startswith("deployment.kubernetes.io/")}
        if anns:
            new["metadata"].setdefault("annotations", {}).update(anns)
        k.store.update(new)
        result.write(f"{rt.qualified_kind}/{name} rolled back\n")


def _undo_controller_revision(k: Kubectl, rt: ResourceType, obj: Obj, to: int) -> str:
    revs = _controller_revisions(k, obj)
    if not revs:
        raise CommandError(f'no rollout history found for {rt.singular} "{obj["metadata"]["name"]}"')
    if to == 0:
        ordered = sorted(revs)
        if len(ordered) < 2:
            raise CommandError('no last revision to roll back to')
        to = ordered[-2]
    if to not in revs:
        raise CommandError(f"unable to find specified revision {to} in history")
    patch = (revs[to].get("data") or {})
    new = copy_obj(obj)
    template = ((patch.get("spec") or {}).get("template"))
    if template:
        new["spec"]["template"] = copy_obj(template)
    k.store.update(new)
    return f"{rt.qualified_kind}/{obj['metadata']['name']} rolled back\n"


# ------------------------------------------------------- pause/resume/restart
def pause(k: Kubectl, flags: Flags, result: Result) -> None:
    _set_paused(k, flags, result, True)


def resume(k: Kubectl, flags: Flags, result: Result) -> None:
    _set_paused(k, flags, result, False)


def _set_paused(k: Kubectl, flags: Flags, result: Result, paused: bool) -> None:
    verb = "pause" if paused else "resume"
    for rt, obj in _targets(k, flags, verb):
        if rt.kind != "Deployment":
            raise CommandError(f'{rt.qualified_kind}/{obj["metadata"]["name"]} is not supported: {verb}ing is '
                               "not supported")
        if bool(obj["spec"].get("paused")) == paused:
            state = "already paused" if paused else "not paused"
            raise CommandError(f'{rt.resource} "{obj["metadata"]["name"]}" is {state}')
        new = copy_obj(obj)
        if paused:
            new["spec"]["paused"] = True
        else:
            new["spec"].pop("paused", None)
        k.store.update(new)
        result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} {'paused' if paused else 'resumed'}\n")


def restart(k: Kubectl, flags: Flags, result: Result) -> None:
    for rt, obj in _targets(k, flags, "restart"):
        if rt.kind == "Deployment" and obj["spec"].get("paused"):
            raise CommandError("can't restart paused deployment (run rollout resume first)")
        new = copy_obj(obj)
        md = new["spec"]["template"].setdefault("metadata", {})
        md.setdefault("annotations", {})["kubectl.kubernetes.io/restartedAt"] = format_time(k.now())
        k.store.update(new)
        result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} restarted\n")


__all__ = ["run", "status_line", "tabulate"]
