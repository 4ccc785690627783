"""``dd``: the usual way to fill a volume (``dd if=/dev/zero of=/cache/f bs=1M count=100``).

Only sizes are simulated: the output file records how many bytes it holds, not their content,
so a 1 GiB file costs nothing. Writes into a tmpfs (an emptyDir with ``medium: Memory``) are
charged to the writing container's memory, and a full filesystem fails the write with
ENOSPC. Messages and the three status lines are busybox's (``coreutils/dd.c``) or GNU's,
after the image's flavour; copying takes simulated time at :data:`BYTES_PER_SECOND`.
"""

from __future__ import annotations

import math
import re

from k9play.kubelet.shell import Program, ShellContext, Sleep

#: how fast the simulated disk or tmpfs takes data
BYTES_PER_SECOND = 1 << 30
#: what ``dd`` writes from an endless source without ``count``: a node's ephemeral storage
ENDLESS = 100 << 30
_SOURCES = ("/dev/zero", "/dev/urandom", "/dev/random")
#: busybox's ``cwbkMG_suffixes`` and coreutils' ``xstrtoumax`` suffixes
_SUFFIXES = {"": 1, "c": 1, "w": 2, "b": 512, "kB": 1000, "kD": 1000, "k": 1024, "K": 1024, "KiB": 1024,
             "MB": 1000**2, "MD": 1000**2, "M": 1 << 20, "MiB": 1 << 20, "GB": 1000**3, "GD": 1000**3,
             "G": 1 << 30, "GiB": 1 << 30}


def _number(text: str) -> int | None:
    m = re.fullmatch(r"(\d+)([A-Za-z]*)", text)
    if not m or m.group(2) not in _SUFFIXES:
        return None
    return int(m.group(1)) * _SUFFIXES[m.group(2)]


def program_dd(ctx: ShellContext, argv: list[str]) -> Program:
    gnu = ctx.flavour != "busybox"
    opts: dict[str, str] = {}
    for arg in argv[1:]:
        key, sep, value = arg.partition("=")
        if not sep or key not in ("bs", "count", "if", "of", "status", "conv", "iflag", "oflag", "seek", "skip"):
            ctx.err(f"dd: unrecognized operand '{arg}'\n" if gnu else "BusyBox dd: usage: dd [if=FILE] [of=FILE] "
                    "[bs=N] [count=N]\n")
            return 1
        opts[key] = value
    bs = _number(opts.get("bs", "512"))
    count = _number(opts["count"]) if "count" in opts else None
    bad = next((k for k, v in (("bs", bs), ("count", count)) if v is None and k in opts), None)
    if bad is not None or not bs:
        ctx.err(f"dd: invalid number: '{opts.get(bad or 'bs')}'\n")
        return 1
    source = opts.get("if", "")
    if source in _SOURCES:
        available = ENDLESS if count is None else count * bs
    elif source and ctx.fs.exists(source) and not ctx.fs.is_dir(source):
        available = ctx.fs.size_of(source) if count is None else min(ctx.fs.size_of(source), count * bs)
    else:
        what = source or "standard input"
        ctx.err(f"dd: failed to open '{what}': No such file or directory\n" if gnu else
                f"dd: can't open '{what}': No such file or directory\n")
        return 1
    target = opts.get("of", "")
    if target in ("", "/dev/null", "/dev/stdout"):
        written = available
    else:
        written = ctx.fs.write_bytes(target, available, ctx.container)
        if written < 0:
            ctx.err(f"dd: failed to open '{target}': Read-only file system\n" if gnu else
                    f"dd: can't open '{target}': Read-only file system\n")
            return 1
        ctx.memory_changed()
    if written:
        yield Sleep(written / BYTES_PER_SECOND)
    full, part = divmod(written, bs)
    status = 0
    records_in = f"{full}+{1 if part else 0}"
    records_out = records_in
    if written < available:  # ENOSPC: the block being written was read whole
        ctx.err(f"dd: error writing '{target}': No space left on device\n")
        records_in = f"{full + 1}+0"
        records_out = f"{full}+{1 if part and gnu else 0}"
        status = 1
    if opts.get("status") != "none":
        ctx.err(f"{records_in} records in\n{records_out} records out\n")
        if opts.get("status") != "noxfer":
            ctx.err(_gnu_stats(written) if gnu else _busybox_stats(written))
    return status


def _seconds(n: int) -> float:
    return max(n / BYTES_PER_SECOND, 1e-6)


def _busybox_human(val: float) -> str:
    """libbb's ``make_human_readable_str(val, 1, 0)``: powers of 1024, one fractional digit."""
    value = int(val)
    if value == 0:
        return "0"
    units, i, frac = "\0KMGTPEZY", 0, 0
    while value >= 1024:
        i += 1
        frac = ((value % 1024) * 10 + 512) // 1024
        value //= 1024
    if frac >= 10:
        value, frac = value + 1, 0
    return f"{value}.{frac}{units[i]}" if i else str(value)


def _busybox_stats(n: int) -> str:
    secs = _seconds(n)
    return f"{n} bytes ({_busybox_human(n)}B) copied, {secs:f} seconds, {_busybox_human(n / secs)}B/s\n"


def _gnu_human(n: float, base: int) -> str:
    """gnulib's ``human_readable`` with autoscale, round-to-nearest, a space and a ``B``:
    one decimal below 10, whole numbers above."""
    units = ("B", "kB", "MB", "GB", "TB", "PB") if base == 1000 else ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
    i, v = 0, float(n)
    while v >= base and i < len(units) - 1:
        v, i = v / base, i + 1
    if i == 0:
        return f"{math.floor(v + 0.5)} B"
    tenths = math.floor(v * 10 + 0.5)
    if tenths < 100:
        return f"{tenths / 10:.1f} {units[i]}"
    r = math.floor(v + 0.5)
    if r >= base and i < len(units) - 1:
        return f"1.0 {units[i + 1]}"
    return f"{r} {units[i]}"


def _gnu_stats(n: int) -> str:
    secs = _seconds(n)
    rate = f"{_gnu_human(n / secs, 1000)}/s"
    if n < 1000:
        return f"{n} byte{'' if n == 1 else 's'} copied, {secs:g} s, {rate}\n"
    si, iec = _gnu_human(n, 1000), _gnu_human(n, 1024)
    if n < 1024:
        return f"{n} bytes ({si}) copied, {secs:g} s, {rate}\n"
    return f"{n} bytes ({si}, {iec}) copied, {secs:g} s, {rate}\n"

