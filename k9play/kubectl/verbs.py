"""The k9s verbs as a client performs them: delete, kill, scale, restart, rollback, cordon,
trigger, suspend, set image, decode.

Textual-free so the TUI (and tests) share one implementation. Each verb goes through the
store's API like a client; where kubectl has the command (``scale``, ``set image``, ``rollout
restart|undo``, ``create job --from``) the verb runs that command so its checks and messages
stay the same. Results are one-line :class:`Outcome` texts in k9s' wording for the flash line.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.meta import Obj, random_suffix
from k9play.api.resources import ResourceType
from k9play.kubectl.commands import Kubectl

if TYPE_CHECKING:
    from k9play.cluster import Cluster

Key = tuple[str, str]  # (namespace, name); namespace "" for cluster-scoped kinds

#: k9s' ``dao.NowGrace``: ``ctrl-k`` kills a pod like ``kubectl delete --now``.
KILL_GRACE = 1
#: Propagation choices of k9s' delete dialog; "None" sends no policy (the server default).
PROPAGATIONS = ("Background", "Foreground", "Orphan", "None")
SCALABLE = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController")
RESTARTABLE = ("Deployment", "StatefulSet", "DaemonSet")
IMAGE_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet")


@dataclass(frozen=True)
class Outcome:
    """What a verb did, as the flash line shows it."""

    text: str
    ok: bool = True


def gvr(rt: ResourceType) -> str:
    """k9s' GVR string: ``v1/pods``, ``apps/v1/deployments``."""
    return f"{rt.api_version}/{rt.plural}"


def path_of(key: Key) -> str:
    """k9s' FQN: ``ns/name`` (just ``name`` when cluster-scoped)."""
    ns, name = key
    return f"{ns}/{name}" if ns else name


def targets_text(rt: ResourceType, keys: list[Key]) -> str:
    """``pods default/web-1`` for one row, ``3 marked v1/pods`` for several (k9s' delete question)."""
    return f"{rt.plural} {path_of(keys[0])}" if len(keys) == 1 else f"{len(keys)} marked {gvr(rt)}"


def _kubectl(cluster: Cluster, key: Key, argv: list[str]) -> Outcome:
    """Run one kubectl command in the key's namespace; its first output (or error) line."""
    result = Kubectl(cluster, namespace=key[0] or "default").run(argv)
    if result.code:
        return Outcome(result.err.strip().splitlines()[0] if result.err.strip() else "error", ok=False)
    return Outcome(result.out.strip().splitlines()[0] if result.out.strip() else "")


def _summary(ok_text: str, failures: list[Outcome]) -> Outcome:
    return failures[0] if failures else Outcome(ok_text)


# ------------------------------------------------------------------ deleting
def delete(cluster: Cluster, rt: ResourceType, keys: list[Key], propagation: str, force: bool) -> Outcome:
    """k9s' delete dialog: ``propagation`` one of :data:`PROPAGATIONS`; force is grace period 0."""
    policy = None if propagation == "None" else propagation
    grace = 0 if force else None
    failures = []
    for ns, name in keys:
        try:
            cluster.store.delete(rt.kind, name, ns or None, grace_period=grace, propagation=policy)
        except errors.ApiError as e:
            failures.append(Outcome(f"Delete failed with {e}", ok=False))
    what = f"Delete {len(keys)} marked {gvr(rt)}" if len(keys) > 1 else f"Delete resource {gvr(rt)} {path_of(keys[0])}"
    return _summary(what, failures)


def kill(cluster: Cluster, keys: list[Key]) -> Outcome:
    """``ctrl-k``: delete pods with a 1 s grace period, no dialog (k9s ``killCmd``)."""
    failures = []
    for ns, name in keys:
        try:
            cluster.store.delete("Pod", name, ns, grace_period=KILL_GRACE)
        except errors.ApiError as e:
            failures.append(Outcome(f"Delete failed with {e}", ok=False))
    what = f"Delete {len(keys)} marked v1/pods" if len(keys) > 1 else f"Delete resource v1/pods {path_of(keys[0])}"
    return _summary(what, failures)


# ---------------------------------------------------------------- workloads
def replicas_of(obj: Obj) -> int:
    return int((obj.get("spec") or {}).get("replicas", 1))


def scale(cluster: Cluster, rt: ResourceType, keys: list[Key], replicas: int) -> Outcome:
    """``kubectl scale --replicas=N`` on each; k9s' ``… scaled successfully``."""
    for key in keys:
        out = _kubectl(cluster, key, ["scale", f"{rt.plural}/{key[1]}", f"--replicas={replicas}"])
        if not out.ok:
            return out
    if len(keys) > 1:
        return Outcome(f"[{len(keys)}] {rt.singular} scaled successfully")
    return Outcome(f"{rt.plural} {path_of(keys[0])} scaled successfully")


def restart(cluster: Cluster, rt: ResourceType, keys: list[Key]) -> Outcome:
    """``kubectl rollout restart`` (the ``restartedAt`` template annotation) on each."""
    for key in keys:
        out = _kubectl(cluster, key, ["rollout", "restart", f"{rt.plural}/{key[1]}"])
        if not out.ok:
            return out
    return Outcome(f"Restart in progress for {path_of(keys[0])}..." if len(keys) == 1 else
                   f"Restart in progress for {len(keys)} {rt.plural}...")


