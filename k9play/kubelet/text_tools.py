"""``head`` and ``tail`` for the simulated shell: the first or last lines of files or of stdin.

A mixin of :class:`k9play.kubelet.shell.Shell` (which supplies ``ctx``, ``_stdin`` and
``_missing``), kept apart so the shell module stays readable. Both take ``-n N``, ``-nN`` and
the old ``-N`` form; with several files each gets a ``==> name <==`` header, as coreutils and
busybox print it.
"""

from __future__ import annotations

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
