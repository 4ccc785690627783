"""Parse what the user types at the ``:`` prompt (k9s ``view/cmd``), without touching the UI.

Kept free of Textual so the grammar can be unit-tested and reused by other faces.
"""

from __future__ import annotations

from dataclasses import dataclass

from k9play.api.resources import ResourceType, lookup

#: The namespace argument meaning "every namespace".
ALL = "all"
ALL_WORDS = frozenset({"all", "-A", "--all-namespaces", "0"})
#: k9s aliases that are not Kubernetes short names.
ALIASES = {"dp": "deployments", "namespace": "namespaces"}
APP_COMMANDS = {
    "q": "quit", "q!": "quit", "quit": "quit", "exit": "quit",
    "?": "help", "h": "help", "help": "help",
    "pause": "pause", "resume": "resume", "speed": "speed", "step": "step",
}


@dataclass(frozen=True)
class ViewCommand:
    """Show ``rt`` (None: keep the current kind) in ``namespace`` (None: keep; ``ALL``: every one)."""

    rt: ResourceType | None
    namespace: str | None = None


@dataclass(frozen=True)
class AppCommand:
    name: str  # quit | help | pause | resume | speed | step
    value: float | None = None  # speed: the factor; step: seconds (None: one default step)


@dataclass(frozen=True)
class CommandError:
    message: str


Command = ViewCommand | AppCommand | CommandError


def _namespace_arg(args: list[str]) -> str | CommandError | None:
    """``[]`` → keep, ``["x"]``/``["-n", "x"]`` → x, ``["all"]``/``["-A"]`` → ALL."""
    if args[:1] == ["-n"]:
        args = args[1:]
        if not args:
            return CommandError("flag needs an argument: -n")
    if not args:
        return None
    if len(args) > 1:
        return CommandError(f"too many arguments: {' '.join(args)}")
    return ALL if args[0] in ALL_WORDS else args[0]


def parse(text: str) -> Command:
    words = text.strip().removeprefix(":").split()
    if not words:
        return CommandError("empty command")
    head, args = words[0], words[1:]
    app = APP_COMMANDS.get(head.lower())
    if app == "speed":
        try:
            value = float(args[0]) if len(args) == 1 else float("nan")
        except ValueError:
            value = float("nan")
        if not value > 0:
            return CommandError("usage: speed FACTOR (a positive number, e.g. speed 10)")
        return AppCommand("speed", value)
    if app == "step" and args:
        from k9play.cli import parse_duration

        try:
            seconds = parse_duration(args[0]) if len(args) == 1 else -1.0
        except ValueError:
            seconds = -1.0
        if not seconds > 0:
            return CommandError("usage: step [DURATION] (e.g. step, step 5s, step 2m)")
        return AppCommand("step", seconds)
    if app is not None:
        return AppCommand(app) if not args else CommandError(f"{head} takes no arguments")
    rt = lookup(ALIASES.get(head.lower(), head))
    if rt is None:
        return CommandError(f"unknown command: {head!r} (try :pods, :deploy, :ns or :help)")
    ns = _namespace_arg(args)
    if isinstance(ns, CommandError):
        return ns
    if rt.kind == "Namespace" and ns is not None:
        return ViewCommand(None, ns)  # ":ns kube-system" switches namespace, keeps the kind
    return ViewCommand(rt, ns)
