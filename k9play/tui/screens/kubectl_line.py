"""``:kubectl ARGS…`` in the TUI: the command runs as the acting user; its output opens as a page.

``kubectl exec -it POD -- sh`` (or bash, or no command) opens the simulated shell instead, the
same one ``s`` opens, since a page of output cannot take keystrokes. ``kubectl drain`` opens
the live drain page ``r`` opens: kubectl blocks until the node is drained, which here takes
simulated time, so the page follows it as it happens instead of giving up at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api.errors import ApiError
from k9play.kubectl.commands import CommandError, Kubectl, parse_flags
from k9play.kubectl.exec import default_container
from k9play.kubectl.nodes import drain_targets
from k9play.tui.screens.drain_progress import show_drain
from k9play.tui.screens.shell import ShellScreen
from k9play.tui.screens.text import TextScreen

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp

SHELLS = frozenset({"sh", "bash", "/bin/sh", "/bin/bash", "ash", "/bin/ash"})


def run_kubectl_line(app: K9playApp, argv: list[str], line: str) -> None:
    """Run one kubectl line in the app's namespace and show what it printed."""
    namespace = app.namespace or "default"
    if argv[:1] == ["exec"] and _interactive_shell(app, argv, namespace):
        return
    if argv[:1] == ["drain"] and _live_drain(app, argv, line, namespace):
        return
    result = Kubectl(app.acting, namespace=namespace).run(argv)
    lines = result.err.splitlines(keepends=True)
    warnings = [line for line in lines if line.startswith("Warning: ")]  # kubectl prints these first
    text = "".join(warnings) + result.out + "".join(line for line in lines if not line.startswith("Warning: "))
    if result.code:
        app.flash(result.err.strip().splitlines()[0] if result.err.strip() else f"exit status {result.code}",
                  "error")
    app.push_screen(TextScreen("kubectl", line, lambda: text or "(no output)\n", wrap=False))


def _interactive_shell(app: K9playApp, argv: list[str], namespace: str) -> bool:
    """``exec -it POD [-c C] [-- sh]``: the shell screen; False when it is not that kind of exec."""
    try:
        flags = parse_flags(argv[1:], "exec")
    except CommandError:
        return False
    command = flags.command or flags.args[1:]
    if not (flags.has("stdin") or flags.has("tty")) or not flags.args or (command and command[0] not in SHELLS) \
            or len(command) > 1:
        return False
    ns = flags.get("namespace") or namespace
    try:
        pod = app.acting.store.try_get("Pod", flags.args[0], ns)
    except ApiError:
        return False  # kubectl itself reports the refusal
    if pod is None:
        return False
    app.push_screen(ShellScreen(ns, flags.args[0], flags.get("container") or default_container(pod)))
    return True


def _live_drain(app: K9playApp, argv: list[str], line: str, namespace: str) -> bool:
    """``drain NODE… [flags]``: the live drain page; False (kubectl prints the error, or the
    dry run) when the line is not a drain to run."""
    try:
        flags = parse_flags(argv[1:], "drain")
        if flags.get("dry-run") is not None or flags.get("as") is not None:
            return False
        names, opts = drain_targets(Kubectl(app.acting, namespace=namespace), flags)
    except CommandError:
        return False
    show_drain(app, names, opts, title="kubectl", subject=line)
    return True
