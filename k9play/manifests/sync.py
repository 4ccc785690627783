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

from k9play.api import errors, removed, resources
from k9play.api.errors import NoKindMatchError
from k9play.api.store import ObjectStore
from k9play.manifests.applier import apply_object, kind_rank
from k9play.manifests.loader import (
    MANIFEST_SUFFIXES,
    Document,
    LoadError,
    display_path,
    iter_manifest_files,
    load_file,
)
from k9play.manifests.watcher import QUIET_MS

log = logging.getLogger("k9play.manifests")

ObjectKey = tuple[str, str, str]  # kind, namespace, name


@dataclass
class SyncReport:
    """What one sync did: lines like ``deployment.apps/web configured``, and errors."""

    applied: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    #: files whose last sync failed and that now sync cleanly (maybe changing nothing): the
    #: error the user saw is gone, and they need to hear it
    fixed: list[Path] = field(default_factory=list)

    def extend(self, other: SyncReport) -> None:
        self.applied += other.applied
        self.deleted += other.deleted
        self.errors += other.errors
        self.fixed += other.fixed

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class SourceStatus:
    """What the ``:sources`` view shows for one file: its objects and how its last sync went."""

    path: Path
    objects: list[ObjectKey] = field(default_factory=list)
    synced_at: float | None = None  # virtual time of the last sync attempt
    result: str = "pending"  # applied | unchanged | error | deleted
    errors: list[LoadError] = field(default_factory=list)


def mapping_message(doc: Document, exc: NoKindMatchError) -> str:
    """kubectl's mapping error, plus k9play's hint for removed or unsimulated APIs."""
    text = (f'resource mapping not found for name: "{doc.name}" namespace: "{doc.namespace}" from '
            f'"{display_path(doc.path)}": {exc}\nensure CRDs are installed first')
    hint = removed.hint(exc.api_version, exc.kind)
    return f"{text}\n{hint}" if hint else text


