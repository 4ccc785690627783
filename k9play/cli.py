"""Command line: ``k9play [PATH ...]`` opens the TUI; ``k9play sim`` is the headless shell.

``k9play --skin NAME|FILE`` (or ``K9PLAY_SKIN``) colours the TUI with a k9s skin file: NAME
is looked up in ``$XDG_CONFIG_HOME/k9play/skins/`` and k9play's ``themes/``.

``k9play demo [NAME]`` lists the scripted demos or plays one (:mod:`k9play.demo`).

``k9play sim [PATH ...] [--nodes N] [--seed S] [-c COMMAND ...]`` applies PATHs at t=0 on
a manual clock, then runs each command in order (or reads them from stdin):

* ``advance DURATION`` — let simulated time pass (``35s``, ``2m``, ``1h30m``);
* ``apply PATH`` / ``delete PATH`` — as ``kubectl apply -f`` / ``kubectl delete -f``;
* ``echo TEXT`` — print TEXT (marks steps in a transcript);
* ``kubectl ARGS…`` — print exactly what kubectl prints;
* ``fault KIND ARGS… [-n NS]`` — inject a fault (:data:`FAULT_USAGE`, :mod:`k9play.faults`);
* ``curl [--from POD] [-n NS] [OPTIONS] URL`` — a request through the simulated network, from
  outside the cluster or from a pod (:mod:`k9play.kubectl.curl`);
* ``load svc/NAME|deploy/NAME RATE [-n NS]`` — a synthetic client sending RATE requests per
  second (``30rps``; ``0`` stops it) to a Service's ready endpoints or a Deployment's ready pods.

``--proxy-mode iptables|ipvs`` picks how the simulated kube-proxy balances (default iptables).

The exit status is non-zero if any command failed; errors go to stderr.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shlex
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from k9play import __version__
from k9play.cluster import Cluster
from k9play.faults import FaultError, Faults
from k9play.kubectl.commands import Kubectl, Result
from k9play.kubectl.exec_session import ExecSession, start_session
from k9play.manifests.sync import FolderSync
from k9play.network import PROXY_MODES, ProxyMode

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_duration(text: str) -> float:
    """``35s``, ``2m``, ``1h30m``, ``500ms`` or plain seconds → seconds."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    pos, total = 0, 0.0
    for m in _DURATION.finditer(text):
        if m.start() != pos:
            break
        value, unit = float(m.group(1)), m.group(2)
        total += value * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
        pos = m.end()
    if pos != len(text) or not text:
        raise ValueError(f'invalid duration "{text}" (use e.g. 35s, 2m, 1h30m)')
    return total


