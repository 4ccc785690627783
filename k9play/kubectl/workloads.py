"""``kubectl scale``, ``kubectl set image``, ``kubectl autoscale`` and ``kubectl create``
(from files or generators: namespace, deployment, job, ``job --from=cronjob/…``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api import errors, resources
from k9play.api.meta import Obj, copy_obj
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_resources

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

SCALABLE = ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet")


def _objects(k: Kubectl, flags: Flags, args: list[str]) -> list[tuple[resources.ResourceType, Obj]]:
    ns = k.namespace_of(flags)
    out = []
    for req in resolve_resources(args):
        names = req.names or ([o["metadata"]["name"] for o in k.store.list(req.rt.kind, ns)]
                              if flags.has("all") else [])
        if not names:
            raise CommandError("resource(s) were provided, but no name was specified")
        for name in names:
            obj = k.store.try_get(req.rt.kind, name, ns)
            if obj is None:
                raise CommandError(errors.not_found(req.rt.resource, name).kubectl_text(), verbatim=True)
            out.append((req.rt, obj))
    return out


def scale(k: Kubectl, flags: Flags, result: Result) -> None:
    raw = flags.get("replicas")
    if raw is None:
        raise CommandError("required flag(s) \"replicas\" not set")
    try:
        replicas = int(raw)
    except ValueError:
        raise CommandError(f'invalid argument "{raw}" for "--replicas" flag: strconv.ParseInt: parsing "{raw}": '
                           "invalid syntax") from None
    if replicas < 0:
        raise CommandError("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    current = flags.get("current-replicas")
    for rt, obj in _objects(k, flags, flags.args):
        if rt.kind not in SCALABLE:
            raise CommandError(f"cannot scale a {rt.kind}: no scale subresource", verbatim=False)
        if current is not None and int(current) != (obj.get("spec") or {}).get("replicas", 1):
            raise CommandError(f"Expected replicas to be {current}, was {(obj.get('spec') or {}).get('replicas', 1)}")
        new = copy_obj(obj)
        new.setdefault("spec", {})["replicas"] = replicas
        k.store.update(new)
        result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} scaled\n")


def set_cmd(k: Kubectl, flags: Flags, result: Result) -> None:
    from k9play.kubectl import set_env

    sub = flags.args[0] if flags.args else ""
    if sub == "env":
        rest = flags.args[1:]
        pairs = [a for a in rest if "=" in a or (a.endswith("-") and "/" not in a)]
        set_env.set_env(k, flags, result, [a for a in rest if a not in pairs], pairs)
        return
    if sub == "resources":
        set_env.set_resources(k, flags, result, flags.args[1:])
        return
    if sub != "image":
        raise CommandError(f'unknown command "{sub}" for "kubectl set"')
    pairs = [a for a in flags.args[1:] if "=" in a]
    targets = [a for a in flags.args[1:] if "=" not in a]
    if not pairs:
        raise CommandError("at least one image update is required")
    wanted = dict(p.split("=", 1) for p in pairs)
    for rt, obj in _objects(k, flags, targets):
        new = copy_obj(obj)
        spec = new.get("spec") or {}
        pod_spec = spec if rt.kind == "Pod" else (
            ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template", {}).get("spec", {})
            if rt.kind == "CronJob" else (spec.get("template") or {}).get("spec") or {})
        containers = list(pod_spec.get("initContainers") or []) + list(pod_spec.get("containers") or [])
        for cname in wanted:
            if cname != "*" and not any(c.get("name") == cname for c in containers):
                raise CommandError(f'unable to find container named "{cname}"')
        changed = False
        for c in containers:
            image = wanted.get(c.get("name"), wanted.get("*"))
            if image is not None and c.get("image") != image:
                c["image"] = image
                changed = True
        if changed:
            k.store.update(new)
        result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} image updated\n")


def autoscale(k: Kubectl, flags: Flags, result: Result) -> None:
    max_raw = flags.get("max")
    if max_raw is None:
        raise CommandError("--max=MAXPODS is required and must be at least 1, max < 1")
    maxr = int(max_raw)
    minr = int(flags.get("min") or 1)
    if maxr < 1:
        raise CommandError("--max=MAXPODS is required and must be at least 1, max < 1")
    if maxr < minr:
        raise CommandError(f"--max=MAXPODS must be larger or equal to --min=MINPODS, max: {maxr}, min: {minr}")
    for rt, obj in _objects(k, flags, flags.args):
        if rt.kind not in SCALABLE:
            raise CommandError(f"cannot autoscale a {rt.kind}: could not find scale subresource for "
                               f"{rt.resource} in discovery information")
        name = flags.get("name") or obj["metadata"]["name"]
        spec: dict[str, Any] = {
            "scaleTargetRef": {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"]},
            "minReplicas": minr,
            "maxReplicas": maxr,
        }
        cpu = flags.get("cpu-percent") or flags.get("cpu")
        if cpu is not None and cpu != "-1":
            spec["metrics"] = [{"type": "Resource", "resource": {
                "name": "cpu", "target": {"type": "Utilization", "averageUtilization": int(str(cpu).rstrip("%"))}}}]
        hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
               "metadata": {"name": name, "namespace": obj["metadata"]["namespace"]}, "spec": spec}
        try:
            k.store.create(hpa, field_validation="Strict")
        except errors.ApiError as e:
            raise CommandError(e.kubectl_text(), verbatim=True) from None
        result.write(f"horizontalpodautoscaler.autoscaling/{name} autoscaled\n")


def create(k: Kubectl, flags: Flags, result: Result) -> None:
    from k9play.kubectl import apply as apply_cmd

    if flags.has("filename"):
        apply_cmd.run_create(k, flags, result)
        return
    if not flags.args:
        raise CommandError("must specify one of -f and -k")
    what, rest = flags.args[0], flags.args[1:]
    ns = k.namespace_of(flags)
    if what in ("namespace", "ns"):
        if not rest:
            raise CommandError("exactly one NAME is required, got 0")
        obj: Obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": rest[0]}}
    elif what in ("deployment", "deploy"):
        if not rest:
            raise CommandError("exactly one NAME is required, got 0")
        images = flags.all("image")
        if not images:
            raise CommandError("required flag(s) \"image\" not set")
        name = rest[0]
        containers = [{"name": _container_name(img), "image": img} for img in images]
        if flags.get("port"):
            containers[0]["ports"] = [{"containerPort": int(flags.get("port") or 0)}]
        obj = {"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": name, "labels": {"app": name}},
               "spec": {"replicas": int(flags.get("replicas") or 1), "selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}}}
    elif what == "job":
        if not rest:
            raise CommandError("exactly one NAME is required, got 0")
        name = rest[0]
        source = flags.get("from")
        if source:
            kind, _, cj_name = source.partition("/")
            if resources.lookup(kind) is not resources.lookup("cronjob"):
                raise CommandError(f"from must be an existing cronjob: unknown object type {kind}")
            cj = k.store.try_get("CronJob", cj_name, ns)
            if cj is None:
                raise CommandError(errors.not_found("cronjobs.batch", cj_name).kubectl_text(), verbatim=True)
            from k9play.controllers.cronjob import job_from_cronjob

            obj = job_from_cronjob(cj, name)
        else:
            image = flags.get("image")
            if not image:
                raise CommandError("either --image or --from must be specified")
            container: Obj = {"name": name, "image": image}
            command = flags.command
            if command:
                container["command"] = command
            obj = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
                   "spec": {"template": {"spec": {"containers": [container], "restartPolicy": "Never"}}}}
    else:
        raise CommandError(f'unknown command "{what}" for "kubectl create"')
    rt = resources.for_object(obj["apiVersion"], obj["kind"])
    try:
        created = k.store.create(obj, ns if rt.namespaced else None, field_validation="Strict")
    except errors.ApiError as e:
        raise CommandError(e.kubectl_text(), verbatim=True) from None
    result.write(f"{rt.qualified_kind}/{created['metadata']['name']} created\n")


def _container_name(image: str) -> str:
    base = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    return base
