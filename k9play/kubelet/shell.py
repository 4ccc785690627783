"""A small ``sh`` for simulated containers: the patterns the Kubernetes docs use.

Scripts such as ``touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600`` or
``until nslookup myservice; do echo waiting; sleep 2; done`` are parsed and run as
generators over a simulated per-container filesystem: each command is instant except
``sleep``, which yields a :class:`Sleep` the runtime turns into a timer on the virtual
clock. Nothing is ever executed on the host.

Supported: ``;``/newline, ``&&``, ``||``, ``|``, ``&`` (run inline), ``while``/``until``/``for``/
``if``, ``{ }``/``( )``, quotes, ``$VAR``/``${VAR}``/``$?``/``$(cmd)``, redirections ``>``, ``>>``,
``<``, ``2>&1``, ``2>/dev/null``, and builtins (sleep, echo, printf, cat, touch, rm, mkdir, ls,
date, env, hostname, test/[, true, false, exit, nslookup, wget/curl, …).
"""

from __future__ import annotations

import datetime as _dt
import re
import shlex
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from k9play.kubelet.shell_syntax import Node, ParseError, Word, parse
from k9play.kubelet.text_tools import TextTools

if TYPE_CHECKING:
    from k9play.kubelet.netclient import DnsAnswer, HttpRequest, HttpResponse

#: Loop iterations a script may run without sleeping before it is treated as a busy loop.
MAX_BUSY_STEPS = 10_000


@dataclass(frozen=True)
class Sleep:
    """Ask the runtime to resume the program after ``seconds`` of virtual time."""

    seconds: float