def mapping_error(doc: Document, exc: NoKindMatchError) -> LoadError:
    line, col = doc.position("kind")
    return LoadError(doc.path, line, col, mapping_message(doc, exc))


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
        self.paths = [Path(p).absolute() for p in paths]  # the watcher reports absolute paths
        self.namespace = namespace
        self.owned: dict[Path, list[ObjectKey]] = {}
        self.errors: dict[Path, list[LoadError]] = {}
        #: where each owned object is defined: file and (line, column) of its document
        self.origins: dict[ObjectKey, tuple[Path, int, int]] = {}
        self.status: dict[Path, SourceStatus] = {}
        #: bumped on every change to ``status``/``errors``, so a view redraws only when needed
        self.version = 0
        #: files saved while their namespace was still terminating, by namespace: applied again
        #: once it is gone (:meth:`retry_waiting`), as the folder says it should exist
        self.waiting: dict[str, set[Path]] = {}

    # ----------------------------------------------------------------- files
    def files(self) -> list[Path]:
        return iter_manifest_files(self.paths)

    def sync_all(self) -> SyncReport:
        report = SyncReport()
        files = self.files()
        report.extend(self._sync_many(files))
        present = set(files)
        for gone in sorted(p for p in {*self.owned, *self.errors} if p not in present):
            report.extend(self.remove_file(gone))
        return report

    def sync_file(self, path: Path) -> SyncReport:
        return self.sync_paths([Path(path)])

    def sync_paths(self, paths: Iterable[Path]) -> SyncReport:
        """Sync what changed on disk. Files that exist go first, vanished ones after, so a
        rename or a move hands its objects to the new path instead of deleting them."""
        report = SyncReport()
        paths = sorted(set(paths))
        report.extend(self._sync_many([p for p in paths if p.is_file() and self.is_manifest(p)]))
        for path in paths:
            if not path.exists():  # a file, or a whole folder moved away or deleted
                known = {*self.owned, *self.errors}  # a file that never applied owns nothing
                for owned in sorted(p for p in known if p == path or path in p.parents):
                    report.extend(self.remove_file(owned))
            elif path in self.owned and not self.is_manifest(path):
                report.extend(self.remove_file(path))
            elif path.is_dir():  # a folder moved in: everything in it is new
                report.extend(self._sync_many([f for f in iter_manifest_files([path])
                                               if f not in self.owned and self.is_manifest(f)]))
        return report

    def _sync_many(self, files: list[Path]) -> SyncReport:
        report = SyncReport()
        loaded = {f: load_file(f) for f in files}
        # apply every file's objects in kubectl's kind order across files, so a Namespace in
        # one file exists before the Deployment of another needs it
        ranked = sorted(files, key=lambda f: min((kind_rank(d.kind) for d in loaded[f][0]), default=99))
        for f in ranked:
            report.extend(self._sync_loaded(f, *loaded[f]))
        return report

    def _owner(self, key: ObjectKey, path: Path) -> Path | None:
        """Another file that still defines ``key`` (a vanished owner gives it up: a rename)."""
        origin = self.origins.get(key)
        if origin is None or origin[0] == path:
            return None
        owner = origin[0]
        if owner.exists() and key in self.owned.get(owner, []):
            return owner
        self.owned[owner] = [k for k in self.owned.get(owner, []) if k != key]
        del self.origins[key]
        return None

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
            owner = self._owner(key, path)
            if owner is not None:
                line, col = doc.position("metadata.name")
                o_line = self.origins[key][1]
                problems.append(LoadError(path, line, col, f"{key[0]} {key[1] + '/' if key[1] else ''}{key[2]} is "
                                                           f"already defined in {owner}:{o_line}; that file keeps it"))
                continue
            if not doc.name:
                line, col = doc.position("metadata")
                problems.append(LoadError(path, line, col, "resource name may not be empty"))
                continue
            ns_name = key[2] if key[0] == "Namespace" else key[1]
            live_ns = self.store.try_get("Namespace", ns_name) if ns_name else None
            if live_ns is not None and live_ns["metadata"].get("deletionTimestamp"):
                self.waiting.setdefault(ns_name, set()).add(path)
            ns_exists = not key[1] or self.store.try_get("Namespace", key[1]) is not None or any(
                d.kind == "Namespace" and d.name == key[1] for d in docs)
            if not ns_exists:
                line, col = doc.position("metadata.namespace")
                problems.append(LoadError(path, line, col, f'Error from server (NotFound): namespaces "{key[1]}" '
                                                           f"not found\nhint: add a Namespace manifest, or run "
                                                           f"kubectl create namespace {key[1]}"))
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
        for key in sorted((k for k in previous if k not in keys), key=lambda k: -kind_rank(k[0])):
            report.deleted += self._delete(key)
            self.origins.pop(key, None)
        self.owned[path] = keys
        for doc in docs:
            self.origins[object_key(doc, self.namespace)] = (path, doc.line, doc.col)
        if report.errors:
            self.errors[path] = report.errors
        elif self.errors.pop(path, None) is not None:
            report.fixed.append(path)
        self._record(path, "error" if report.errors else "applied" if report.applied or report.deleted
                     else "unchanged", report.errors)
        return report

    def retry_waiting(self) -> SyncReport:
        """Apply again the files that were saved while their namespace was terminating, once it
        is gone: deleting a chapter's folder and putting it back brings it all back."""
        report = SyncReport()
        for ns in [ns for ns in self.waiting if self.store.try_get("Namespace", ns) is None]:
            paths = [p for p in self.waiting.pop(ns) if p.is_file() and (p in self.owned or p in self.errors)]
            report.extend(self._sync_many(sorted(paths)))
        return report

    def _fail(self, path: Path, errs: list[LoadError]) -> SyncReport:
        self.errors[path] = errs
        self._record(path, "error", errs)
        return SyncReport(errors=list(errs))

    def _record(self, path: Path, result: str, errs: list[LoadError]) -> None:
        self.version += 1
        st = self.status.setdefault(path, SourceStatus(path))
        st.objects = list(self.owned.get(path, []))
        st.synced_at = self.store.clock.now()
        st.result = result
        st.errors = list(errs)

    def remove_file(self, path: Path) -> SyncReport:
        """A file was deleted: delete the objects it defined (in reverse apply order)."""
        report = SyncReport()
        path = Path(path)
        keys = self.owned.pop(path, [])
        for key in sorted(keys, key=lambda k: -kind_rank(k[0])):
            report.deleted += self._delete(key)
            if self.origins.get(key, (None,))[0] == path:
                del self.origins[key]
        if self.errors.pop(path, None) is not None:
            report.fixed.append(path)
        self.status.pop(path, None)
        self.version += 1
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
        """A ``.yaml``/``.yml``/``.json`` file that is not an editor's swap, backup or temp
        file and not inside a hidden folder under a watched root."""
        name = path.name
        if path.suffix not in MANIFEST_SUFFIXES or name.startswith((".", "#")) or name.endswith("~"):
            return False
        for root in self.paths:
            if root == path:
                return True
            try:
                rel = path.relative_to(root)
            except ValueError:
                continue
            return not any(part.startswith(".") for part in rel.parts[:-1])
        return True

    async def watch(self, on_report: Callable[[SyncReport], None], stop: asyncio.Event | None = None,
                    *, on_ready: Callable[[], None] | None = None, quiet_ms: int = QUIET_MS) -> None:
        """Re-sync files as they change on disk; runs until ``stop`` is set.

        ``on_ready`` is called once the file system watches are in place."""
        from k9play.manifests.watcher import PathWatcher

        watcher = PathWatcher(self.paths, stop or asyncio.Event(), quiet_ms=quiet_ms, on_ready=on_ready)
        async for changed in watcher.changes():
            touched = {p for p in changed if self.is_manifest(p) or p in self.owned or p.is_dir()}
            if not touched:
                continue
            try:
                report = self.sync_paths(touched)
            except Exception as e:  # never let one bad file end the watch
                log.exception("sync of %s failed", sorted(touched))
                report = SyncReport(errors=[LoadError(sorted(touched)[0], 1, 1, f"internal error: {e}")])
            if report.applied or report.deleted or report.errors or report.fixed:
                on_report(report)
