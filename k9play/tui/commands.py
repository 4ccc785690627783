"""Parse what the user types at the ``:`` prompt (k9s ``view/cmd``), without touching the UI.

Kept free of Textual so the grammar can be unit-tested and reused by other faces.

A line is ``NAME [ARG…]``. NAME is a resource name (plural, singular, kind, Kubernetes short
name, ``name.group``, or one of k9s' own aliases), an app command (``quit``, ``help`` …) or a
k9s meta view (``aliases``). Resource args follow k9s' ``view/cmd/args.go``: a bare word is
the namespace (``all``/``-A`` for every one, ``-n NS`` too), ``/fred`` a filter, ``-f fred``
a fuzzy filter, ``app=x,env!=y`` a label selector, ``@ctx`` a context (k9play has one cluster).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from k9play.api.resources import RESOURCE_TYPES, ResourceType, lookup
from k9play.api.selectors import SelectorError, parse_label_selector

#: The namespace argument meaning "every namespace".
ALL = "all"
ALL_WORDS = frozenset({"all", "-A", "--all-namespaces", "0"})

#: k9s' built-in aliases that are not Kubernetes short names (config/templates/aliases.yaml).
K9S_ALIASES: dict[str, str] = {
    "dp": "deployments", "sec": "secrets", "jo": "jobs", "cr": "clusterroles",
    "crb": "clusterrolebindings", "ro": "roles", "rb": "rolebindings", "np": "networkpolicies",
    "namespace": "namespaces",
}

APP_COMMANDS: dict[str, str] = {
    "q": "quit", "q!": "quit", "qa": "quit", "Q": "quit", "quit": "quit", "exit": "quit",
    "?": "help", "h": "help", "help": "help",
    "pause": "pause", "resume": "resume", "speed": "speed", "step": "step",
}

#: k9s meta views (not resources) → the view's name. One entry per alias; each name gets a
#: branch in ``BrowserScreen.run_command``.
META_COMMANDS: dict[str, str] = {
    "aliases": "aliases", "alias": "aliases", "a": "aliases",
    "sources": "sources", "source": "sources",
    "user": "user", "usr": "user",
}
#: k9s meta-views (``view/cmd/types.go``): the XRay tree and the Pulses dashboard.
XRAY_WORDS = frozenset({"xray", "xr", "x"})
PULSES_WORDS = frozenset({"pulses", "pulse", "pu", "hz"})
#: Kinds XRay can start from (k9s ``xray.go``), by canonical kind.
XRAY_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Service", "Job", "CronJob")
XRAY_USAGE = "usage: xray deploy|sts|ds|rs|po|svc|job|cj [NAMESPACE]"


@dataclass(frozen=True)
class ViewCommand:
    """Show ``rt`` (None: keep the current kind) in ``namespace`` (None: keep; ``ALL``: every one).

    ``query`` is what the ``/`` filter box would hold: ``fred``, ``-f fred`` or ``-l app=x``.
    ``line`` is the command as history remembers it.
    """

    rt: ResourceType | None
    namespace: str | None = None
    query: str = ""
    line: str = ""


@dataclass(frozen=True)
class AppCommand:
    name: str  # quit | help | pause | resume | speed | step
    value: float | None = None  # speed: the factor; step: seconds (None: one default step)


@dataclass(frozen=True)
class XRayCommand:
    """``:xray KIND [NS]``: the dependency tree of ``rt`` objects (namespace as in :class:`ViewCommand`)."""

    rt: ResourceType
    namespace: str | None = None


@dataclass(frozen=True)
class PulsesCommand:
    """``:pulses [NS]``: the dashboard of the current (or the given) namespace."""

    namespace: str | None = None


@dataclass(frozen=True)
class MetaCommand:
    """A k9s meta view such as ``aliases``; ``args`` are passed through unparsed."""

    name: str
    args: tuple[str, ...] = ()
    line: str = ""


@dataclass(frozen=True)
class KubectlCommand:
    """``:kubectl ARGS…``: a kubectl line, split as a shell would (quotes kept together)."""

    argv: tuple[str, ...]
    line: str = ""


@dataclass(frozen=True)
class CommandError:
    message: str


Command = ViewCommand | AppCommand | MetaCommand | XRayCommand | PulsesCommand | KubectlCommand | CommandError


def resolve(name: str) -> ResourceType | None:
    """A resource name as typed at the prompt (Kubernetes names first, then k9s' aliases)."""
    return lookup(name) or lookup(K9S_ALIASES.get(name.lower(), ""))


@dataclass(frozen=True)
class AliasEntry:
    """One row of the aliases view: a resource and every command that opens it."""

    rt: ResourceType
    commands: tuple[str, ...]


def alias_table() -> list[AliasEntry]:
    """Every served kind with its names, k9s aliases included (k9s ``render/alias.go``)."""
    extra: dict[str, list[str]] = {}
    for alias, target in K9S_ALIASES.items():
        extra.setdefault(target, []).append(alias)
    out = []
    for rt in RESOURCE_TYPES:
        names = {rt.plural, rt.singular, *rt.short_names, *extra.get(rt.plural, ())}
        out.append(AliasEntry(rt, tuple(sorted(names, key=lambda n: (len(n), n)))))
    return out


def command_words() -> list[str]:
    """Everything the prompt can complete as a first word, sorted."""
    words = {w for e in alias_table() for w in e.commands}
    words |= {rt.kind.lower() for rt in RESOURCE_TYPES}
    words |= {w for w in APP_COMMANDS if w.isalpha() and len(w) > 1} | set(META_COMMANDS)
    words |= {w for w in XRAY_WORDS | PULSES_WORDS if len(w) > 1} | {"kubectl"}
    return sorted(words)


def _canonical(head: str, args: list[str]) -> str:
    return " ".join([head.lower(), *args])


def _view_args(args: list[str]) -> tuple[str | None, str] | CommandError:
    """k9s' ``newArgs``: → (namespace, filter query)."""
    ns: str | None = None
    query = ""
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-n":
            i += 1
            if i >= len(args):
                return CommandError("flag needs an argument: -n")
            a = args[i]
            if ns is not None:
                return CommandError(f"too many arguments: {' '.join(args)}")
            ns = a
        elif a.startswith("@"):
            return CommandError(f"no context {a[1:]!r}: k9play simulates a single cluster")
        elif a.startswith("-f"):
            term = a[2:]
            if not term:
                i += 1
                if i >= len(args):
                    return CommandError("flag needs an argument: -f")
                term = args[i]
            query = f"-f {term}"
        elif a.startswith("/"):
            query = a[1:]
        elif "=" in a:
            try:
                parse_label_selector(a)
            except SelectorError as e:
                return CommandError(f"invalid label selector {a!r}: {e}")
            query = f"-l {a}"
        elif a in ALL_WORDS:
            if ns is not None:
                return CommandError(f"too many arguments: {' '.join(args)}")
            ns = ALL
        else:
            if ns is not None:
                return CommandError(f"too many arguments: {' '.join(args)}")
            ns = a
        i += 1
    return ns, query


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


def _xray(args: list[str]) -> XRayCommand | CommandError:
    """``xray KIND [NS]``: KIND by any of its names (``dp``, ``deploy``, ``po`` …), NS as for views."""
    if not args:
        return CommandError(XRAY_USAGE)
    rt = resolve(args[0])
    if rt is None or rt.kind not in XRAY_KINDS:
        return CommandError(f"xray: unsupported resource {args[0]!r} ({XRAY_USAGE})")
    ns = _namespace_arg(args[1:])
    if isinstance(ns, CommandError):
        return ns
    return XRayCommand(rt, ns)


def _step(args: list[str]) -> Command:
    from k9play.cli import parse_duration

    try:
        seconds = parse_duration(args[0]) if len(args) == 1 else -1.0
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        return CommandError("usage: step [DURATION] (e.g. step, step 5s, step 2m)")
    return AppCommand("step", seconds)


def _speed(head: str, args: list[str]) -> Command:
    try:
        value = float(args[0]) if len(args) == 1 else float("nan")
    except ValueError:
        value = float("nan")
    if not value > 0:
        return CommandError("usage: speed FACTOR (a positive number, e.g. speed 10)")
    return AppCommand("speed", value)


def parse(text: str) -> Command:
    words = text.strip().removeprefix(":").split()
    if not words:
        return CommandError("empty command")
    head, args = words[0], words[1:]
    if head == "kubectl":
        try:
            argv = shlex.split(text.strip().removeprefix(":"))[1:]
        except ValueError as e:
            return CommandError(f"kubectl: {e}")
        return KubectlCommand(tuple(argv), text.strip().removeprefix(":"))  # none: kubectl's help
    app = APP_COMMANDS.get(head) or APP_COMMANDS.get(head.lower())
    if app == "speed":
        return _speed(head, args)
    if app == "step" and args:
        return _step(args)
    if app is not None:
        return AppCommand(app) if not args else CommandError(f"{head} takes no arguments")
    if head.lower() in PULSES_WORDS:
        ns = _namespace_arg(args)
        return ns if isinstance(ns, CommandError) else PulsesCommand(ns)
    if head.lower() in XRAY_WORDS:
        return _xray(args)
    meta = META_COMMANDS.get(head.lower())
    if meta is not None:
        return MetaCommand(meta, tuple(args), _canonical(head, args))
    rt = resolve(head)
    if rt is None:
        return CommandError(f"unknown command: {head!r} (try :pods, :deploy, :ns, :aliases or :help)")
    parsed = _view_args(args)
    if isinstance(parsed, CommandError):
        return parsed
    ns, query = parsed
    line = _canonical(head, args)
    if rt.kind == "Namespace" and ns is not None:
        return ViewCommand(None, ns, query, line)  # ":ns kube-system" switches namespace, keeps the kind
    return ViewCommand(rt, ns, query, line)
