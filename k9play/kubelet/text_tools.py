"""``grep``, ``head``, ``tail`` and busybox's ``ps`` for the simulated shell (lines of files or stdin).

A mixin of :class:`k9play.kubelet.shell.Shell` (which supplies ``ctx``, ``_stdin`` and
``_missing``), kept apart so the shell module stays readable. Both take ``-n N``, ``-nN`` and
the old ``-N`` form; with several files each gets a ``==> name <==`` header, as coreutils and
busybox print it.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from k9play.kubelet.shell import ShellContext

DEFAULT_LINES = 10


class TextTools:
    ctx: ShellContext
    _stdin: str

    def _missing(self, tool: str, path: str) -> str:
        raise NotImplementedError

    def b_ps(self, args: list[str]) -> Generator[Any, None, int]:
        """busybox ``ps``: PID 1 is the container's command, then this shell and ``ps`` itself
        (images without busybox — nginx, debian — ship no ``ps``: not found, as there)."""
        if self.ctx.flavour != "busybox":
            self.ctx.err("sh: ps: not found\n")
            return 127
        rows = [(1, self.ctx.main_command or "sh"), (self.ctx.pid or 7, "sh"), ((self.ctx.pid or 7) + 6, "ps")]
        self.ctx.out("PID   USER     TIME  COMMAND\n")
        for pid, command in rows:
            self.ctx.out(f"{pid:5d} root      0:00 {command}\n")
        return 0
        yield  # pragma: no cover

    def b_grep(self, args: list[str]) -> Generator[Any, None, int]:
        """``grep [-ivcnqE] PATTERN [FILE…]`` (basic regex as Python's; exit 1 when nothing matched)."""
        flags, rest = set(), []
        for a in args:
            if a.startswith("-") and len(a) > 1 and not rest:
                flags.update(a[1:])
            else:
                rest.append(a)
        if not rest:
            self.ctx.err("Usage: grep [-ivcnqE] PATTERN [FILE]...\n" if self.ctx.flavour == "busybox"
                         else "Usage: grep [OPTION]... PATTERNS [FILE]...\n")
            return 2
        try:
            pattern = re.compile(rest[0], re.IGNORECASE if "i" in flags else 0)
        except re.error:
            pattern = re.compile(re.escape(rest[0]), re.IGNORECASE if "i" in flags else 0)
        files = rest[1:]
        sources = [(f, self.ctx.fs.read(f)) for f in files] if files else [("(standard input)", self._stdin)]
        found, status = 0, 1
        for name, text in sources:
            if text is None:
                self.ctx.err(f"grep: {name}: No such file or directory\n")
                status = 2
                continue
            hits = [(n, line) for n, line in enumerate(text.splitlines(), 1)
                    if bool(pattern.search(line)) != ("v" in flags)]
            found += len(hits)
            if "q" in flags or "c" in flags:
                if "c" in flags:
                    self.ctx.out((f"{name}:" if len(sources) > 1 else "") + f"{len(hits)}\n")
                continue
            for n, line in hits:
                prefix = (f"{name}:" if len(sources) > 1 else "") + (f"{n}:" if "n" in flags else "")
                self.ctx.out(prefix + line + "\n")
        return 0 if found else status
        yield  # pragma: no cover

    def b_head(self, args: list[str]) -> Generator[Any, None, int]:
        return self._lines("head", args, lambda lines, n: lines[:n])
        yield  # pragma: no cover

    def b_tail(self, args: list[str]) -> Generator[Any, None, int]:
        return self._lines("tail", args, lambda lines, n: lines[-n:] if n else [])
        yield  # pragma: no cover

    def _lines(self, tool: str, args: list[str], pick: Any) -> int:
        count, files, it = DEFAULT_LINES, [], iter(args)
        for a in it:
            if a == "-n":
                a = "-n" + next(it, "")
            if a.startswith("-n") or (a[:1] == "-" and a[1:].isdigit()):
                digits = a[2:] if a.startswith("-n") else a[1:]
                if not digits.lstrip("+").isdigit():
                    self.ctx.err(f"{tool}: invalid number of lines: '{digits}'\n")
                    return 1
                count = int(digits.lstrip("+"))
            elif a == "-f":
                continue  # following would never end in a one-shot command
            else:
                files.append(a)
        status = 0
        sources = [(f, self.ctx.fs.read(f)) for f in files] if files else [("-", self._stdin)]
        for i, (name, text) in enumerate(sources):
            if text is None:
                self.ctx.err(self._missing(tool, name))
                status = 1
                continue
            if len(sources) > 1:
                self.ctx.out(("\n" if i else "") + f"==> {name} <==\n")
            self.ctx.out("".join(pick(text.splitlines(keepends=True), count)))
        return status