class ExitShell(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class FileSystem:
    """Files as path → content (directories implied by their files), with mounts: a volume is
    another :class:`FileSystem` mounted at a path, so containers can share it."""

    files: dict[str, str] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=lambda: {"/", "/tmp", "/etc", "/var", "/usr", "/bin", "/root"})
    #: mount path → (volume filesystem, path inside the volume, read-only)
    mounts: dict[str, tuple[FileSystem, str, bool]] = field(default_factory=dict)
    #: sizes of files whose bytes are not kept (``dd`` output): path → bytes
    sizes: dict[str, int] = field(default_factory=dict)
    #: a tmpfs: its pages count toward the memory of the container that wrote them (path → container)
    memory_backed: bool = False
    writers: dict[str, str] = field(default_factory=dict)
    #: the filesystem's size in bytes (a tmpfs's ``size=``); ``None``: never full
    capacity: int | None = None

    def mount(self, path: str, volume: FileSystem, sub_path: str = "", read_only: bool = False) -> None:
        self.mounts[path.rstrip("/") or "/"] = (volume, "/" + sub_path.strip("/") if sub_path else "", read_only)
        self.dirs.add(path.rstrip("/"))

    def _route(self, path: str) -> tuple[FileSystem, str, bool]:
        best = ""
        for m in self.mounts:
            if (path == m or path.startswith(m + "/")) and len(m) > len(best):
                best = m
        if not best:
            return self, path, False
        vol, sub, ro = self.mounts[best]
        inner = (sub + path[len(best):]) or "/"
        fs, p, ro2 = vol._route(inner)
        return fs, p, ro or ro2

    def exists(self, path: str) -> bool:
        fs, p, _ = self._route(path)
        return p in fs.files or p.rstrip("/") in fs.dirs or p == "/" or fs.is_dir(p)

    def is_file(self, path: str) -> bool:
        """A regular file, wherever it lives (a mounted volume's files count)."""
        fs, p, _ = self._route(path)
        return p in fs.files

    def is_dir(self, path: str) -> bool:
        fs, p, _ = self._route(path)
        q = p.rstrip("/") or "/"
        return q in fs.dirs or any(f.startswith(q + "/") for f in fs.files) or q in fs.mounts

    def write(self, path: str, data: str, append: bool = False) -> bool:
        fs, p, ro = self._route(path)
        if ro:
            return False
        fs.files[p] = (fs.files.get(p, "") + data) if append else data
        fs.sizes.pop(p, None)
        fs.dirs.add(p.rsplit("/", 1)[0] or "/")
        return True

    def write_bytes(self, path: str, size: int, writer: str = "") -> int:
        """Replace ``path`` with ``size`` bytes whose content does not matter; returns how many
        fit (fewer when the filesystem is full), ``-1`` on a read-only mount."""
        fs, p, ro = self._route(path)
        if ro:
            return -1
        old = fs.size_of(p) if p in fs.files else 0
        room = size if fs.capacity is None else max(0, min(size, fs.capacity - (fs.used_bytes() - old)))
        fs.files[p] = ""
        fs.sizes[p] = room
        fs.dirs.add(p.rsplit("/", 1)[0] or "/")
        if fs.memory_backed:
            fs.writers[p] = writer
        return room

    def size_of(self, path: str) -> int:
        fs, p, _ = self._route(path)
        return fs.sizes[p] if p in fs.sizes else len(fs.files.get(p, "").encode())

    def used_bytes(self) -> int:
        """Bytes held by this filesystem's own files (not its mounts): what ``du`` finds in a volume."""
        return sum(self.sizes[p] if p in self.sizes else len(c.encode()) for p, c in self.files.items())

    def charged_to(self, writer: str) -> int:
        """tmpfs bytes that ``writer`` put here: the kernel charges them to its memory cgroup."""
        return sum(self.size_of(p) for p, w in self.writers.items() if w == writer and p in self.files)

    def read(self, path: str) -> str | None:
        fs, p, _ = self._route(path)
        return fs.files.get(p)

    def remove(self, path: str, recursive: bool = False) -> bool:
        fs, p, ro = self._route(path)
        if ro:
            return False
        if p in fs.files:
            fs._forget(p)
            return True
        q = p.rstrip("/")
        if recursive and fs.is_dir(q):
            for f in [f for f in fs.files if f.startswith(q + "/")]:
                fs._forget(f)
            fs.dirs = {d for d in fs.dirs if d != q and not d.startswith(q + "/")}
            return True
        return False

    def release(self, writer: str) -> None:
        """``writer`` is gone: its pages stay, charged to the pod rather than to a container."""
        for p, w in self.writers.items():
            if w == writer:
                self.writers[p] = ""

    def _forget(self, path: str) -> None:
        del self.files[path]
        self.sizes.pop(path, None)
        self.writers.pop(path, None)

    def listdir(self, path: str) -> list[str]:
        fs, p, _ = self._route(path)
        q = p.rstrip("/")
        names = set()
        for f in list(fs.files) + list(fs.dirs) + list(fs.mounts):
            if f.startswith(q + "/") and f != q:
                names.add(f[len(q) + 1:].split("/", 1)[0])
        if fs is self:
            for m in self.mounts:
                if m.startswith(q + "/"):
                    names.add(m[len(q) + 1:].split("/", 1)[0])
        return sorted(n for n in names if n)


@dataclass
class ShellContext:
    """What a script can see of its container."""

    fs: FileSystem
    env: dict[str, str]
    hostname: str
    now: Callable[[], float]
    out: Callable[[str], None]
    err: Callable[[str], None]
    #: the cluster DNS as this container sees it (``nslookup``, and the tools' name lookups)
    resolve: Callable[[str], DnsAnswer] = field(default_factory=lambda: _no_dns)
    #: ``busybox`` or ``gnu``: which flavour of error messages the image's tools print
    flavour: str = "busybox"
    #: the network as this container sees it: one HTTP exchange for ``wget``/``curl``
    http: Callable[[HttpRequest], HttpResponse] = field(default_factory=lambda: _no_network)
    #: network tools the image ships (``None``: all of them)
    tools: frozenset[str] | None = None
    #: ask the runtime to account memory (``stress --vm-bytes``)
    set_memory: Callable[[int], None] = lambda n: None
    #: the container's name: whose memory cgroup pays for what it writes to a tmpfs
    container: str = ""
    #: tell the runtime that tmpfs pages were charged to this container (it may be OOM-killed)
    memory_changed: Callable[[], None] = lambda: None
    #: programs beyond sh builtins (``perl``, ``stress`` …), supplied by the behaviour model
    programs: dict[str, Callable[..., Generator[Sleep, None, int]]] = field(default_factory=dict)
    last_status: int = 0
    pid: int = 1
    busy: int = 0
    #: the container's main process (PID 1) as ``ps`` lists it
    main_command: str = ""


