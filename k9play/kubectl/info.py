"""kubectl's questions about the cluster itself — ``version``, ``cluster-info``, ``api-resources``,
``config current-context`` — and ``wait``, answered the way kind's cluster answers them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play import KUBERNETES_VERSION
from k9play.api import errors
from k9play.api.meta import Obj
from k9play.api.resources import RESOURCE_TYPES
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_resources
from k9play.kubectl.printers import tabulate

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

KUSTOMIZE_VERSION = "v5.7.1"  # what kubectl v1.34 embeds
#: kind publishes the apiserver on a random local port; this is the one k9play's kubeconfig names
API_SERVER = "https://127.0.0.1:6443"
CONTEXT = "kind-k9play"
#: kubectl wait's default --timeout
WAIT_TIMEOUT = 30.0


def version(k: Kubectl, flags: Flags, result: Result) -> None:
    if flags.has("client"):
        result.write(f"Client Version: {KUBERNETES_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n")
        return
    result.write(f"Client Version: {KUBERNETES_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n"
                 f"Server Version: {KUBERNETES_VERSION}\n")


def cluster_info(k: Kubectl, flags: Flags, result: Result) -> None:
    result.write(f"Kubernetes control plane is running at {API_SERVER}\n")
    if k.store.try_get("Service", "kube-dns", "kube-system") is not None:
        result.write(f"CoreDNS is running at {API_SERVER}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n")
    result.write("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")


def config(k: Kubectl, flags: Flags, result: Result) -> None:
    sub = flags.args[0] if flags.args else ""
    if sub == "current-context":
        result.write(CONTEXT + "\n")
    elif sub == "get-contexts":
        result.write(tabulate([["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"],
                               ["*", CONTEXT, CONTEXT, CONTEXT, ""]]))
    else:
        raise CommandError(f'k9play simulates one kind cluster: "kubectl config {sub}" has nothing to change '
                           "(current-context and get-contexts answer)")


def api_resources(k: Kubectl, flags: Flags, result: Result) -> None:
    rows = [["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]]
    for rt in sorted(RESOURCE_TYPES, key=lambda r: (r.group, r.plural)):
        if flags.get("namespaced") is not None and str(rt.namespaced).lower() != flags.get("namespaced"):
            continue
        rows.append([rt.plural, ",".join(rt.short_names), rt.api_version, str(rt.namespaced).lower(), rt.kind])
    result.write(tabulate(rows))


# --------------------------------------------------------------------- wait
def wait(k: Kubectl, flags: Flags, result: Result) -> None:
    """``kubectl wait --for=condition=C[=V] | --for=delete | --for=jsonpath=…`` on named objects."""
    want = flags.get("for")
    if not want:
        raise CommandError("--for must be specified")
    timeout = _timeout(flags.get("timeout"))
    ns = k.namespace_of(flags)
    reqs = resolve_resources(flags.args)
    targets = []
    for req in reqs:
        if req.names:
            targets += [(req.rt, name) for name in req.names]
        elif flags.has("all") or flags.get("selector"):
            targets += [(req.rt, o["metadata"]["name"]) for o in
                        k.store.list(req.rt.kind, ns if req.rt.namespaced else None, flags.get("selector"))]
    if not targets:
        raise CommandError("no matching resources found")
    for rt, name in targets:
        where = ns if rt.namespaced else None

        def done(rt=rt, name=name, where=where) -> bool:
            return _met(k.store.try_get(rt.kind, name, where), want)

        if not done() and k.store.try_get(rt.kind, name, where) is None and not want.startswith("delete"):
            raise CommandError(errors.not_found(rt.resource, name).kubectl_text(), verbatim=True)
        if not done() and k.wait is not None:
            k.wait(done, timeout)
        if not done():
            raise CommandError(f"timed out waiting for the condition on {rt.plural}/{name}")
        result.write(f"{rt.qualified_kind}/{name} {'deleted' if want.startswith('delete') else 'condition met'}\n")


def _met(obj: Obj | None, want: str) -> bool:
    if want == "delete":
        return obj is None
    if obj is None:
        return False
    if want.startswith("condition="):
        cond, _, value = want[len("condition="):].partition("=")
        value = value or "True"
        return any(c.get("type", "").lower() == cond.lower() and c.get("status") == value
                   for c in (obj.get("status") or {}).get("conditions") or [])
    if want.startswith("jsonpath="):
        path, _, value = want[len("jsonpath="):].partition("=")
        cur: object = obj
        for part in path.strip("{}").lstrip(".").split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        return cur is not None and (not value or str(cur) == value)
    raise CommandError(f"unrecognized condition: \"{want}\"")


def _timeout(text: str | None) -> float:
    from k9play.controllers.cronjob_schedule import ScheduleError, parse_go_duration

    if text is None:
        return WAIT_TIMEOUT
    try:
        return parse_go_duration(text)
    except ScheduleError as e:
        raise CommandError(f'invalid argument "{text}" for "--timeout" flag: {e}') from None
