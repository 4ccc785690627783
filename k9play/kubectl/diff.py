"""``kubectl diff -f``: what ``apply`` would change, as a unified diff of the live object and the
object a server-side dry-run apply returns (kubectl v1.34 ``pkg/cmd/diff``).

kubectl writes both versions to ``/tmp/LIVE-N/`` and ``/tmp/MERGED-N/`` as
``group.version.Kind.namespace.name`` files and runs ``diff -u -N``; the exit status is 1 when
something differs. ``managedFields`` are left out, as kubectl's diff masks them; nothing is
written to the host here — the directories only appear in the header, with fixed numbers.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from k9play.api import resources
from k9play.api.meta import Obj
from k9play.kubectl.apply import DOCUMENT_ERRORS, document_problem, load_documents, request_namespace
from k9play.kubectl.commands import Flags, Result
from k9play.kubectl.printers import to_yaml
from k9play.manifests.applier import apply_object

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

LIVE, MERGED = "/tmp/LIVE-1", "/tmp/MERGED-1"
STAMP = "1970-01-01 00:00:00.000000000 +0000"  # diff -u prints the files' mtimes; ours are fixed


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    docs, problems = load_documents(flags, "diff")
    changed = False
    for doc in docs:
        try:
            rt = resources.for_object(doc.obj.get("apiVersion", ""), doc.kind)
            ns = request_namespace(k, flags, doc) if rt.namespaced else None
            live = k.store.try_get(rt.kind, doc.name, ns)
            merged = apply_object(k.store, doc.obj, ns, dry_run=True).obj
        except DOCUMENT_ERRORS as e:
            problems.append(document_problem(doc, e, "diffing"))
            continue
        name = ".".join(p for p in (rt.group, rt.version, rt.kind, ns or "", doc.name) if p)
        text = _unified(live, merged, name)
        if text:
            changed = True
            result.write(text)
    for p in problems:
        result.error(p)
    if problems:
        result.code = 1
    elif changed:
        result.code = 1  # diff's exit status: differences found


def _yaml(obj: Obj | None) -> list[str]:
    if obj is None:
        return []
    shown = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
    return to_yaml(shown).splitlines(keepends=True)


def _unified(live: Obj | None, merged: Obj, name: str) -> str:
    before, after = _yaml(live), _yaml(merged)
    if before == after:
        return ""
    old, new = f"{LIVE}/{name}", f"{MERGED}/{name}"
    lines = list(difflib.unified_diff(before, after, old, new, STAMP, STAMP, n=3))
    body = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return f"diff -u -N {old} {new}\n" + body