# ------------------------------------------------------------------- running
Program = Generator[Sleep, None, int]


def _no_dns(name: str) -> DnsAnswer:
    from k9play.kubelet.netclient import no_dns

    return no_dns(name)


def _no_network(req: HttpRequest) -> HttpResponse:
    from k9play.kubelet.netclient import no_network

    return no_network(req)


class Shell(TextTools):
    """Runs a parsed script in a :class:`ShellContext`."""

    def __init__(self, ctx: ShellContext) -> None:
        self.ctx = ctx
        self.vars: dict[str, str] = dict(ctx.env)

    # ---- expansion
    def expand(self, word: Word) -> list[str]:
        out = ""
        fields_: list[str] = []
        quoted = False
        for kind, text in word.parts:
            if kind == "lit":
                out += text
                quoted = True
            elif kind == "dq":
                out += self._subst(text)
                quoted = True
            else:
                out += self._subst(text)
        if quoted:
            return [out]
        fields_ = out.split()
        return fields_

    def _subst(self, text: str) -> str:
        def cmdsub(m: re.Match[str]) -> str:
            return self.capture(m.group(1)).rstrip("\n")

        text = re.sub(r"\$\(([^()]*(?:\([^()]*\)[^()]*)*)\)", cmdsub, text)

        def var(m: re.Match[str]) -> str:
            name = m.group(1) or m.group(2)
            if name == "?":
                return str(self.ctx.last_status)
            if name == "$":
                return str(self.ctx.pid)
            if name == "HOSTNAME" and name not in self.vars:
                return self.ctx.hostname
            return self.vars.get(name, "")

        return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*|\?|\$)", var, text)

    def capture(self, script: str) -> str:
        """Run ``script`` instantly (command substitution) and return its stdout."""
        buf: list[str] = []
        saved = self.ctx.out
        self.ctx.out = buf.append
        try:
            gen = self.run(parse(script))
            try:
                while True:
                    next(gen)  # sleeps inside $(...) are not waited for
            except StopIteration:
                pass
        except (ParseError, ExitShell):
            pass
        finally:
            self.ctx.out = saved
        return "".join(buf)

    # ---- execution
    def run(self, node: Node) -> Program:
        kind = node[0]
        if kind == "seq":
            status = 0
            for item in node[1]:
                status = yield from self.run(item)
            return status
        if kind == "and":
            status = yield from self.run(node[1])
            if status == 0:
                status = yield from self.run(node[2])
            return status
        if kind == "or":
            status = yield from self.run(node[1])
            if status != 0:
                status = yield from self.run(node[2])
            return status
        if kind == "not":
            status = yield from self.run(node[1])
            return 0 if status else 1
        if kind == "group":
            return (yield from self.run(node[1]))
        if kind in ("while", "until"):
            status = 0
            while True:
                cond = yield from self.run(node[1])
                if (cond == 0) != (kind == "while"):
                    return status
                status = yield from self.run(node[2])
                self.ctx.busy += 1  # reset by every sleep
                if self.ctx.busy > MAX_BUSY_STEPS:
                    # a loop that never sleeps would spin forever: charge it a tick of time
                    self.ctx.busy = 0
                    yield Sleep(1.0)
        if kind == "for":
            _, var, words, body = node
            status = 0
            for w in words:
                for value in self.expand(w):
                    self.vars[var] = value
                    status = yield from self.run(body)
            return status
        if kind == "if":
            for cond, body in node[1]:
                c = yield from self.run(cond)
                if c == 0:
                    return (yield from self.run(body))
            if node[2] is not None:
                return (yield from self.run(node[2]))
            return 0
        if kind == "pipe":
            data = ""
            status = 0
            saved_out = self.ctx.out
            for stage in node[1]:
                buf: list[str] = []
                self.ctx.out = buf.append
                self._stdin = data
                try:
                    status = yield from self.run(stage)
                finally:
                    self.ctx.out = saved_out
                data = "".join(buf)
            self._stdin = ""
            saved_out(data) if data else None
            self.ctx.last_status = status
            return status
        if kind == "cmd":
            status = yield from self.run_simple(node[1], node[2])
            self.ctx.last_status = status
            return status
        raise ParseError(f"unknown node {kind}")

    _stdin = ""

    def run_simple(self, words: list[Word], redirs: list[tuple[str, Word | None]]) -> Program:
        argv: list[str] = []
        for w in words:
            argv += self.expand(w)
        assignments = []
        while argv and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", argv[0]):
            assignments.append(argv.pop(0))
        for a in assignments:
            k, _, v = a.partition("=")
            self.vars[k] = v
        if not argv:
            return 0
        out, err = self.ctx.out, self.ctx.err
        redirected: list[tuple[str, str, bool]] = []
        buf_out: list[str] = []
        buf_err: list[str] = []
        stdin = self._stdin
        for op, target in redirs:
            path = self.expand(target)[0] if target is not None else ""
            if op in (">", ">>", "&>"):
                redirected.append(("out", path, op == ">>"))
                if op == "&>":
                    redirected.append(("err", path, True))
            elif op == "2>":
                redirected.append(("err", path, False))
            elif op == "2>&1":
                redirected.append(("err-to-out", "", False))
            elif op == "<":
                content = self.ctx.fs.read(path)
                if content is None:
                    err(self._missing("sh", path))
                    return 1
                stdin = content
        for stream, _path, _append in redirected:
            if stream == "out":
                self.ctx.out = buf_out.append
            elif stream == "err":
                self.ctx.err = buf_err.append
            elif stream == "err-to-out":
                self.ctx.err = self.ctx.out
        self._stdin = stdin
        try:
            status = yield from self.call(argv)
        finally:
            self.ctx.out, self.ctx.err = out, err
            self._stdin = ""
        for stream, path, append in redirected:
            data = "".join(buf_out if stream == "out" else buf_err if stream == "err" else [])
            if stream in ("out", "err") and path not in ("/dev/null", "/dev/stdout", "/dev/stderr"):
                if not self.ctx.fs.write(path, data, append=append):  # busybox ash on a read-only mount
                    err(f"sh: can't create {path}: Read-only file system\n")
                    status = 1
            elif path == "/dev/stdout":
                out(data)
            elif path == "/dev/stderr":
                err(data)
        return status

    def _missing(self, tool: str, path: str) -> str:
        if self.ctx.flavour == "busybox":
            return f"{tool}: can't open '{path}': No such file or directory\n"
        return f"{tool}: {path}: No such file or directory\n"

    def call(self, argv: list[str]) -> Program:
        name = argv[0].rsplit("/", 1)[-1]
        if name == ":":
            return 0
        builtin = getattr(self, f"b_{name.replace('-', '_').replace('[', 'test')}", None)
        if builtin is not None:
            return (yield from builtin(argv[1:]))
        program = self.ctx.programs.get(name)
        if program is not None:
            return (yield from program(self.ctx, argv))
        if name in ("sh", "bash", "ash", "dash"):
            return (yield from self.b_sh(argv[1:]))
        self.ctx.err(f"sh: {argv[0]}: not found\n")
        return 127

    # ------------------------------------------------------------ builtins
    def b_sleep(self, args: list[str]) -> Program:
        total = 0.0
        for a in args:
            m = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", a)
            if a == "infinity":
                total = float("inf")
                continue
            if not m:
                self.ctx.err(f"sleep: invalid number '{a}'\n")
                return 1
            total += float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
        if total > 0:
            self.ctx.busy = 0
            yield Sleep(total)
        return 0

    def b_echo(self, args: list[str]) -> Program:
        newline = True
        interpret = False
        while args and args[0] in ("-n", "-e", "-ne", "-en"):
            newline = newline and "n" not in args[0]
            interpret = interpret or "e" in args[0]
            args = args[1:]
        text = " ".join(args)
        if interpret:
            text = text.encode().decode("unicode_escape")
        self.ctx.out(text + ("\n" if newline else ""))
        return 0
        yield  # pragma: no cover - makes this a generator

    def b_printf(self, args: list[str]) -> Program:
        if not args:
            return 1
        fmt = args[0].encode().decode("unicode_escape")
        values = args[1:]
        try:
            text = re.sub(r"%[sdif]", "{}", fmt).format(*values) if values else fmt.replace("%%", "%")
        except IndexError:
            text = fmt
        self.ctx.out(text)
        return 0
        yield  # pragma: no cover

    def b_cat(self, args: list[str]) -> Program:
        status = 0
        if not args:
            self.ctx.out(self._stdin)
            return 0
        for a in args:
            content = self.ctx.fs.read(a)
            if content is None:
                self.ctx.err(self._missing("cat", a))
                status = 1
            else:
                self.ctx.out(content)
        return status
        yield  # pragma: no cover

    def b_touch(self, args: list[str]) -> Program:
        for a in (a for a in args if not a.startswith("-")):
            if not self.ctx.fs.exists(a):
                self.ctx.fs.write(a, "")
        return 0
        yield  # pragma: no cover

    def b_rm(self, args: list[str]) -> Program:
        flags = "".join(a[1:] for a in args if a.startswith("-"))
        status = 0
        for a in (a for a in args if not a.startswith("-")):
            if not self.ctx.fs.remove(a, recursive="r" in flags or "R" in flags) and "f" not in flags:
                self.ctx.err(f"rm: can't remove '{a}': No such file or directory\n" if self.ctx.flavour == "busybox"
                             else f"rm: cannot remove '{a}': No such file or directory\n")
                status = 1
        return status
        yield  # pragma: no cover

    def b_mkdir(self, args: list[str]) -> Program:
        for a in (a for a in args if not a.startswith("-")):
            self.ctx.fs.dirs.add(a.rstrip("/"))
        return 0
        yield  # pragma: no cover

    def b_ls(self, args: list[str]) -> Program:
        paths = [a for a in args if not a.startswith("-")] or ["/"]
        status = 0
        for p in paths:
            if self.ctx.fs.is_file(p):
                self.ctx.out(p + "\n")
            elif self.ctx.fs.is_dir(p):
                names = self.ctx.fs.listdir(p)
                if names:
                    self.ctx.out("\n".join(names) + "\n")
            else:
                self.ctx.err(f"ls: {p}: No such file or directory\n" if self.ctx.flavour == "busybox"
                             else f"ls: cannot access '{p}': No such file or directory\n")
                status = 1
        return status
        yield  # pragma: no cover

    def b_date(self, args: list[str]) -> Program:
        now = _dt.datetime.fromtimestamp(int(self.ctx.now()), _dt.UTC)
        fmt = next((a[1:] for a in args if a.startswith("+")), None)
        if fmt:
            self.ctx.out(now.strftime(fmt.replace("%N", "000000000")) + "\n")
        else:
            self.ctx.out(now.strftime("%a %b ") + f"{now.day:2d}" + now.strftime(" %H:%M:%S UTC %Y") + "\n")
        return 0
        yield  # pragma: no cover

    def b_hostname(self, args: list[str]) -> Program:
        self.ctx.out(self.ctx.hostname + "\n")
        return 0
        yield  # pragma: no cover

    def b_env(self, args: list[str]) -> Program:
        env = {"HOSTNAME": self.ctx.hostname, **self.vars}
        self.ctx.out("".join(f"{k}={v}\n" for k, v in env.items()))
        return 0
        yield  # pragma: no cover

    b_printenv = b_env

    def b_pwd(self, args: list[str]) -> Program:
        self.ctx.out(self.vars.get("PWD", "/") + "\n")
        return 0
        yield  # pragma: no cover

    def b_true(self, args: list[str]) -> Program:
        return 0
        yield  # pragma: no cover

    def b_false(self, args: list[str]) -> Program:
        return 1
        yield  # pragma: no cover

    b_cd = b_true
    b_trap = b_true
    b_export = b_true
    b_set = b_true
    b_wait = b_true
    b_sync = b_true

    def b_exit(self, args: list[str]) -> Program:
        raise ExitShell(int(args[0]) if args and args[0].lstrip("-").isdigit() else self.ctx.last_status)
        yield  # pragma: no cover

    def b_test(self, args: list[str]) -> Program:
        if args and args[-1] == "]":
            args = args[:-1]
        return 0 if self._test(args) else 1
        yield  # pragma: no cover

    def _test(self, a: list[str]) -> bool:
        fs = self.ctx.fs
        if not a:
            return False
        if a[0] == "!":
            return not self._test(a[1:])
        if len(a) == 2 and a[0] in ("-f", "-e", "-d", "-s", "-n", "-z", "-r", "-x"):
            op, x = a
            return {"-f": fs.is_file(x), "-e": fs.exists(x), "-d": fs.is_dir(x),
                    "-s": fs.is_file(x) and fs.size_of(x) > 0, "-r": fs.exists(x), "-x": fs.exists(x),
                    "-n": x != "", "-z": x == ""}[op]
        if len(a) == 3:
            x, op, y = a
            if op in ("=", "=="):
                return x == y
            if op == "!=":
                return x != y
            try:
                xi, yi = int(x), int(y)
            except ValueError:
                return False
            return {"-eq": xi == yi, "-ne": xi != yi, "-lt": xi < yi, "-le": xi <= yi, "-gt": xi > yi,
                    "-ge": xi >= yi}.get(op, False)
        return len(a) == 1 and a[0] != ""

    # network tools: formatted in k9play.kubelet.netclient from what the network answers
    def b_nslookup(self, args: list[str]) -> Program:
        from k9play.kubelet import netclient

        return (yield from netclient.nslookup(self.ctx, args))

    def b_wget(self, args: list[str]) -> Program:
        from k9play.kubelet import netclient

        return (yield from netclient.wget(self.ctx, args))

    def b_curl(self, args: list[str]) -> Program:
        from k9play.kubelet import netclient

        return (yield from netclient.curl(self.ctx, args))

    def b_kill(self, args: list[str]) -> Program:
        return 0
        yield  # pragma: no cover

    def b_seq(self, args: list[str]) -> Program:
        nums = [int(a) for a in args if a.lstrip("-").isdigit()]
        lo, hi = (1, nums[0]) if len(nums) == 1 else (nums[0], nums[-1]) if nums else (1, 0)
        self.ctx.out("".join(f"{i}\n" for i in range(lo, hi + 1)))
        return 0
        yield  # pragma: no cover

    def b_sh(self, args: list[str]) -> Program:
        if len(args) >= 2 and args[0] == "-c":
            try:
                node = parse(args[1])
            except ParseError as e:
                self.ctx.err(f"sh: {e}\n")
                return 2
            try:
                return (yield from Shell(self.ctx).run(node))
            except ExitShell as e:
                return e.code
        return 0  # an interactive shell without a terminal exits at once


def run_argv(ctx: ShellContext, argv: list[str]) -> Program:
    """Run a container's command line (``["sh", "-c", "…"]``, ``["sleep", "3600"]`` …)."""
    shell = Shell(ctx)
    try:
        return (yield from shell.call(argv))
    except ExitShell as e:
        return e.code


def run_script(ctx: ShellContext, script: str) -> Program:
    """Run ``script`` as ``sh -c`` would."""
    return (yield from run_argv(ctx, ["sh", "-c", script]))


def split_command(text: str) -> list[str]:
    return shlex.split(text)


def drain(gen: Program, budget: float = float("inf")) -> tuple[int | None, float]:
    """Run a program without waiting; stop at the first sleep that would exceed ``budget``.

    Returns (exit status or ``None`` if it would still be running, seconds slept)."""
    slept = 0.0
    try:
        step = next(gen)
        while True:
            if slept + step.seconds > budget:
                gen.close()
                return None, slept
            slept += step.seconds
            step = gen.send(None)
    except StopIteration as stop:
        return int(stop.value or 0), slept


def iter_sleeps(gen: Program) -> Iterator[Sleep]:  # pragma: no cover - debugging aid
    yield from gen
