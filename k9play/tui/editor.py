"""Hand a buffer to the user's editor, as ``kubectl edit`` does: ``$KUBE_EDITOR``, then
``$EDITOR``, then ``vi``, on a ``kubectl-edit-*.yaml`` temp file, with the TUI suspended.

The one place k9play starts a host program, and only the editor the user chose; tests
replace :func:`run_editor`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import App, SuspendNotSupported


class EditorError(Exception):
    """The editor could not run or failed (kubectl's wording)."""


def editor_command() -> list[str]:
    return shlex.split(os.environ.get("KUBE_EDITOR") or os.environ.get("EDITOR") or "vi")


def run_editor(app: App[object], text: str) -> str:
    """Edit ``text`` in the user's editor and return what was saved."""
    command = editor_command()
    fd, name = tempfile.mkstemp(prefix="kubectl-edit-", suffix=".yaml")
    path = Path(name)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        call_suspended(app, [*command, str(path)])
        return path.read_text()
    finally:
        path.unlink(missing_ok=True)


#: editors that take ``FILE:LINE`` after ``-g`` instead of ``+LINE FILE``
_GOTO_EDITORS = {"code", "code-insiders", "codium", "cursor"}


def file_at_line_command(path: Path, line: int) -> list[str]:
    """The editor command that opens ``path`` with the cursor on ``line``."""
    command = editor_command()
    program = Path(command[0]).name if command else "vi"
    if program in _GOTO_EDITORS:
        return [*command, "-g", f"{path}:{line}"]
    if program in ("subl", "zed", "hx", "helix"):
        return [*command, f"{path}:{line}"]
    return [*command, f"+{line}", str(path)]  # vi, vim, nvim, nano, emacs, micro, kak …


def call_suspended(app: App[object], command: list[str]) -> None:
    """Run the editor with the TUI suspended (the terminal is the editor's until it exits)."""
    try:
        with app.suspend():
            code = subprocess.call(command)
    except SuspendNotSupported:
        raise EditorError("error: this terminal cannot hand over to an editor") from None
    except OSError as e:
        raise EditorError(f'error: there was a problem with the editor "{" ".join(command)}": {e}') from None
    if code != 0:
        raise EditorError(f'error: there was a problem with the editor "{" ".join(command)}"')


def edit_file(app: App[object], path: Path, line: int) -> None:
    """Open a manifest file the user owns at a document's line; the user's editor writes it."""
    call_suspended(app, file_at_line_command(path, line))