def bundled_samples() -> Path:
    """The sample manifests shipped with k9play (installed wheel or source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sample-manifests", here.parent / "sample-manifests"):
        if candidate.is_dir():
            return candidate
    return here.parent / "sample-manifests"


class SimShell:
    """Runs ``k9play sim`` commands against one manual-clock cluster."""

    def __init__(self, cluster: Cluster, out: TextIO, err: TextIO) -> None:
        self.cluster = cluster
        self.out = out
        self.err = err
        self.kubectl = Kubectl(cluster, wait=self.wait_until)
        self.failed = False
        #: an open ``kubectl exec -it POD -- sh``: lines go to the container until ``exit``
        self.session: ExecSession | None = None

    @property
    def prompt(self) -> str:
        return self.session.prompt if self.session is not None else "k9play> "

    def wait_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Jump from event to event until ``done()`` or ``timeout`` virtual seconds pass."""
        clock = self.cluster.clock
        deadline = clock.now() + timeout
        while not done():
            nxt = clock.next_deadline()
            if nxt is None or nxt > deadline:
                clock.advance_sync(max(0.0, deadline - clock.now()))  # the whole timeout passes, as for kubectl
                break
            clock.advance_sync(max(0.0, nxt - clock.now()))
        return done()

    def emit(self, result: Result) -> None:
        # kubectl prints the apiserver's warnings as the response arrives, before its output
        lines = result.err.splitlines(keepends=True)
        warnings = list(itertools.takewhile(lambda line: line.startswith("Warning: "), lines))
        if warnings:
            self.err.write("".join(warnings))
            self.err.flush()
        self.out.write(result.out)
        self.out.flush()
        rest = "".join(lines[len(warnings):])
        if rest:
            self.err.write(rest)
            self.err.flush()
        if result.code:
            self.failed = True

    def run(self, line: str) -> None:
        self._run(line)
        # between two commands a real cluster's controllers have reacted (they take milliseconds):
        # what is due now runs before the next command looks
        self.cluster.clock.settle()

    def _run(self, line: str) -> None:
        if self.session is not None:
            result, goes_on = self.session.run(line)
            self.emit(result)
            if not goes_on:
                self.session = None
            return
        line = line.strip()
        if not line or line.startswith("#"):
            return
        try:
            words = shlex.split(line)
        except ValueError as e:
            self.emit(Result(err=f"error: {e}\n", code=1))
            return
        verb, args = words[0], words[1:]
        if verb == "advance":
            if len(args) != 1:
                self.emit(Result(err="error: usage: advance DURATION (e.g. 35s, 2m)\n", code=1))
                return
            try:
                self.cluster.advance_sync(parse_duration(args[0]))
            except ValueError as e:
                self.emit(Result(err=f"error: {e}\n", code=1))
        elif verb == "echo":
            self.out.write(line[len("echo"):].strip() + "\n")
        elif verb == "apply":
            self.emit(self.kubectl.run(["apply", *[a for p in args for a in ("-f", p)]]))
        elif verb == "delete":
            self.emit(self.kubectl.run(["delete", *[a for p in args for a in ("-f", p)]]))
        elif verb == "kubectl":
            self.session = start_session(self.kubectl, args)
            if self.session is None:
                self.emit(self.kubectl.run(args))
        elif verb == "curl":
            from k9play.kubectl import curl

            self.emit(curl.run(self.cluster, args))
        elif verb == "load":
            self.emit(run_load(self.cluster, args))
        elif verb == "fault":
            try:
                self.emit(Result(out=run_fault(self.cluster.faults, args) + "\n"))
            except FaultError as e:
                self.emit(Result(err=f"error: {e}\n", code=1))
        else:
            self.emit(Result(err=f'error: unknown command "{verb}" (advance, apply, curl, delete, echo, fault, '
                                 'kubectl, load)\n', code=1))


FAULT_USAGE = {
    "node-down": "NODE", "node-up": "NODE", "kill": "POD", "crash": "POD [CONTAINER]",
    "probe": "POD liveness|readiness|startup fail|pass", "image-unpullable": "IMAGE", "image-pullable": "IMAGE",
    "load": "DEPLOYMENT/NAME|POD CPU", "pressure": "NODE memory|disk|off",
}


def run_fault(faults: Faults, args: list[str]) -> str:
    """``fault KIND ARGS… [-n NS]``: one fault, described in one line (FaultError if refused)."""
    namespace, words = "default", []
    it = iter(args)
    for a in it:
        if a in ("-n", "--namespace"):
            namespace = next(it, "")
        elif a.startswith(("-n=", "--namespace=")):
            namespace = a.split("=", 1)[1]
        else:
            words.append(a)
    kind, rest = (words[0], words[1:]) if words else ("", [])
    usage = FAULT_USAGE.get(kind)
    if usage is None:
        raise FaultError("usage: fault " + " | ".join(f"{k} {v}" for k, v in FAULT_USAGE.items()) + " [-n NS]")
    if not namespace:
        raise FaultError("flag needs an argument: -n")
    lo, hi = {"crash": (1, 2), "probe": (3, 3), "load": (2, 2), "pressure": (2, 2)}.get(kind, (1, 1))
    if not lo <= len(rest) <= hi:
        raise FaultError(f"usage: fault {kind} {usage}")
    if kind == "node-down":
        return faults.node_down(rest[0])
    if kind == "node-up":
        return faults.node_up(rest[0])
    if kind == "kill":
        return faults.kill(rest[0], namespace)
    if kind == "crash":
        return faults.crash(rest[0], namespace, rest[1] if len(rest) > 1 else None)
    if kind == "probe":
        if rest[1] not in ("liveness", "readiness", "startup") or rest[2] not in ("fail", "pass"):
            raise FaultError(f"usage: fault probe {usage}")
        return faults.probe(rest[0], namespace, rest[1], rest[2] == "fail")  # type: ignore[arg-type]
    if kind == "image-unpullable":
        return faults.image_unpullable(rest[0])
    if kind == "image-pullable":
        return faults.image_pullable(rest[0])
    if kind == "load":
        target_kind, _, name = rest[0].rpartition("/")
        return faults.load(target_kind or "pod", name, namespace, rest[1])
    if rest[1] not in ("memory", "disk", "off"):
        raise FaultError(f"usage: fault pressure {usage}")
    return faults.pressure(rest[0], rest[1])  # type: ignore[arg-type]


