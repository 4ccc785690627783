"""``kubectl delete -f PATH`` and ``kubectl delete KIND NAME...``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api import errors, resources
from k9play.api.errors import NoKindMatchError
from k9play.api.meta import Obj, uid_of
from k9play.kubectl.apply import load_documents, mapping_error_text
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_resources

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

CASCADE = {"background": "Background", "true": "Background", "foreground": "Foreground", "orphan": "Orphan",
           "false": "Orphan"}
#: kubectl waits this long (virtual seconds) for deleted objects to disappear
WAIT_TIMEOUT = 300.0


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    cascade = (flags.get("cascade") or "background").lower()
    if cascade not in CASCADE:
        raise CommandError(f'invalid cascade value ({cascade}). Must be "background", "foreground", or "orphan".')
    grace_flag = flags.get("grace-period")
    grace = int(grace_flag) if grace_flag is not None else None
    if flags.has("now"):
        grace = 1
    if flags.has("force") and grace is None:
        grace = 0
    if grace == 0:
        if not flags.has("force"):
            grace = 1  # kubectl turns --grace-period=0 without --force into 1
        else:
            result.error("Warning: Immediate deletion does not wait for confirmation that the running resource "
                         "has been terminated. The resource may continue to run on the cluster indefinitely.")
    namespace = k.namespace_of(flags)
    targets: list[tuple[resources.ResourceType, str, str | None, str]] = []  # rt, name, ns, source
    problems: list[str] = []
    if flags.has("filename"):
        docs, problems = load_documents(flags, "delete")
        for doc in docs:
            try:
                rt = resources.for_object(doc.obj.get("apiVersion", ""), doc.kind)
            except NoKindMatchError as e:
                problems.append(mapping_error_text(doc, e))
                continue
            targets.append((rt, doc.name, (doc.namespace or namespace) if rt.namespaced else None, str(doc.path)))
    else:
        reqs = resolve_resources(flags.args)
        if not reqs:
            raise CommandError('You must provide one or more resources by argument or filename.\nExample resource '
                               "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                               "   '<resource> <name>'\n   '<resource>'", verbatim=False)
        for req in reqs:
            ns = namespace if req.rt.namespaced else None
            if flags.has("all") or flags.get("selector"):
                names = [o["metadata"]["name"] for o in k.store.list(req.rt.kind, ns, flags.get("selector"))]
            elif not req.names:
                raise CommandError("resource(s) were provided, but no name was specified")
            else:
                names = req.names
            targets += [(req.rt, n, ns, "") for n in names]
    deleted: list[Obj] = []
    for rt, name, ns, source in targets:
        try:
            obj = k.store.delete(rt.kind, name, ns, grace_period=grace, propagation=CASCADE[cascade])
        except errors.ApiError as e:
            if e.reason == "NotFound" and flags.has("ignore-not-found"):
                continue
            where = f'error when deleting "{source}": ' if source else ""
            problems.append(f"Error from server ({e.reason}): {where}{e.message}")
            continue
        deleted.append(obj)
        op = "force deleted" if grace == 0 else "deleted"
        suffix = f" from {ns} namespace" if ns else ""
        result.write(f'{rt.qualified_kind} "{name}" {op}{suffix}\n')
    if not targets and not problems:
        result.write("No resources found\n")
    wait = (flags.get("wait") or "true").lower() != "false"
    if deleted and wait and k.wait is not None:
        uids = {uid_of(o) for o in deleted}
        k.wait(lambda: all(k.store.get_by_uid(u) is None for u in uids), WAIT_TIMEOUT)
    for p in problems:
        result.error(p)
    if problems:
        result.code = 1
