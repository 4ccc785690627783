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
        try:
            with app.suspend():
                code = subprocess.call([*command, str(path)])
        except SuspendNotSupported:
            raise EditorError("error: this terminal cannot hand over to an editor") from None
        except OSError as e:
            raise EditorError(f'error: there was a problem with the editor "{" ".join(command)}": {e}') from None
        if code != 0:
            raise EditorError(f'error: there was a problem with the editor "{" ".join(command)}"')
        return path.read_text()
    finally:
        path.unlink(missing_ok=True)