def run_load(cluster: Cluster, args: list[str]) -> Result:
    """``load svc/NAME|deploy/NAME RATE [-n NS]``: RATE requests per second (``30``, ``30rps``)
    to a Service, or spread over a Deployment's ready pods."""
    from k9play.network.traffic import parse_rate

    namespace, words = "default", []
    it = iter(args)
    for a in it:
        if a in ("-n", "--namespace"):
            namespace = next(it, "default")
        else:
            words.append(a)
    usage = Result(err="error: usage: load svc/NAME|deploy/NAME RATE [-n NS] (RATE: requests per second, e.g. "
                       "30rps; 0 stops)\n", code=1)
    if len(words) != 2 or "/" not in words[0]:
        return usage
    kind_text, _, name = words[0].partition("/")
    kind = {"svc": "Service", "service": "Service", "deploy": "Deployment", "deployment": "Deployment"}.get(kind_text)
    rate = parse_rate(words[1])
    if kind is None or rate is None:
        return usage
    if cluster.store.try_get(kind, name, namespace) is None:
        resource = "services" if kind == "Service" else "deployments.apps"
        return Result(err=f'Error from server (NotFound): {resource} "{name}" not found\n', code=1)
    cluster.network.traffic.set_rate(namespace, name, rate, kind)
    what = f"{kind.lower()} {namespace}/{name}"
    what = f"{rate:g} requests/s to {what}" if rate else f"no load on {what}"
    return Result(out=f"load: {what}\n")


def run_sim(paths: list[str], nodes: int, seed: int, commands: list[str] | None,
            stdin: TextIO, out: TextIO, err: TextIO, proxy_mode: ProxyMode = "iptables") -> int:
    cluster = Cluster(workers=nodes, seed=seed, proxy_mode=proxy_mode).start()
    shell = SimShell(cluster, out, err)
    if paths:
        missing = [p for p in paths if not Path(p).exists()]
        for p in missing:
            err.write(f'error: the path "{p}" does not exist\n')
            shell.failed = True
        report = FolderSync(cluster.store, [p for p in paths if p not in missing]).sync_all()
        for e in report.errors:
            err.write(f"error: {e}\n")
            shell.failed = True
        cluster.clock.settle()
    lines: Iterable[str]
    if commands is not None:
        lines = commands
    else:
        lines = _stdin_lines(stdin, out, lambda: shell.prompt)
    for line in lines:
        if shell.session is None and line.strip() in ("exit", "quit"):
            break
        shell.run(line)
    return 1 if shell.failed else 0


def _stdin_lines(stdin: TextIO, out: TextIO, prompt: Callable[[], str]) -> Iterable[str]:
    interactive = stdin.isatty()
    while True:
        if interactive:
            out.write(prompt())
            out.flush()
        line = stdin.readline()
        if not line:
            if interactive:
                out.write("\n")
            return
        yield line


def run_tui(paths: list[str], nodes: int, seed: int | None, speed: float, skin: str | None = None,
            proxy_mode: ProxyMode = "iptables", namespace: str | None = None, all_namespaces: bool = False) -> int:
    from k9play.tui.app import K9playApp

    targets = paths or [str(bundled_samples())]
    cluster = Cluster(workers=nodes, seed=seed, mode="realtime", speed=speed, proxy_mode=proxy_mode).start()
    sync = FolderSync(cluster.store, targets)
    sync.sync_all()
    start = None if all_namespaces else (namespace or first_namespace(sync))
    K9playApp(cluster, sync, realtime=True, skin=skin, namespace=start).run()
    return 0


def first_namespace(sync: FolderSync) -> str | None:
    """Where the TUI opens without ``-n``/``-A``: ``default`` if the files put anything there
    (k9s' start namespace), else every namespace, so the folder's pods are on the first screen."""
    namespaces = {ns for _, ns, _ in sync.origins if ns}
    return "default" if not namespaces or "default" in namespaces else None


