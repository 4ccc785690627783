"""``kubectl describe KIND [NAME|PREFIX ...]``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.meta import Obj
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_resources
from k9play.kubectl.describe import describe
from k9play.kubectl.get import ENDPOINTS_DEPRECATED, no_resources

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    if not flags.args:
        raise CommandError('You must specify the type of resource to describe. Use "kubectl api-resources" for a '
                           "complete list of supported resources.", verbatim=True)
    all_ns = flags.has("all-namespaces")
    namespace = None if all_ns else k.namespace_of(flags)
    selector = flags.get("selector")
    texts: list[str] = []
    missing: list[str] = []
    for req in resolve_resources(flags.args):
        ns = namespace if req.rt.namespaced else None
        if req.rt.kind == "Endpoints":
            result.error(ENDPOINTS_DEPRECATED)
        if not req.names:
            objs = k.store.list(req.rt.kind, ns, selector)
        else:
            objs = []
            for name in req.names:
                exact = k.store.try_get(req.rt.kind, name, ns or k.namespace_of(flags))
                if exact is not None:
                    objs.append(exact)
                    continue
                # kubectl describe falls back to every object whose name starts with NAME
                prefixed = [o for o in k.store.list(req.rt.kind, ns) if o["metadata"]["name"].startswith(name)]
                if prefixed:
                    objs += prefixed
                else:
                    missing.append(errors.not_found(req.rt.resource, name).kubectl_text())
        texts += [_describe(k, o) for o in objs]
    if texts:
        result.write("\n\n".join(t.rstrip("\n") + "\n" for t in texts))
    elif not missing:
        cluster_scoped = all(not r.rt.namespaced for r in resolve_resources(flags.args))
        result.error(no_resources(None if all_ns or cluster_scoped else namespace))
    for line in missing:
        result.error(line)
    if missing:
        result.code = 1


def _describe(k: Kubectl, obj: Obj) -> str:
    return describe(k.store, obj, k.now())