def rollback(cluster: Cluster, key: Key) -> Outcome:
    """``ctrl-l`` on a ReplicaSet: ``kubectl rollout undo`` its Deployment to the RS's revision."""
    ns, name = key
    rs = cluster.store.try_get("ReplicaSet", name, ns)
    if rs is None:
        return Outcome(f"Rollback failed: {errors.not_found('replicasets.apps', name)}", ok=False)
    owner = next((r for r in rs["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
    if owner is None or owner.get("kind") != "Deployment":
        return Outcome(f"Unable to find controller for ReplicaSet {name}", ok=False)
    revision = (rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision")
    if not revision:
        return Outcome(f"ReplicaSet {name} has no revision to roll back to", ok=False)
    return _kubectl(cluster, key, ["rollout", "undo", f"deployment/{owner['name']}", f"--to-revision={revision}"])


def container_images(rt: ResourceType, obj: Obj) -> list[tuple[str, str]]:
    """``(container, image)`` for init and app containers, in spec order (the set-image dialog)."""
    spec = obj.get("spec") or {}
    pod_spec = spec if rt.kind == "Pod" else ((spec.get("template") or {}).get("spec") or {})
    return [(c.get("name", ""), c.get("image", "")) for c in
            (pod_spec.get("initContainers") or []) + (pod_spec.get("containers") or [])]


def set_images(cluster: Cluster, rt: ResourceType, key: Key, images: dict[str, str]) -> Outcome:
    """``kubectl set image KIND/NAME c=image …`` with the images that changed."""
    obj = cluster.store.try_get(rt.kind, key[1], key[0] or None)
    if obj is None:
        return Outcome(str(errors.not_found(rt.resource, key[1])), ok=False)
    current = dict(container_images(rt, obj))
    changed = {c: img for c, img in images.items() if img and current.get(c) != img}
    if not changed:
        return Outcome(f"{path_of(key)}: images unchanged")
    out = _kubectl(cluster, key, ["set", "image", f"{rt.plural}/{key[1]}", *(f"{c}={i}" for c, i in changed.items())])
    if not out.ok:
        return out
    return Outcome(f"Resource {gvr(rt)}:{path_of(key)} image updated successfully")


# -------------------------------------------------------------------- nodes
def cordon(cluster: Cluster, names: list[str], unschedulable: bool) -> Outcome:
    """``kubectl cordon|uncordon``: patch ``spec.unschedulable`` (removed on uncordon)."""
    verb = "cordoned" if unschedulable else "uncordoned"
    lines = []
    for name in names:
        node = cluster.store.try_get("Node", name)
        if node is None:
            return Outcome(f'Error from server (NotFound): nodes "{name}" not found', ok=False)
        if bool((node.get("spec") or {}).get("unschedulable")) == unschedulable:
            lines.append(f"node/{name} already {verb}")
            continue
        try:
            cluster.store.patch("Node", name, None, {"spec": {"unschedulable": True if unschedulable else None}})
        except errors.ApiError as e:
            return Outcome(e.kubectl_text(), ok=False)
        lines.append(f"node/{name} {verb}")
    return Outcome(lines[0] if len(lines) == 1 else f"{len(lines)} nodes {verb}")


# ----------------------------------------------------------------- cronjobs
def trigger(cluster: Cluster, key: Key) -> Outcome:
    """k9s' trigger: ``kubectl create job NAME-manual-xyz --from=cronjob/NAME``."""
    name = key[1][:42]  # k9s keeps the job name within the 52-character limit of a CronJob's jobs
    job = f"{name}-manual-{random_suffix(cluster.clock.rng, 3)}"
    out = _kubectl(cluster, key, ["create", "job", job, f"--from=cronjob/{key[1]}"])
    if not out.ok:
        return Outcome(f"Cronjob trigger failed {out.text}", ok=False)
    return Outcome(f"Triggering Job batch/v1/cronjobs {path_of(key)}")


def is_suspended(obj: Obj) -> bool:
    return bool((obj.get("spec") or {}).get("suspend"))


def toggle_suspend(cluster: Cluster, key: Key) -> Outcome:
    """Flip ``spec.suspend`` with a merge patch (k9s ``ToggleSuspend``)."""
    cj = cluster.store.try_get("CronJob", key[1], key[0])
    if cj is None:
        return Outcome(str(errors.not_found("cronjobs.batch", key[1])), ok=False)
    suspend = not is_suspended(cj)
    try:
        cluster.store.patch("CronJob", key[1], key[0], {"spec": {"suspend": suspend}})
    except errors.ApiError as e:
        return Outcome(str(e), ok=False)
    return Outcome(f"CronJob {path_of(key)} {'suspended' if suspend else 'resumed'} successfully!")


# --------------------------------------------------------------------- pods
def pod_for(cluster: Cluster, rt: ResourceType, key: Key) -> tuple[Obj | None, str]:
    """The pod ``kubectl logs TYPE/NAME`` would pick (oldest matching pod) and kubectl's note
    or error text; a Pod key is its own pod."""
    from k9play.api.selectors import selector_from_labels, selector_from_spec

    ns, name = key
    obj = cluster.store.try_get(rt.kind, name, ns)
    if obj is None:
        return None, f"Error from server (NotFound): {errors.not_found(rt.resource, name)}"
    if rt.kind == "Pod":
        return obj, ""
    spec = (obj.get("spec") or {}).get("selector")
    sel = selector_from_labels(spec) if rt.kind in ("ReplicationController", "Service") else selector_from_spec(spec)
    pods = sorted(cluster.store.list("Pod", ns, sel), key=lambda p: p["metadata"].get("creationTimestamp", ""))
    if not pods:
        return None, f"{rt.singular} {path_of(key)} has no pods"
    note = f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}" if len(pods) > 1 else ""
    return pods[0], note


# ------------------------------------------------------------------ secrets
def decode_secret(obj: Obj) -> dict[str, str]:
    """``x``: a Secret's data with every value base64-decoded (k9s' secret decoder)."""
    out = {}
    for k, v in sorted((obj.get("data") or {}).items()):
        try:
            out[k] = base64.b64decode(v or "", validate=True).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            out[k] = v
    return out