def init_folder(target: Path, out: TextIO, err: TextIO) -> int:
    """``k9play init DIR``: copy the bundled samples into DIR to edit, never overwriting."""
    source = bundled_samples()
    files = sorted(p for p in source.rglob("*") if p.is_file())
    clashes = [target / p.relative_to(source) for p in files if (target / p.relative_to(source)).exists()]
    if clashes:
        err.write(f"error: {clashes[0]} already exists; k9play init never overwrites files "
                  "(choose an empty or new folder)\n")
        return 1
    for p in files:
        dest = target / p.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.k9play-tmp")
        shutil.copyfile(p, tmp)
        os.replace(tmp, dest)  # atomic: a watcher never sees half a file
    out.write(f"copied {len(files)} sample manifest file{'s' * (len(files) != 1)} into {target}\n"
              f"next: k9play {target}   (edit the files while it runs; every save is applied)\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "init":
        parser = argparse.ArgumentParser(prog="k9play init", description="Copy the bundled sample manifests "
                                         "into DIR to edit; then run `k9play DIR`.")
        parser.add_argument("dir", metavar="DIR", help="folder to create or fill (existing files are never touched)")
        ns = parser.parse_args(argv[1:])
        return init_folder(Path(ns.dir), sys.stdout, sys.stderr)
    if argv and argv[0] == "demo":
        from k9play.demo.command import main as demo_main

        return demo_main(argv[1:], sys.stdout, sys.stderr)
    if argv and argv[0] == "sim":
        parser = argparse.ArgumentParser(prog="k9play sim", description="Headless kubectl playground on a manual "
                                                                        "clock.")
        parser.add_argument("paths", nargs="*", metavar="PATH", help="manifest files or folders applied at t=0")
        parser.add_argument("--nodes", type=int, default=2, help="worker nodes beside the control plane (default 2)")
        parser.add_argument("--seed", type=int, default=0, help="seed for generated names (default 0)")
        parser.add_argument("-c", "--command", action="append", dest="commands", metavar="COMMAND",
                            help="run COMMAND (repeatable); without -c, commands are read from stdin")
        parser.add_argument("--proxy-mode", choices=PROXY_MODES, default="iptables",
                            help="how the simulated kube-proxy picks endpoints (default iptables: at random)")
        ns = parser.parse_args(argv[1:])
        return run_sim(ns.paths, ns.nodes, ns.seed, ns.commands, sys.stdin, sys.stdout, sys.stderr, ns.proxy_mode)
    parser = argparse.ArgumentParser(prog="k9play", description="A Kubernetes playground in the terminal. "
                                     "Run `k9play sim --help` for the headless shell, `k9play init DIR` "
                                     "for a folder of samples to edit, `k9play demo` for guided demos.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="manifest files or folders to apply and watch (default: the bundled samples)")
    parser.add_argument("--nodes", type=int, default=2, help="worker nodes beside the control plane (default 2)")
    parser.add_argument("--seed", type=int, default=None, help="seed for generated names")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second (default 1)")
    parser.add_argument("--skin", metavar="NAME|FILE", default=os.environ.get("K9PLAY_SKIN") or None,
                        help="a k9s skin: a file, or a NAME in $XDG_CONFIG_HOME/k9play/skins/ or k9play's themes/ "
                             "(k9play-dark, k9play-light), or a Textual theme (default: $K9PLAY_SKIN, else k9s' "
                             "stock look; ctrl+p switches themes at run time)")
    parser.add_argument("--proxy-mode", choices=PROXY_MODES, default="iptables",
                        help="how the simulated kube-proxy picks endpoints (default iptables: at random)")
    parser.add_argument("-n", "--namespace", default=None,
                        help="namespace to open in (default: 'default' if the files use it, else all)")
    parser.add_argument("-A", "--all-namespaces", action="store_true", help="open in every namespace, as k9s -A")
    parser.add_argument("--version", action="version", version=f"k9play {__version__}")
    ns = parser.parse_args(argv)
    return run_tui(ns.paths, ns.nodes, ns.seed, ns.speed, skin=ns.skin, proxy_mode=ns.proxy_mode,
                   namespace=ns.namespace, all_namespaces=ns.all_namespaces)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
