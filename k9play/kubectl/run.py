"""``kubectl run NAME --image=IMAGE``: one Pod, as kubectl v1.34's ``run-pod/v1`` generator builds it.

The generator (``kubectl/pkg/generate/versioned/run.go`` ``BasicPod``) labels the pod
``run=NAME`` unless ``--labels`` says otherwise, names its one container after the pod, sets
``dnsPolicy: ClusterFirst`` and ``restartPolicy`` (``--restart``, default Always), and adds
``--port``, ``--env``, ``--image-pull-policy`` and the arguments after ``--`` (``--command``
makes them the command). ``--replicas`` is gone since kubectl v1.18: it is an unknown flag.
Attaching (``-i``, ``--attach``, ``--rm``) is not simulated: ``kubectl exec`` opens a shell.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from k9play.api import errors, resources
from k9play.api.meta import Obj
from k9play.kubectl.commands import CommandError, Flags, Result
from k9play.kubectl.printers import to_json, to_yaml

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

RESTART_POLICIES = ("Always", "OnFailure", "Never")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*$")


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    image = flags.get("image")
    if image is None:
        raise CommandError('required flag(s) "image" not set')
    if not flags.args:
        raise CommandError("NAME is required for run")
    if not image:
        raise CommandError("--image is required")
    if flags.has("tty") and not flags.has("stdin"):
        raise CommandError("-i/--stdin is required for containers with -t/--tty=true")
    if flags.has("stdin") or flags.has("attach") or flags.has("rm"):
        raise CommandError("k9play does not attach to containers (kubectl run -i/--attach/--rm); create the pod "
                           "without them, then use kubectl exec POD -it -- sh")
    if flags.has("expose"):
        raise CommandError("k9play: kubectl run --expose is not simulated; use kubectl expose pod NAME --port=PORT")
    pod = basic_pod(flags.args[0], image, flags)
    ns = k.namespace_of(flags)
    pod["metadata"]["namespace"] = ns
    dry, output = flags.get("dry-run"), flags.get("output") or ""
    if dry == "client":
        obj = pod
    else:
        try:
            obj = k.store.create(pod, ns, field_validation="Strict", dry_run=dry == "server")
        except errors.ApiError as e:
            raise CommandError(e.kubectl_text(), verbatim=True) from None
    if output in ("yaml", "json"):
        result.write(to_yaml(obj) if output == "yaml" else to_json(obj))
        return
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry or "", "")
    rt = resources.by_kind("Pod")
    result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} created{suffix}\n")


def basic_pod(name: str, image: str, flags: Flags) -> Obj:
    """The generator's Pod (before the apiserver's defaults)."""
    restart = flags.get("restart") or "Always"
    if restart not in RESTART_POLICIES:
        raise CommandError(f"invalid restart policy: {restart}")
    container: Obj = {"name": name, "image": image, "resources": {}}
    args = flags.command
    if args:
        container["command" if flags.has("command") else "args"] = list(args)
    envs = [_env(e) for e in flags.all("env")]
    if envs:
        container["env"] = envs
    pull = flags.get("image-pull-policy")
    if pull:
        if pull not in PULL_POLICIES:
            raise CommandError(f"invalid image pull policy: {pull}")
        container["imagePullPolicy"] = pull
    port = flags.get("port")
    if port:
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise CommandError(f'invalid port "{port}"')  # utilsnet.ParsePort
        container["ports"] = [{"containerPort": int(port)}]
    metadata: Obj = {"name": name, "labels": _labels(flags.get("labels"), name)}
    annotations = dict(a.split("=", 1) for a in flags.all("annotations") if "=" in a)
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart}}


def _labels(text: str | None, name: str) -> dict[str, str]:
    """``generate.ParseLabels``: ``k=v,k2=v2`` (each must have exactly one ``=``)."""
    if not text:
        return {"run": name}
    labels = {}
    for part in text.split(","):
        key, eq, value = part.partition("=")
        if not eq or "=" in value or not key:
            raise CommandError(f"invalid label spec: {part}")
        labels[key] = value
    return labels


def _env(text: str) -> Obj:
    name, eq, value = text.partition("=")
    if not eq or not name or not _ENV_NAME.match(name):
        raise CommandError(f"invalid env: {text}")
    return {"name": name, "value": value}
