"""The rows of the ``:sources`` view: each watched manifest file and how its last sync went."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from k9play.api import resources
from k9play.api.meta import human_duration
from k9play.manifests.loader import display_path
from k9play.manifests.sync import FolderSync, ObjectKey


@dataclass(frozen=True)
class SourceRow:
    path: Path
    file: str
    objects: str
    result: str
    synced: str
    problem: str
    error_line: int  # first error's line, or 1


def object_name(key: ObjectKey) -> str:
    kind, ns, name = key
    rt = resources.by_kind(kind)
    return f"{rt.qualified_kind}/{name}" + (f" -n {ns}" if ns else "")


def source_rows(sync: FolderSync, now: float) -> list[SourceRow]:
    """One row per file k9play knows, errors first so they cannot scroll out of sight."""
    rows = []
    for path, st in sync.status.items():
        problem = st.errors[0].message.splitlines()[0] if st.errors else ""
        synced = human_duration(now - st.synced_at) if st.synced_at is not None else "-"
        rows.append(SourceRow(path, display_path(path), str(len(st.objects)), st.result, synced, problem,
                              st.errors[0].line if st.errors else 1))
    rows.sort(key=lambda r: (r.result != "error", r.file))
    return rows


def source_detail(sync: FolderSync, path: Path) -> str:
    """What the file defines and, when its last sync failed, every error with its place."""
    st = sync.status.get(path)
    if st is None:
        return ""
    lines = [f"{display_path(path)}  ({st.result})", ""]
    if st.errors:
        lines += ["Errors (nothing from this file changed live):", *(f"  {e}" for e in st.errors), ""]
    lines += ["Objects:", *(f"  {object_name(k)}" for k in st.objects)] if st.objects else ["Objects: none"]
    return "\n".join(lines)
