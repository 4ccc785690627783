"""The simulated container runtime: one :class:`ContainerProcess` per container instance.

A process runs its program (a generator from the shell or a program model) on the
virtual clock, keeps a simulated filesystem and its log, listens on ports once a server
has started, and answers the kubelet's exec, HTTP, TCP and gRPC checks. It reports how it
ended — exit code and reason (``Completed``, ``Error``, ``OOMKilled``) — through a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from k9play.kubelet import behaviour as bh
from k9play.kubelet.netclient import DnsAnswer, HttpRequest, HttpResponse, no_dns, no_network
from k9play.kubelet.shell import (
    FileSystem,
    ParseError,
    ShellContext,
    Sleep,
    drain,
    parse,
    run_argv,
)

if TYPE_CHECKING:
    from k9play.clock import TimerHandle, VirtualClock

MAX_LOG_LINES = 5000
#: exec() of PID 1 inside the new container: a program's first step comes this much later
PROCESS_START_SECONDS = 0.05


@dataclass
class ExecResult:
    code: int | None  # None: timed out
    output: str
    seconds: float = 0.0  # virtual time the command took (its sleeps)


@dataclass
class ContainerProcess:
    """A running container instance."""

    clock: VirtualClock
    argv: list[str]
    profile: bh.ImageProfile
    overrides: bh.Overrides
    env: dict[str, str]
    hostname: str
    on_exit: Callable[[int, str], None]
    resolve: Callable[[str], DnsAnswer] = no_dns
    http_client: Callable[[HttpRequest], HttpResponse] = no_network
    memory_limit: int | None = None
    fs: FileSystem = field(default_factory=FileSystem)
    #: the container's name: tmpfs pages it writes are charged to it
    name: str = ""
    logs: list[tuple[float, str]] = field(default_factory=list)
    started_at: float = 0.0
    server: bh.Server | None = None
    listening: bool = False
    memory: int = 0
    exited: bool = False
    exit_code: int | None = None
    _timers: list[TimerHandle] = field(default_factory=list)
    _program: Any = None
    _partial: str = ""

    # ------------------------------------------------------------------ life
    def start(self) -> None:
        self.started_at = self.clock.now()
        self.server = bh.server_for(self.argv, self.profile)
        self._program = self._main()
        if self.overrides.crash_after is not None:
            self._later(self.overrides.crash_after, self._crash)
        if self.overrides.memory is not None:
            self._later(0.5, self.set_memory, self.overrides.memory)
        if self.overrides.log_rate:
            self._later(1.0 / self.overrides.log_rate, self._chatter)
        self._later(PROCESS_START_SECONDS, self._step)

    def _later(self, delay: float, fn: Callable[..., None], *args: Any) -> None:
        self._timers.append(self.clock.call_later(delay, fn, *args))

    def _main(self) -> bh.Program:
        """PID 1: the server model, or the command line through the shell."""
        if self.overrides.start_delay:
            yield Sleep(self.overrides.start_delay)
        if self.server is not None:
            srv = self.server
            if srv.requires_env and not any(self.env.get(k) for k in srv.requires_env):
                self.write_log(srv.missing_env_log + "\n")
                return 1
            for line in srv.logs:
                self.write_log(line + "\n")
            yield Sleep(srv.start_seconds)
            self.listening = True
            self.set_memory(max(self.memory, srv.memory))
            yield Sleep(bh.FOREVER)
            return 0
        if not self.argv:
            return 0
        return (yield from run_argv(self._shell_context(), self.argv))

    def _shell_context(self) -> ShellContext:
        return ShellContext(
            fs=self.fs, env=dict(self.env), hostname=self.hostname, now=self.clock.now,
            out=self.write_log, err=self.write_log, resolve=self.resolve, flavour=self.profile.flavour,
            http=self.http_client, set_memory=self.set_memory, programs=dict(bh.PROGRAMS), tools=self.profile.tools,
            container=self.name, memory_changed=self._check_memory, main_command=" ".join(self.argv),
        )

    def _step(self) -> None:
        if self.exited or self._program is None:
            return
        try:
            sleep = next(self._program)
        except StopIteration as stop:
            self._exit(int(stop.value or 0), None)
            return
        if self.exited:
            return
        if sleep.seconds != bh.FOREVER:
            self._later(sleep.seconds, self._step)

    def _crash(self) -> None:
        self.write_log(f"k9play: crashing with exit code {self.overrides.exit_code} (k9play.dev/crash-after)\n")
        self._exit(self.overrides.exit_code, None)

    def _chatter(self) -> None:
        if self.exited:
            return
        self.write_log(f"{self.hostname}: log line at {self.clock.now() - self.started_at:.1f}s\n")
        self._later(1.0 / (self.overrides.log_rate or 1.0), self._chatter)

    def _exit(self, code: int, reason: str | None) -> None:
        if self.exited:
            return
        self.exited = True
        self.exit_code = code
        self.listening = False
        self.stop_timers()
        self._release_tmpfs()
        if self._program is not None:
            try:
                self._program.close()
            except ValueError:
                pass  # the program itself caused the exit (e.g. it allocated past its memory limit)
        self.on_exit(code, reason or ("Completed" if code == 0 else "Error"))

    def stop_timers(self) -> None:
        for t in self._timers:
            t.cancel()
        self._timers.clear()

    # --------------------------------------------------------------- signals
    def terminate(self, grace: float, on_done: Callable[[], None] | None = None) -> None:
        """SIGTERM now, SIGKILL when ``grace`` runs out (unless PID 1 exits first)."""
        if self.exited:
            return
        graceful = bh.handles_sigterm(self.argv, self.server, self.overrides)
        stop = self.server.stop_seconds if self.server is not None else 0.1
        if graceful and stop < grace:
            self.listening = False
            self._later(stop, self._exit, 0, "Completed")
        else:
            self._later(grace, self.kill)

    def kill(self) -> None:
        """SIGKILL: exit code 137."""
        self._exit(137, "Error")

    def crash(self, code: int) -> None:
        """The main process dies on its own (an injected fault): the runtime reports the exit
        code with reason ``Error`` (``Completed`` for 0), and the kubelet restarts it per policy."""
        self.write_log(f"k9play: fault injected: main process exited with code {code}\n")
        self._exit(code, None)

    def halt(self) -> None:
        """The machine lost power: the process is gone and nobody reports how it ended
        (containerd says ``Unknown``, exit code 255, once the node is back)."""
        if self.exited:
            return
        self.exited = True
        self.listening = False
        self.stop_timers()
        self._release_tmpfs()
        if self._program is not None:
            try:
                self._program.close()
            except ValueError:
                pass

    def set_memory(self, size: int) -> None:
        self.memory = size
        self._check_memory()

    def _tmpfs_volumes(self) -> list[FileSystem]:
        return list({id(fs): fs for fs, _, _ in self.fs.mounts.values() if fs.memory_backed}.values())

    def memory_usage(self) -> int:
        """What the container's memory cgroup holds: the process plus the tmpfs pages it wrote
        (an emptyDir with ``medium: Memory`` is RAM, charged to whoever filled it)."""
        return self.memory + sum(fs.charged_to(self.name) for fs in self._tmpfs_volumes())

    def _release_tmpfs(self) -> None:
        """The container's cgroup is removed: its tmpfs pages move up to the pod's cgroup."""
        for fs in self._tmpfs_volumes():
            fs.release(self.name)

    def _check_memory(self) -> None:
        if self.memory_limit is not None and self.memory_usage() > self.memory_limit and not self.exited:
            self._exit(137, "OOMKilled")

    # ------------------------------------------------------------------ logs
    def write_log(self, text: str) -> None:
        text = self._partial + text
        lines = text.split("\n")
        self._partial = lines.pop()
        now = self.clock.now()
        self.logs.extend((now, line) for line in lines)
        if len(self.logs) > MAX_LOG_LINES:
            del self.logs[: len(self.logs) - MAX_LOG_LINES]

    # ---------------------------------------------------------------- checks
    def failing(self) -> bool:
        """``k9play.dev/liveness-fail-after``: every check fails from that moment on."""
        after = self.overrides.liveness_fail_after
        return after is not None and self.clock.now() - self.started_at >= after

    def exec(self, argv: list[str], timeout: float) -> ExecResult:
        """Run a command inside the container instantly (probes, hooks, ``kubectl exec``)."""
        if self.exited:
            return ExecResult(1, "container not running")
        out: list[str] = []
        ctx = self._shell_context()
        ctx.out = out.append
        ctx.err = out.append
        ctx.pid = 100
        try:
            code, slept = drain(run_argv(ctx, argv), budget=timeout)
        except ParseError as e:
            return ExecResult(2, f"sh: {e}\n")
        if self.failing():
            return ExecResult(1, "".join(out) or "k9play.dev/liveness-fail-after: failing on purpose", slept)
        return ExecResult(code, "".join(out), slept)

    def http_get(self, port: int, path: str, client_ip: str = "",
                 headers: tuple[tuple[str, str], ...] = ()) -> bh.HttpReply | None:
        """An HTTP GET to the container; ``None`` when nothing listens on ``port`` or what
        listens does not speak HTTP (:meth:`tcp_open` tells the two apart)."""
        if not self.listening or self.server is None or port not in self.server.ports:
            return None
        if self.failing():
            return bh.HttpReply(500, "k9play.dev/liveness-fail-after")
        if self.server.http is None:
            return None
        now = self.clock.now()
        return self.server.http(bh.HttpCall(path, now - self.started_at, self.hostname, now, client_ip, headers,
                                            self._run_output))

    def _run_output(self, cmd: str) -> str:
        """``sh -c cmd`` inside this container, stdout and stderr together (netexec ``/shell``)."""
        return self.exec(["sh", "-c", cmd], 60.0).output

    def tcp_open(self, port: int) -> bool:
        if self.failing():
            return False
        return self.listening and self.server is not None and port in self.server.ports

    def grpc_serving(self, port: int) -> bool | None:
        """True SERVING, False NOT_SERVING, None when nothing answers."""
        if not self.tcp_open(port):
            return None
        return bool(self.server and self.server.grpc)


def parse_check(argv: list[str]) -> str | None:
    """Validate an exec command line that goes through ``sh -c`` (returns an error text)."""
    if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in ("sh", "bash") and argv[1] == "-c":
        try:
            parse(argv[2])
        except ParseError as e:
            return str(e)
    return None
