"""Keep the cluster in step with manifest files and folders.

Each file owns the objects its documents define. Syncing a file is all-or-nothing: every
document is parsed and admitted as a dry run first; only if all of them pass are they
applied, and objects the file no longer defines are deleted. A file that fails changes
nothing live and reports ``file:line:col: reason`` — nothing is lost to a broken save.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from k9play.api import errors, resources
from k9play.api.errors import NoKindMatchError
from k9play.api.store import ObjectStore
from k9play.manifests.applier import apply_object, kind_rank
from k9play.manifests.loader import (
    MANIFEST_SUFFIXES,
    Document,
    LoadError,
    iter_manifest_files,
    load_file,
)

log = logging.getLogger("k9play.manifests")

ObjectKey = tuple[str, str, str]  # kind, namespace, name


@dataclass
class SyncReport:
    """What one sync did: lines like ``deployment.apps/web configured``, and errors."""

    applied: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)

    def extend(self, other: SyncReport) -> None:
        self.applied += other.applied
        self.deleted += other.deleted
        self.errors += other.errors

    @property
    def ok(self) -> bool:
        return not self.errors


def mapping_error(doc: Document, exc: NoKindMatchError) -> LoadError:
    line, col = doc.position("kind")
    return LoadError(doc.path, line, col, f'resource mapping not found for name: "{doc.name}" namespace: '
                                          f'"{doc.namespace}" from "{doc.path}": {exc}\n'
                                          "ensure CRDs are installed first")


def api_error(doc: Document, exc: errors.ApiError, verb: str = "creating") -> LoadError:
    """An admission failure, placed on the line of the first field it names."""
    field_path = exc.causes[0].field if exc.causes else None
    line, col = doc.position(field_path)
    return LoadError(doc.path, line, col, f"{exc.kubectl_text()}")


def object_key(doc: Document, default_ns: str) -> ObjectKey:
    rt = resources.for_object(doc.obj.get("apiVersion", ""), doc.kind)
    ns = (doc.namespace or default_ns) if rt.namespaced else ""
    return (rt.kind, ns, doc.name)


class FolderSync:
    """Applies and prunes the objects of a set of files and folders."""

    def __init__(self, store: ObjectStore, paths: Iterable[Path | str], *, namespace: str = "default") -> None:
        self.store = store
        self.paths = [Path(p) for p in paths]
        self.namespace = namespace
        self.owned: dict[Path, list[ObjectKey]] = {}
        self.errors: dict[Path, list[LoadError]] = {}

    # ----------------------------------------------------------------- files
    def files(self) -> list[Path]:
        return iter_manifest_files(self.paths)

    def sync_all(self) -> SyncReport:
        report = SyncReport()
        files = self.files()
        loaded = {f: load_file(f) for f in files}
        # apply every file's objects in kubectl's kind order across files, so a Namespace in
        # one file exists before the Deployment of another needs it
        ranked = sorted(files, key=lambda f: min((kind_rank(d.kind) for d in loaded[f][0]), default=99))
        for f in ranked:
            report.extend(self._sync_loaded(f, *loaded[f]))
        for gone in [p for p in self.owned if p not in set(files)]:
            report.extend(self.remove_file(gone))
        return report

    def sync_file(self, path: Path) -> SyncReport:
        path = Path(path)
        if not path.exists():
            return self.remove_file(path)
        return self._sync_loaded(path, *load_file(path))

    def _sync_loaded(self, path: Path, docs: list[Document], errs: list[LoadError]) -> SyncReport:
        report = SyncReport()
        if errs:
            return self._fail(path, errs)
        docs = sorted(docs, key=lambda d: (kind_rank(d.kind), d.index))
        keys: list[ObjectKey] = []
        problems: list[LoadError] = []
        for doc in docs:
            try:
                key = object_key(doc, self.namespace)
            except NoKindMatchError as e:
                problems.append(mapping_error(doc, e))
                continue
            if key in keys:
                line, col = doc.position("metadata.name")
                problems.append(LoadError(path, line, col, f"{key[0]} {key[1] + '/' if key[1] else ''}{key[2]} is "
                                                           "defined twice in this file"))
                continue
            keys.append(key)
            if not doc.name:
                line, col = doc.position("metadata")
                problems.append(LoadError(path, line, col, "resource name may not be empty"))
                continue
            ns_exists = not key[1] or self.store.try_get("Namespace", key[1]) is not None or any(
                d.kind == "Namespace" and d.name == key[1] for d in docs)
            if not ns_exists:
                line, col = doc.position("metadata.namespace")
                problems.append(LoadError(path, line, col, f'Error from server (NotFound): namespaces "{key[1]}" '
                                                           "not found"))
                continue
            try:
                apply_object(self.store, doc.obj, self.namespace, dry_run=True)
            except errors.ApiError as e:
                problems.append(api_error(doc, e))
        if problems:
            return self._fail(path, problems)
        for doc in docs:
            try:
                result = apply_object(self.store, doc.obj, self.namespace)
            except errors.ApiError as e:  # only possible for objects of a namespace made just now
                report.errors.append(api_error(doc, e))
                continue
            if result.action != "unchanged":
                report.applied.append(result.line())
        previous = self.owned.get(path, [])
        for key in reversed(previous):
            if key not in keys:
                report.deleted += self._delete(key)
        self.owned[path] = keys
        if report.errors:
            self.errors[path] = report.errors
        else:
            self.errors.pop(path, None)
        return report

    def _fail(self, path: Path, errs: list[LoadError]) -> SyncReport:
        self.errors[path] = errs
        return SyncReport(errors=list(errs))

    def remove_file(self, path: Path) -> SyncReport:
        """A file was deleted: delete the objects it defined (in reverse apply order)."""
        report = SyncReport()
        keys = self.owned.pop(Path(path), [])
        for key in sorted(keys, key=lambda k: -kind_rank(k[0])):
            report.deleted += self._delete(key)
        self.errors.pop(Path(path), None)
        return report

    def _delete(self, key: ObjectKey) -> list[str]:
        kind, ns, name = key
        rt = resources.by_kind(kind)
        try:
            self.store.delete(kind, name, ns or None)
        except errors.ApiError:
            return []
        return [f"{rt.qualified_kind}/{name} deleted"]

    # -------------------------------------------------------------- watching
    def is_manifest(self, path: Path) -> bool:
        name = path.name
        if path.suffix not in MANIFEST_SUFFIXES or name.startswith(".") or name.endswith("~"):
            return False
        return not any(part.startswith(".") for part in path.parts[-3:-1])

    async def watch(self, on_report: Callable[[SyncReport], None], stop: asyncio.Event | None = None,
                    debounce_ms: int = 50) -> None:
        """Re-sync files as they change on disk (``watchfiles``); runs until ``stop`` is set."""
        from watchfiles import awatch

        roots = [str(p) for p in self.paths if p.exists()]
        if not roots:
            return
        async for changes in awatch(*roots, debounce=debounce_ms, step=20, stop_event=stop, recursive=True):
            touched = sorted({Path(p) for _, p in changes})
            report = SyncReport()
            for path in touched:
                if path.is_dir() or (not self.is_manifest(path) and path not in self.owned):
                    continue
                try:
                    report.extend(self.sync_file(path))
                except Exception as e:
                    log.exception("sync of %s failed", path)
                    report.errors.append(LoadError(path, 1, 1, f"internal error: {e}"))
            if report.applied or report.deleted or report.errors:
                on_report(report)
