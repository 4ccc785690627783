"""Kubernetes resource quantities (``100m``, ``1.5Gi``, ``2e3``) as exact fractions."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache

_SUFFIX: dict[str, Fraction] = {
    "": Fraction(1),
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}
_RE = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$")


class QuantityError(ValueError):
    pass


@lru_cache(maxsize=4096)
def parse_quantity(value: str | int | float) -> Fraction:
    """Exact value of a quantity; raises ``QuantityError`` on bad syntax."""
    if isinstance(value, bool):
        raise QuantityError(f"quantities must match the regular expression: {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(str(value))
    m = _RE.match(value.strip())
    if not m:
        raise QuantityError(
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        )
    number = Fraction(m.group(1))
    if m.group(2):
        return number * Fraction(10) ** int(m.group(2)[1:])
    return number * _SUFFIX[m.group(3) or ""]


def is_quantity(value: object) -> bool:
    try:
        parse_quantity(value)  # type: ignore[arg-type]
    except (QuantityError, TypeError):
        return False
    return True


def milli(value: str | int | float) -> int:
    """Value in thousandths, rounded up (CPU millicores)."""
    return math.ceil(parse_quantity(value) * 1000)


def whole(value: str | int | float) -> int:
    """Value rounded up to an integer (bytes, pod counts)."""
    return math.ceil(parse_quantity(value))


def format_millicpu(millis: int) -> str:
    """``500m`` or ``2`` as kubectl prints CPU amounts."""
    if millis % 1000 == 0:
        return str(millis // 1000)
    return f"{millis}m"


def format_bytes(n: int) -> str:
    """Canonical binary-suffixed form (``128Mi``, ``1Gi``) when exact, else plain bytes."""
    if n == 0:
        return "0"
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = int(_SUFFIX[suffix])
        if n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


_BINARY_SUFFIXES = ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
_DECIMAL_SUFFIXES = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}


def quantity_format(value: str | int | float) -> str:
    """The ``resource.Format`` a written quantity keeps: ``BinarySI`` for ``Ki``…``Ei``,
    ``DecimalExponent`` for ``1e3``, else ``DecimalSI``."""
    text = str(value).strip()
    if text.endswith(_BINARY_SUFFIXES):
        return "BinarySI"
    if re.search(r"\d[eE][+-]?\d+$", text):
        return "DecimalExponent"
    return "DecimalSI"


def canonical(amount: Fraction, fmt: str = "DecimalSI") -> str:
    """``Quantity.String()`` of an amount: the canonical form in ``fmt`` (``500m``, ``2Gi``,
    ``1536Mi``, ``3``), as the apiserver prints quantities in its messages."""
    if amount == 0:
        return "0"
    sign = "-" if amount < 0 else ""
    a = abs(amount)
    if fmt == "BinarySI" and a >= 1024 and a.denominator == 1:
        n, exp = int(a), 0
        while n % 1024 == 0 and exp < len(_BINARY_SUFFIXES):
            n //= 1024
            exp += 1
        return f"{sign}{n}{_BINARY_SUFFIXES[exp - 1] if exp else ''}"
    mantissa, exp = math.ceil(a * 10**9), -9
    while mantissa % 10 == 0:
        mantissa //= 10
        exp += 1
    shift = exp % 3
    mantissa *= 10**shift
    exp -= shift
    if fmt == "DecimalExponent":
        return f"{sign}{mantissa}" + (f"e{exp}" if exp else "")
    suffix = _DECIMAL_SUFFIXES.get(exp)
    return f"{sign}{mantissa}{suffix if suffix is not None else f'e{exp}'}"


def quantity_string(value: str | int | float) -> str:
    """The canonical string of a written quantity (``0.5`` → ``500m``, ``1024Mi`` → ``1Gi``)."""
    return canonical(parse_quantity(value), quantity_format(value))
