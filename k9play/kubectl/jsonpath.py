"""kubectl's JSONPath dialect (client-go ``util/jsonpath``), custom columns and ``--sort-by``.

The parser (:mod:`k9play.kubectl.jsonpath_parser`) and the evaluator here follow client-go's
structure closely (including its ``range``/``end`` bookkeeping) so that results, separators and
error messages come out as kubectl prints them. Values are plain JSON-shaped Python objects, i.e.
what kubectl sees after decoding into ``Unstructured``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from k9play.kubectl.jsonpath_parser import (
    ArrayNode,
    ConstNode,
    FieldNode,
    FilterNode,
    IdentifierNode,
    JSONPathError,
    ListNode,
    Param,
    Parser,
    RecursiveNode,
    TextNode,
    UnionNode,
    WildcardNode,
)


# ---------------------------------------------------------------------------------------------------- Go formatting
def go_type(v: Any) -> str:
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, list):
        return "[]interface {}"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    return "<nil>"


def go_float(f: float) -> str:
    """fmt's %v for a float64 (strconv 'g' with the shortest representation, exponent from 1e21)."""
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if math.isnan(f):
        return "NaN"
    if f == 0:
        return "0"
    from decimal import Decimal

    _, digit_tuple, exp = Decimal(repr(abs(f))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    e10 = len(digits) - 1 + int(exp)
    sign = "-" if f < 0 else ""
    if e10 < -4 or e10 >= 21:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{m}e{'-' if e10 < 0 else '+'}{abs(e10):02d}"
    if e10 < 0:
        return f"{sign}0.{'0' * (-e10 - 1)}{digits}"
    if len(digits) <= e10 + 1:
        return sign + digits + "0" * (e10 + 1 - len(digits))
    return f"{sign}{digits[:e10 + 1]}.{digits[e10 + 1:]}"


def go_sprint(v: Any) -> str:
    """fmt.Sprint of an unstructured value."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(go_sprint(x) for x in v) + "]"
    return str(v)


def go_quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def go_sharp_v(v: Any) -> str:
    """fmt's %#v of an unstructured value (best effort)."""
    if v is None:
        return "interface {}(nil)"
    if isinstance(v, dict):
        return "map[string]interface {}{" + ", ".join(f"{go_quote(k)}:{go_sharp_v(v[k])}" for k in sorted(v)) + "}"
    if isinstance(v, list):
        return "[]interface {}{" + ", ".join(go_sharp_v(x) for x in v) + "}"
    if isinstance(v, str):
        return go_quote(v)
    return go_sprint(v)


def _go_json_escape(text: str) -> str:
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _json_default(v: Any) -> Any:
    raise TypeError(f"cannot encode {type(v)}")


def go_json(v: Any, indent: bool = False) -> str:
    """encoding/json Marshal (compact) or MarshalIndent with four spaces."""
    v = _floats_as_go(v)
    if indent:
        text = json.dumps(v, indent=4, sort_keys=True, ensure_ascii=False, default=_json_default)
    else:
        text = json.dumps(v, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=_json_default)
    return _go_json_escape(text)


def _floats_as_go(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return int(v)
    if isinstance(v, dict):
        return {k: _floats_as_go(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_floats_as_go(x) for x in v]
    return v


# ---------------------------------------------------------------------------------------------------- comparison
_BASIC_BAD = "invalid type for comparison"
_INCOMPATIBLE = "incompatible types for comparison"


def _basic_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    raise JSONPathError(_BASIC_BAD)


def _compare(op: str, left: Any, right: Any) -> bool:
    k1, k2 = _basic_kind(left), _basic_kind(right)
    if op in ("==", "!="):
        if k1 != k2:
            raise JSONPathError(_INCOMPATIBLE)
        return (left == right) == (op == "==")
    if k1 != k2:
        raise JSONPathError(_INCOMPATIBLE)
    if k1 == "bool":
        raise JSONPathError(_BASIC_BAD)
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    if op == ">=":
        return left >= right
    raise JSONPathError(f"unrecognized filter operator {op}")


# ---------------------------------------------------------------------------------------------------- evaluator
def _children(v: Any) -> list[Any]:
    if isinstance(v, dict):
        return list(v.values())
    if isinstance(v, list):
        return list(v)
    if isinstance(v, str):
        return list(v.encode())
    return []


class JSONPath:
    def __init__(self, template: str, *, allow_missing_keys: bool = True, output_json: bool = False) -> None:
        self.parser = Parser.parse(template)
        self.allow_missing_keys = allow_missing_keys
        self.output_json = output_json
        self.stack: list[list[Any]] = []
        self.cur: list[Any] = []
        self.begin_range = self.in_range = self.end_range = 0

    # -- FindResults / Execute
    def find_results(self, data: Any) -> list[list[Any]]:
        self.cur = [data]
        nodes = self.parser.root.nodes
        full: list[list[Any]] = []
        i = 0
        while i < len(nodes):
            results = self._walk(self.cur, nodes[i])
            if self.end_range > 0 and self.end_range <= self.in_range:
                self.end_range -= 1
                break
            if self.begin_range > 0:
                self.begin_range -= 1
                self.in_range += 1
                for k, value in enumerate(results):
                    self.parser.root.nodes = nodes[i + 1:]
                    if k == len(results) - 1:
                        self.in_range -= 1
                    full.extend(self.find_results(value))
                break
            full.append(results)
            i += 1
        return full

    def execute(self, data: Any) -> str:
        return "".join(self.print_results(r) for r in self.find_results(data))

    def print_results(self, results: list[Any]) -> str:
        if self.output_json:
            results = [list(results)]
        out = []
        for i, r in enumerate(results):
            if self.output_json:
                text = go_json(r, indent=True) + "\n"
            elif isinstance(r, (dict, list)):
                text = go_json(r)
            elif isinstance(r, str):
                text = r
            else:
                text = go_sprint(r)
            if i != len(results) - 1:
                text += " "
            out.append(text)
        return "".join(out)

    # -- walk
    def _walk(self, values: list[Any], node: Any) -> list[Any]:
        if isinstance(node, ListNode):
            return self._eval_list(values, node)
        if isinstance(node, TextNode):
            return [node.text]
        if isinstance(node, FieldNode):
            return self._eval_field(values, node)
        if isinstance(node, ArrayNode):
            return self._eval_array(values, node)
        if isinstance(node, FilterNode):
            return self._eval_filter(values, node)
        if isinstance(node, ConstNode):
            return [node.value for _ in values]
        if isinstance(node, WildcardNode):
            return [c for v in values if v is not None for c in _children(v)]
        if isinstance(node, RecursiveNode):
            return self._eval_recursive(values)
        if isinstance(node, UnionNode):
            return [x for ln in node.nodes for x in self._eval_list(values, ln)]
        if isinstance(node, IdentifierNode):
            return self._eval_identifier(values, node)
        raise JSONPathError(f"unexpected Node {node}")

    def _eval_list(self, values: list[Any], node: ListNode) -> list[Any]:
        for n in node.nodes:
            values = self._walk(values, n)
        return values

    def _eval_identifier(self, values: list[Any], node: IdentifierNode) -> list[Any]:
        if node.name == "range":
            self.stack.append(self.cur)
            self.begin_range += 1
            return values
        if node.name == "end":
            if self.end_range < self.in_range:
                self.end_range += 1
                return []
            if self.stack:
                self.cur = self.stack.pop()
                return []
            raise JSONPathError("not in range, nothing to end")
        raise JSONPathError(f"unrecognized identifier {node.name}")

    def _eval_array(self, values: list[Any], node: ArrayNode) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{go_type(value)} is not array or slice")
            p = [Param(x.known, x.value, x.derived) for x in node.params]
            n = len(value)
            if not p[0].known:
                p[0].value = 0
            if p[0].value < 0:
                p[0].value += n
            if not p[1].known:
                p[1].value = n
            if p[1].value < 0 or (p[1].value == 0 and p[1].derived):
                p[1].value += n
            if p[1].value != p[0].value:
                if p[0].value >= n or p[0].value < 0:
                    raise JSONPathError(f"array index out of bounds: index {p[0].value}, length {n}")
                if p[1].value > n or p[1].value < 0:
                    raise JSONPathError(f"array index out of bounds: index {p[1].value - 1}, length {n}")
                if p[0].value > p[1].value:
                    raise JSONPathError(f"starting index {p[0].value} is greater than ending index {p[1].value}")
            else:
                return result
            step = 1
            if p[2].known:
                if p[2].value <= 0:
                    raise JSONPathError("step must be > 0")
                step = p[2].value
            result.extend(value[p[0].value:p[1].value:step])
        return result

    def _eval_field(self, values: list[Any], node: FieldNode) -> list[Any]:
        results = [v[node.value] for v in values if isinstance(v, dict) and node.value in v]
        if not results and values and not self.allow_missing_keys:
            raise JSONPathError(f"{node.value} is not found")
        return results

    def _eval_recursive(self, values: list[Any]) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            children = _children(value)
            if children:
                result.append(value)
                result.extend(self._eval_recursive(children))
        return result

    def _eval_filter(self, values: list[Any], node: FilterNode) -> list[Any]:
        results: list[Any] = []
        for value in values:
            if not isinstance(value, list):
                raise JSONPathError(f"{go_sprint(value)} is not array or slice and cannot be filtered")
            for item in value:
                if node.operator == "exists":
                    try:
                        lefts = self._eval_list([item], node.left)
                    except JSONPathError:
                        lefts = []
                    if lefts:
                        results.append(item)
                    continue
                lefts = self._eval_list([item], node.left)
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self._eval_list([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                if _compare(node.operator, lefts[0], rights[0]):
                    results.append(item)
        return results


# ---------------------------------------------------------------------------------------------------- kubectl glue
_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$", re.S)


def relaxed_jsonpath(expr: str) -> str:
    """kubectl's RelaxedJSONPathExpression: ``a.b``, ``.a.b``, ``{a.b}`` and ``{.a.b}`` all mean ``{.a.b}``."""
    if not expr:
        return expr
    m = _RELAXED.match(expr)
    if m is None:
        raise JSONPathError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' "
                            "or '{.name1.name2}'")
    return "{.%s}" % (m.group(1) or m.group(2))


def execute_template(template: str, data: Any, *, output_json: bool = False) -> str:
    """``-o jsonpath=``/``jsonpath-as-json=``: the printed text (parse errors raise with kubectl's message)."""
    try:
        jp = JSONPath(template, output_json=output_json)
    except JSONPathError as e:
        raise JSONPathError(f"error parsing jsonpath {template}, {e}") from None
    try:
        return jp.execute(data)
    except JSONPathError as e:
        detail = (f"Error executing template: {e}. Printing more information for debugging the template:\n"
                  f"\ttemplate was:\n\t\t{template}\n"
                  f"\tobject given to jsonpath engine was:\n\t\t{go_sharp_v(data)}\n\n")
        raise JSONPathError(f"error executing jsonpath {go_quote(template)}: {detail}\n") from None


def parse_custom_columns(spec: str) -> list[tuple[str, str]]:
    if not spec:
        raise JSONPathError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise JSONPathError(f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        columns.append((header, relaxed_jsonpath(path)))
    return columns


def custom_column_rows(columns: list[tuple[str, str]], objs: list[Any], *, no_headers: bool = False) -> list[list[str]]:
    rows = [] if no_headers else [[h for h, _ in columns]]
    parsers = [JSONPath(path) for _, path in columns]
    for obj in objs:
        row = []
        for jp in parsers:
            values = jp.find_results(obj)
            strings = ["<none>"] if not values or not values[0] else []
            strings += [go_sprint(v) for vs in values for v in vs]
            row.append(",".join(strings))
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------------- sorting
def natural_less(s1: str, s2: str) -> bool:
    """github.com/fvbommel/sortorder NaturalLess (bytewise, digit runs compared as numbers)."""
    b1, b2 = s1.encode(), s2.encode()
    i1 = i2 = 0
    while i1 < len(b1) and i2 < len(b2):
        c1, c2 = b1[i1], b2[i2]
        d1, d2 = 48 <= c1 <= 57, 48 <= c2 <= 57
        if d1 != d2:
            return d1
        if not d1:
            if c1 != c2:
                return c1 < c2
            i1 += 1
            i2 += 1
            continue
        while i1 < len(b1) and b1[i1] == 48:
            i1 += 1
        while i2 < len(b2) and b2[i2] == 48:
            i2 += 1
        nz1, nz2 = i1, i2
        while i1 < len(b1) and 48 <= b1[i1] <= 57:
            i1 += 1
        while i2 < len(b2) and 48 <= b2[i2] <= 57:
            i2 += 1
        if i1 - nz1 != i2 - nz2:
            return i1 - nz1 < i2 - nz2
        if b1[nz1:i1] != b2[nz2:i2]:
            return b1[nz1:i1] < b2[nz2:i2]
        if nz1 != nz2:
            return nz1 < nz2
    return len(b1) < len(b2)


_QUANTITY = re.compile(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|"
                       r"[eE][+-]?[0-9]+)?$")
_SUFFIX = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "n": 1e-9, "u": 1e-6,
           "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}


def parse_quantity(s: str) -> float | None:
    m = _QUANTITY.match(s)
    if m is None:
        return None
    from decimal import Decimal

    suffix = m.group(2) or ""
    num = Decimal(m.group(1))
    if suffix[:1] in ("e", "E") and len(suffix) > 1:
        return float(num * (Decimal(10) ** int(suffix[1:])))
    return float(num * Decimal(str(_SUFFIX[suffix])))


def _is_less(a: Any, b: Any, field_name: str) -> bool:
    if a is None and b is None:
        return False
    if a is None:
        return True
    if b is None:
        return False
    ta, tb = go_type(a), go_type(b)
    if ta in ("int64", "float64") and ta == tb:
        return a < b
    if ta == "string" and tb == "string":
        qa, qb = parse_quantity(a), parse_quantity(b)
        if qa is None or qb is None:
            return natural_less(a, b)
        return qa < qb
    if ta not in ("int64", "float64", "string"):
        raise JSONPathError(f"Field {field_name} in *unstructured.Unstructured is an unsortable type: interface, "
                            f"err: unsortable type: {ta}")
    raise JSONPathError(f"Field {field_name} in *unstructured.Unstructured is an unsortable type: interface, "
                        "err: unsortable interface: interface")


def sort_objects(objs: list[Any], sort_by: str) -> list[Any]:
    """kubectl's SortObjects/TableSorter: the first value of the path per object; objects lacking it sort first.

    Go's sort.Sort is an insertion sort for up to 12 elements (reproduced exactly, including its treatment of
    several objects without the field); longer lists use a stable sort on the same order.
    """
    if not objs:
        return objs
    path = relaxed_jsonpath(sort_by)
    try:
        jp = JSONPath(path)
    except JSONPathError as e:
        raise JSONPathError(f"sorting error: {e}") from None
    keyed = []
    for obj in objs:
        values = jp.find_results(obj)
        keyed.append((values[0][0] if values and values[0] else _MISSING, obj))
    if all(k is _MISSING for k, _ in keyed):
        raise JSONPathError(f"couldn't find any field with path {go_quote(path)} in the list of objects")

    def less(a: Any, b: Any) -> bool:
        if a is _MISSING:
            return True
        if b is _MISSING:
            return False
        return _is_less(a, b, path)

    if len(keyed) <= 12:
        for i in range(1, len(keyed)):
            j = i
            while j > 0 and less(keyed[j][0], keyed[j - 1][0]):
                keyed[j], keyed[j - 1] = keyed[j - 1], keyed[j]
                j -= 1
    else:
        import functools

        def cmp(x: tuple[Any, Any], y: tuple[Any, Any]) -> int:
            if x[0] is _MISSING or y[0] is _MISSING:
                return (y[0] is _MISSING) - (x[0] is _MISSING) if x[0] is not y[0] else 0
            return -1 if less(x[0], y[0]) else (1 if less(y[0], x[0]) else 0)

        keyed.sort(key=functools.cmp_to_key(cmp))
    return [o for _, o in keyed]


_MISSING = object()
