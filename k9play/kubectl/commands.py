"""A kubectl that talks to the simulated cluster, printing exactly what kubectl prints.

``Kubectl(cluster).run(["get", "pods", "-o", "wide"])`` returns a :class:`Result` with
stdout, stderr and the exit code. Commands live in their own modules (``get``,
``describe``, ``apply``, ``delete``); this module parses global flags, resolves resource
arguments the way kubectl's resource builder does, and dispatches.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from k9play.api import errors, resources
from k9play.api.auth import ADMIN, UserInfo
from k9play.api.resources import ResourceType

if TYPE_CHECKING:
    from k9play.cluster import Cluster


class CommandError(Exception):
    """A failure kubectl reports with ``error: ...`` (or a verbatim line) and exit code 1."""

    def __init__(self, message: str, code: int = 1, *, verbatim: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.verbatim = verbatim

    def text(self) -> str:
        msg = str(self)
        return msg if self.verbatim or msg.startswith(("error:", "Error", "You must")) else f"error: {msg}"


@dataclass
class Result:
    out: str = ""
    err: str = ""
    code: int = 0

    def write(self, text: str) -> None:
        self.out += text

    def error(self, text: str) -> None:
        self.err += text if text.endswith("\n") else text + "\n"


@dataclass
class Flags:
    """Parsed command line: positional args plus flag values (repeatable flags are lists)."""

    args: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)
    #: everything after ``--`` (a command for ``create job``/``exec``/``run``)
    command: list[str] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        vals = self.values.get(name)
        return vals[-1] if vals else default

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def has(self, name: str) -> bool:
        return name in self.values


#: flag spellings → canonical name; ``True`` marks boolean flags (no value)
FLAG_SPECS: dict[str, tuple[str, bool]] = {
    "-n": ("namespace", False), "--namespace": ("namespace", False),
    "-A": ("all-namespaces", True), "--all-namespaces": ("all-namespaces", True),
    "-o": ("output", False), "--output": ("output", False),
    "-l": ("selector", False), "--selector": ("selector", False),
    "--field-selector": ("field-selector", False),
    "--show-labels": ("show-labels", True),
    "-L": ("label-columns", False), "--label-columns": ("label-columns", False),
    "--no-headers": ("no-headers", True),
    "-f": ("filename", False), "--filename": ("filename", False),
    "-R": ("recursive", True), "--recursive": ("recursive", True),
    "--grace-period": ("grace-period", False),
    "--force": ("force", True), "--now": ("now", True),
    "--cascade": ("cascade", False),
    "--wait": ("wait", False),
    "--ignore-not-found": ("ignore-not-found", True),
    "--all": ("all", True),
    "--dry-run": ("dry-run", False),
    "--show-events": ("show-events", False),
    "--replicas": ("replicas", False), "--current-replicas": ("current-replicas", False),
    "--image": ("image", False), "--port": ("port", False), "--from": ("from", False),
    "--revision": ("revision", False), "--to-revision": ("to-revision", False),
    "--min": ("min", False), "--max": ("max", False), "--cpu-percent": ("cpu-percent", False),
    "--cpu": ("cpu", False), "--name": ("name", False),
    # impersonation and credentials, accepted by every command
    "--as": ("as", False), "--as-group": ("as-group", False), "--token": ("token", False),
}

#: per-command flag meanings that differ from the common table (``logs -f`` follows)
COMMAND_FLAGS: dict[str, dict[str, tuple[str, bool] | None]] = {  # None: not a flag of that command
    "logs": {"-f": ("follow", True), "--follow": ("follow", True), "-c": ("container", False),
             "--container": ("container", False), "-p": ("previous", True), "--previous": ("previous", True),
             "--tail": ("tail", False), "--timestamps": ("timestamps", True), "--since": ("since", False),
             "--all-containers": ("all-containers", True), "--prefix": ("prefix", True),
             "--max-log-requests": ("max-log-requests", False)},
    "top": {"--containers": ("containers", True), "--sort-by": ("sort-by", False)},
    "run": {"-l": ("labels", False), "--labels": ("labels", False), "--env": ("env", False),
            "--restart": ("restart", False), "--image-pull-policy": ("image-pull-policy", False),
            "--command": ("command", True), "--annotations": ("annotations", False), "-i": ("stdin", True),
            "--stdin": ("stdin", True), "-t": ("tty", True), "--tty": ("tty", True), "-it": ("tty", True),
            "-ti": ("tty", True), "--attach": ("attach", True), "--rm": ("rm", True), "--expose": ("expose", True),
            "--privileged": ("privileged", True), "-q": ("quiet", True), "--quiet": ("quiet", True),
            "--replicas": None},  # gone since kubectl v1.18 (run makes pods only): unknown, as kubectl says
    "rollout": {"--timeout": ("timeout", False)},
    "get": {"--sort-by": ("sort-by", False), "-w": ("watch", True), "--watch": ("watch", True)},
    "annotate": {"--overwrite": ("overwrite", True)},
    "set": {"--limits": ("limits", False), "--requests": ("requests", False), "-c": ("container", False),
            "--containers": ("container", False), "--list": ("list", True)},
    "patch": {"-p": ("patch", False), "--patch": ("patch", False), "--type": ("type", False)},
    "wait": {"--for": ("for", False), "--timeout": ("timeout", False)},
    "version": {"--client": ("client", True)},
    "api-resources": {"--namespaced": ("namespaced", False)},
    "explain": {"--recursive": ("recursive", True), "--api-version": ("api-version", False),
                "--output": ("explain-output", False)},
    "exec": {"-c": ("container", False), "--container": ("container", False), "-i": ("stdin", True),
             "--stdin": ("stdin", True), "-t": ("tty", True), "--tty": ("tty", True), "-it": ("tty", True),
             "-ti": ("tty", True), "-q": ("quiet", True), "--quiet": ("quiet", True)},
    "expose": {"-l": ("labels", False), "--labels": ("labels", False), "--protocol": ("protocol", False),
               "--target-port": ("target-port", False), "--type": ("type", False),
               "--external-ip": ("external-ip", False), "--load-balancer-ip": ("load-balancer-ip", False),
               "--session-affinity": ("session-affinity", False), "--cluster-ip": ("cluster-ip", False)},
    "drain": {"--ignore-daemonsets": ("ignore-daemonsets", True),
              "--delete-emptydir-data": ("delete-emptydir-data", True),
              "--delete-local-data": ("delete-emptydir-data", True), "--timeout": ("timeout", False),
              "--pod-selector": ("pod-selector", False), "--disable-eviction": ("disable-eviction", True),
              "--skip-wait-for-delete-timeout": ("skip-wait-for-delete-timeout", False)},
    "taint": {"--overwrite": ("overwrite", True)},
    "label": {"--overwrite": ("overwrite", True), "--resource-version": ("resource-version", False)},
    "create": {**{f"--{name}": (name if name != "user" else "subject-user", False) for name in (
        "from-literal", "from-file", "from-env-file", "type", "cert", "key", "docker-server", "docker-username",
        "docker-password", "docker-email", "verb", "resource", "resource-name", "non-resource-url",
        "aggregation-rule", "role", "clusterrole", "user", "group", "serviceaccount", "hard", "scopes")},
               "--tcp": ("tcp", False), "--clusterip": ("clusterip", False), "--node-port": ("node-port", False),
               "--external-name": ("external-name", False)},
    "auth": {"--list": ("list", True), "-q": ("quiet", True), "--quiet": ("quiet", True),
             "--subresource": ("subresource", False)},
}


def parse_flags(argv: Sequence[str], verb: str = "") -> Flags:
    specs = {**FLAG_SPECS, **COMMAND_FLAGS.get(verb, {})}
    flags = Flags()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            flags.command = list(argv[i + 1:])
            break
        if a.startswith("-") and a != "-":
            name, eq, inline = a.partition("=")
            spec = specs.get(name)
            if spec is None and not a.startswith("--") and len(a) > 2:
                spec = specs.get(a[:2])  # -ojson, -nkube-system
                if spec is not None and not spec[1]:
                    name, eq, inline = a[:2], "=", a[2:]
            if spec is None:
                usage = f"\nSee 'kubectl {verb} --help' for usage." if verb else ""
                if a.startswith("--"):
                    raise CommandError(f"unknown flag: {name}{usage}")
                raise CommandError(f"unknown shorthand flag: '{a[1:2]}' in {a}{usage}")
            canonical, boolean = spec
            if boolean:
                value = inline if eq else "true"
            elif eq:
                value = inline
            else:
                if i + 1 >= len(argv):
                    raise CommandError(f"flag needs an argument: {name}")
                i += 1
                value = argv[i]
            flags.values.setdefault(canonical, []).append(value)
        else:
            flags.args.append(a)
        i += 1
    return flags


@dataclass
class ResourceRequest:
    rt: ResourceType
    names: list[str]


def unknown_type(name: str) -> CommandError:
    return CommandError(f'the server doesn\'t have a resource type "{name}"')


def resolve_type(name: str) -> ResourceType:
    rt = resources.lookup(name)
    if rt is None:
        raise unknown_type(name)
    return rt


def resolve_resources(args: list[str]) -> list[ResourceRequest]:
    """``pods``, ``pods a b``, ``po,svc``, ``pod/a deploy/b``, ``all`` → typed requests."""
    if not args:
        return []
    if all("/" in a for a in args):
        out: list[ResourceRequest] = []
        for a in args:
            tname, _, name = a.partition("/")
            rt = resolve_type(tname)
            for req in out:
                if req.rt is rt:
                    req.names.append(name)
                    break
            else:
                out.append(ResourceRequest(rt, [name]))
        return out
    if any("/" in a for a in args):
        raise CommandError("there is no need to specify a resource type as a separate argument when passing "
                           "arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of "
                           "'kubectl get resource resource/<resource_name>'")
    kinds: list[ResourceType] = []
    for tname in args[0].split(","):
        if not tname:
            continue
        cat = resources.category(tname)
        if cat and resources.lookup(tname) is None:
            kinds += [rt for rt in cat if rt not in kinds]
            continue
        rt = resolve_type(tname)
        if rt not in kinds:
            kinds.append(rt)
    names = args[1:]
    if names and len(kinds) > 1:
        return [ResourceRequest(rt, list(names)) for rt in kinds]
    return [ResourceRequest(rt, list(names)) for rt in kinds]


Handler = Callable[["Kubectl", Flags, Result], None]


def command_handlers() -> dict[str, Handler]:
    """kubectl's commands that k9play runs, by verb (the prompt's completion offers these names)."""
    from k9play.kubectl import (
        annotate_patch,
        describe_cmd,
        diff,
        exec_cmd,
        explain,
        get,
        info,
        logs,
        nodes,
        rollout,
        services,
        top,
        workloads,
    )
    from k9play.kubectl import apply as apply_cmd
    from k9play.kubectl import auth as auth_cmd
    from k9play.kubectl import create as create_cmd
    from k9play.kubectl import delete as delete_cmd
    from k9play.kubectl import run as run_cmd

    def create(k: Kubectl, flags: Flags, result: Result) -> None:
        if flags.args[:1] in (["service"], ["svc"]):
            services.create_service(k, flags, result)
        else:
            create_cmd.run(k, flags, result)

    return {
        "get": get.run,
        "describe": describe_cmd.run,
        "apply": apply_cmd.run,
        "create": create,
        "auth": auth_cmd.run,
        "delete": delete_cmd.run,
        "logs": logs.run,
        "scale": workloads.scale,
        "set": workloads.set_cmd,
        "autoscale": workloads.autoscale,
        "rollout": rollout.run,
        "run": run_cmd.run,
        "annotate": annotate_patch.annotate,
        "replace": apply_cmd.run_replace,
        "diff": diff.run,
        "patch": annotate_patch.patch,
        "wait": info.wait,
        "version": info.version,
        "cluster-info": info.cluster_info,
        "config": info.config,
        "api-resources": info.api_resources,
        "explain": explain.run,
        "exec": exec_cmd.run,
        "expose": services.expose,
        "cordon": nodes.cordon,
        "uncordon": nodes.uncordon,
        "drain": nodes.drain,
        "taint": nodes.taint,
        "label": nodes.label,
        "top": top.run,
    }


#: kubectl's global flags k9play honours, which may come before the command (``kubectl -n x get pods``)
GLOBAL_VALUE_FLAGS = frozenset({"-n", "--namespace", "--as", "--as-group", "--token"})


def _split_verb(argv: list[str]) -> tuple[str, list[str]]:
    """The command and the rest, global flags given before the command moved after it."""
    before: list[str] = []
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-":
        word = argv[i]
        before.append(word)
        if word in GLOBAL_VALUE_FLAGS and i + 1 < len(argv):
            before.append(argv[i + 1])
            i += 1
        i += 1
    if i >= len(argv):
        return "", before
    rest = argv[i + 1:]
    cut = rest.index("--") if "--" in rest else len(rest)  # not into a container's command
    return argv[i], [*rest[:cut], *before, *rest[cut:]]


class Kubectl:
    """kubectl over one simulated cluster."""

    def __init__(self, cluster: Cluster, *, namespace: str = "default",
                 wait: Callable[[Callable[[], bool], float], bool] | None = None,
                 user: UserInfo = ADMIN) -> None:
        from k9play.kubectl.acting import ActingCluster

        if isinstance(cluster, ActingCluster):  # the TUI's verbs: act as its user
            cluster, user = cluster.cluster, cluster.user
        self.cluster = cluster
        #: what commands read and write through: the store itself for the kubeconfig's admin,
        #: an authorizing facade for anyone else (see :meth:`run`)
        self.store: Any = cluster.store
        self.namespace = namespace
        #: the identity this kubectl presents (``--as``/``--token`` override it per command)
        self.user = user
        #: ``wait(done, timeout)`` lets time pass until ``done()`` (the sim shell advances the clock)
        self.wait = wait

    def now(self) -> float:
        return self.cluster.clock.now()

    def run_line(self, line: str) -> Result:
        return self.run(shlex.split(line))

    def run(self, argv: Sequence[str]) -> Result:
        argv = list(argv)
        if argv and argv[0] == "kubectl":
            argv = argv[1:]
        from k9play.kubectl import auth as auth_cmd
        from k9play.kubectl import usage

        result = Result()
        verb, rest = _split_verb(argv)
        if not verb:
            result.write(usage.ROOT_HELP)  # the root command runs its help
            return result
        handlers = command_handlers()
        handler = handlers.get(verb)
        if handler is None:
            result.error(usage.unknown_command(verb, set(handlers)))
            result.code = 1
            return result
        saved_store, saved_user = self.store, self.user
        try:
            flags = parse_flags(rest, verb)
            auth_cmd.identify(self, flags)
            handler(self, flags, result)
        except CommandError as e:
            result.error(e.text())
            result.code = e.code
        except errors.ApiError as e:
            result.error("error: You must be logged in to the server (Unauthorized)" if e.code == 401
                         else e.kubectl_text())
            result.code = 1
        finally:
            self.store, self.user = saved_store, saved_user
        return result

    def namespace_of(self, flags: Flags) -> str:
        return flags.get("namespace") or self.namespace
