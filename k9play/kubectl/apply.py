"""``kubectl apply -f`` and ``kubectl create -f``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from k9play.api import errors, resources
from k9play.api.errors import NoKindMatchError
from k9play.kubectl.commands import CommandError, Flags, Result
from k9play.manifests.applier import LAST_APPLIED, ApplyResult, apply_object
from k9play.manifests.loader import Document, LoadError, iter_manifest_files, load_file
from k9play.manifests.sync import mapping_message

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl


def load_documents(flags: Flags, verb: str) -> tuple[list[Document], list[str]]:
    """Documents of every ``-f`` path (folders: their manifest files; ``-R``: recursively)."""
    paths = flags.all("filename")
    if not paths:
        raise CommandError(f"must specify one of -f and -k\n\nerror: {verb} requires at least one -f"
                           if verb == "apply" else "must specify one of -f and -k", verbatim=False)
    docs: list[Document] = []
    problems: list[str] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise CommandError(f'the path "{raw}" does not exist')
        files = [p] if p.is_file() else (iter_manifest_files([p]) if flags.has("recursive")
                                          else [f for f in iter_manifest_files([p]) if f.parent == p])
        for f in files:
            d, errs = load_file(f)
            docs += d
            problems += [parse_error_text(e) for e in errs]
    return docs, problems


def parse_error_text(e: LoadError) -> str:
    """kubectl's wording for a file it cannot parse, keeping our line and column."""
    return f"error: error parsing {e.path}: {e.message} (line {e.line}, column {e.col})"


def mapping_error_text(doc: Document, exc: NoKindMatchError) -> str:
    return f"error: {mapping_message(doc, exc)}"


def request_namespace(k: Kubectl, flags: Flags, doc: Document) -> str:
    """Where a document's object goes: its own namespace, else ``-n``, else the context's. An
    explicit ``-n`` that disagrees with the file is refused before any request (kubectl's builder)."""
    explicit = flags.get("namespace")
    if explicit and doc.namespace and doc.namespace != explicit:
        raise CommandError(f'the namespace from the provided object "{doc.namespace}" does not match the namespace '
                           f'"{explicit}". You must pass \'--namespace={doc.namespace}\' to perform this operation.')
    return doc.namespace or k.namespace_of(flags)


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    docs, problems = load_documents(flags, "apply")
    namespace = k.namespace_of(flags)
    for doc in docs:
        try:
            request_namespace(k, flags, doc)
        except CommandError as e:
            problems.append(e.text())
            continue
        _warn_if_not_declarative(k, doc, namespace, result)
        try:
            res = apply_object(k.store, doc.obj, namespace)
        except NoKindMatchError as e:
            problems.append(mapping_error_text(doc, e))
            continue
        except errors.ApiError as e:
            verb = "creating" if _absent(k, doc, namespace) else "applying patch"
            problems.append(_server_error(e, verb, doc))
            continue
        result.write(res.line() + "\n")
    _finish(result, problems)


def run_create(k: Kubectl, flags: Flags, result: Result) -> None:
    docs, problems = load_documents(flags, "create")
    for doc in docs:
        obj = dict(doc.obj)
        try:
            rt = resources.for_object(obj.get("apiVersion", ""), obj.get("kind", ""))
            namespace = request_namespace(k, flags, doc) if rt.namespaced else None
            created = k.store.create(obj, namespace, field_validation="Strict")
        except DOCUMENT_ERRORS as e:
            problems.append(document_problem(doc, e, "creating"))
            continue
        result.write(ApplyResult("created", created).line() + "\n")
    _finish(result, problems)


def run_replace(k: Kubectl, flags: Flags, result: Result) -> None:
    """``kubectl replace -f``: PUT each document as it is (unconditional without a resourceVersion)."""
    docs, problems = load_documents(flags, "replace")
    for doc in docs:
        try:
            rt = resources.for_object(doc.obj.get("apiVersion", ""), doc.kind)
            namespace = request_namespace(k, flags, doc) if rt.namespaced else None
            obj = dict(doc.obj)
            obj["metadata"] = {**(obj.get("metadata") or {}), **({"namespace": namespace} if namespace else {})}
            replaced = k.store.update(obj, field_validation="Strict")
        except DOCUMENT_ERRORS as e:
            problems.append(document_problem(doc, e, "replacing"))
            continue
        result.write(f"{rt.qualified_kind}/{replaced['metadata']['name']} replaced\n")
    _finish(result, problems)


def _warn_if_not_declarative(k: Kubectl, doc: Document, namespace: str, result: Result) -> None:
    """kubectl's warning when it applies to an object that was not created by apply."""
    try:
        rt = resources.for_object(doc.obj.get("apiVersion", ""), doc.kind)
        live = k.store.try_get(rt.kind, doc.name, (doc.namespace or namespace) if rt.namespaced else None)
    except (NoKindMatchError, errors.ApiError):
        return
    if live is not None and LAST_APPLIED not in (live["metadata"].get("annotations") or {}):
        result.error(f"Warning: resource {rt.resource}/{doc.name} is missing the {LAST_APPLIED} annotation which is "
                     "required by kubectl apply. kubectl apply should only be used on resources created "
                     "declaratively by either kubectl create --save-config or kubectl apply. The missing annotation "
                     "will be patched automatically.")


def _absent(k: Kubectl, doc: Document, namespace: str) -> bool:
    try:
        rt = resources.for_object(doc.obj.get("apiVersion", ""), doc.kind)
    except NoKindMatchError:
        return True
    return k.store.try_get(rt.kind, doc.name, (doc.namespace or namespace) if rt.namespaced else None) is None


#: What one ``-f`` document can fail with: reported, and the next document goes on.
DOCUMENT_ERRORS = (NoKindMatchError, CommandError, errors.ApiError)


def document_problem(doc: Document, e: Exception, verb: str) -> str:
    """kubectl's line for a document that failed with one of :data:`DOCUMENT_ERRORS`
    (``verb``: "creating", "replacing", "diffing" …)."""
    if isinstance(e, NoKindMatchError):
        return mapping_error_text(doc, e)
    if isinstance(e, errors.ApiError):
        return _server_error(e, verb, doc)
    return e.text() if isinstance(e, CommandError) else str(e)


def _server_error(e: errors.ApiError, verb: str, doc: Document) -> str:
    line, col = doc.position(e.causes[0].field if e.causes else None)
    return (f'Error from server ({e.reason}): error when {verb} "{doc.path}": {e.message} '
            f"(line {line}, column {col})")


def _finish(result: Result, problems: list[str]) -> None:
    for p in problems:
        result.error(p)
    if problems:
        result.code = 1


__all__ = ["LAST_APPLIED", "request_namespace", "run", "run_create", "run_replace"]
