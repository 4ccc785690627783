"""The parser of kubectl's JSONPath dialect (client-go ``util/jsonpath/parser.go``): the template
text becomes a tree of nodes that :mod:`k9play.kubectl.jsonpath` evaluates. Kept apart so each half
reads in one sitting; the structure, names and error messages follow client-go's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class JSONPathError(Exception):
    """A parse or execution error, with client-go's message."""


# ---------------------------------------------------------------------------------------------------- nodes
@dataclass
class ListNode:
    nodes: list[Any] = field(default_factory=list)


@dataclass
class TextNode:
    text: str


@dataclass
class FieldNode:
    value: str


@dataclass
class Param:
    known: bool = False
    value: int = 0
    derived: bool = False


@dataclass
class ArrayNode:
    params: list[Param]


@dataclass
class FilterNode:
    left: ListNode
    right: ListNode
    operator: str


@dataclass
class ConstNode:
    value: Any  # IntNode, FloatNode and BoolNode


@dataclass
class WildcardNode:
    pass


@dataclass
class RecursiveNode:
    pass


@dataclass
class UnionNode:
    nodes: list[ListNode]


@dataclass
class IdentifierNode:
    name: str


# ---------------------------------------------------------------------------------------------------- parser
EOF = ""
_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.S)


def _is_alnum(r: str) -> bool:
    return r == "_" or r.isalpha() or r.isdigit()


def _is_terminator(r: str) -> bool:
    return r in (EOF, " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}")


def _go_atoi(s: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", s):
        raise ValueError(s)
    return int(s)


def _go_parse_float(s: str) -> float:
    if not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", s):
        raise ValueError(s)
    return float(s)


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def unquote_extend(s: str) -> str:
    """strconv.Unquote, also accepting single-quoted strings of any length."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in "\"'":
        raise JSONPathError("invalid syntax")
    quote, body = s[0], s[1:-1]
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == quote:
            raise JSONPathError("invalid syntax")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(body):
            raise JSONPathError("invalid syntax")
        e = body[i + 1]
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 2
        elif e == quote:
            out.append(e)
            i += 2
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2:i + 2 + n]
            if len(digits) != n or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                raise JSONPathError("invalid syntax")
            out.append(chr(int(digits, 16)))
            i += 2 + n
        elif e in "01234567":
            digits = body[i + 1:i + 4]
            if not re.fullmatch(r"[0-7]{3}", digits):
                raise JSONPathError("invalid syntax")
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            raise JSONPathError("invalid syntax")
    return "".join(out)


class Parser:
    def __init__(self, text: str) -> None:
        self.input = text
        self.root = ListNode()
        self.pos = 0
        self.start = 0
        self.width = 0

    @classmethod
    def parse(cls, text: str) -> Parser:
        p = cls(text)
        p._parse_text(p.root)
        return p

    @classmethod
    def parse_action(cls, text: str) -> ListNode:
        return cls.parse("{" + text + "}").root.nodes[0]

    def _consume(self) -> str:
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    def _next(self) -> str:
        if self.pos >= len(self.input):
            self.width = 0
            return EOF
        self.width = 1
        self.pos += 1
        return self.input[self.pos - 1]

    def _peek(self) -> str:
        r = self._next()
        self._backup()
        return r

    def _backup(self) -> None:
        self.pos -= self.width

    def _rest(self) -> str:
        return self.input[self.pos:]

    def _parse_text(self, cur: ListNode) -> None:
        while True:
            if self._rest().startswith("{"):
                if self.pos > self.start:
                    cur.nodes.append(TextNode(self._consume()))
                self._parse_left_delim(cur)
                return
            if self._next() == EOF:
                break
        if self.pos > self.start:
            cur.nodes.append(TextNode(self._consume()))

    def _parse_left_delim(self, cur: ListNode) -> None:
        self.pos += 1
        self._consume()
        node = ListNode()
        cur.nodes.append(node)
        self._parse_inside_action(node)

    def _parse_inside_action(self, cur: ListNode) -> None:
        while True:
            rest = self._rest()
            if rest.startswith("}"):
                self.pos += 1
                self._consume()
                self._parse_text(self.root)
                return
            if rest.startswith("[?("):
                self._parse_filter(cur)
                continue
            if rest.startswith(".."):
                if cur.nodes and isinstance(cur.nodes[-1], RecursiveNode):
                    raise JSONPathError("invalid multiple recursive descent")
                self.pos += 2
                self._consume()
                cur.nodes.append(RecursiveNode())
                if _is_alnum(self._peek()):
                    self._parse_field(cur)
                continue
            r = self._next()
            if r == EOF or r in "\r\n":
                raise JSONPathError("unclosed action")
            if r in " @$":
                self._consume()
            elif r == "[":
                self._parse_array(cur)
            elif r in "\"'":
                self._parse_quote(cur, r)
            elif r == ".":
                self._parse_field(cur)
            elif r in "+-" or r.isdigit():
                self._backup()
                self._parse_number(cur)
            elif _is_alnum(r):
                self._backup()
                self._parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: U+{ord(r):04X} '{r}'")

    def _parse_identifier(self, cur: ListNode) -> None:
        while True:
            if _is_terminator(self._next()):
                self._backup()
                break
        value = self._consume()
        if value in ("true", "false"):
            cur.nodes.append(ConstNode(value == "true"))
        else:
            cur.nodes.append(IdentifierNode(value))

    def _parse_number(self, cur: ListNode) -> None:
        if self._peek() in ("+", "-"):
            self._next()
        while True:
            r = self._next()
            if r == EOF or (r != "." and not r.isdigit()):
                self._backup()
                break
        value = self._consume()
        try:
            cur.nodes.append(ConstNode(_go_atoi(value)))
            return
        except ValueError:
            pass
        try:
            cur.nodes.append(ConstNode(_go_parse_float(value)))
        except ValueError:
            raise JSONPathError(f"cannot parse number {value}") from None

    def _parse_array(self, cur: ListNode) -> None:
        while True:
            r = self._next()
            if r in (EOF, "\n"):
                raise JSONPathError("unterminated array")
            if r == "]":
                break
        text = self._consume()[1:-1]
        if text == "*":
            text = ":"
        strs = text.split(",")
        if len(strs) > 1:
            cur.nodes.append(UnionNode([Parser.parse_action(f"[{s.strip(' ')}]") for s in strs]))
            return
        m = _DICT_KEY.match(text)
        if m:
            cur.nodes.extend(Parser.parse_action(f".{m.group(1)}").nodes)
            return
        m = _SLICE.match(text)
        if not m:
            raise JSONPathError(f"invalid array index {text}")
        values = [m.group(1) or "", m.group(2) or "", m.group(3) or ""]
        params = [Param(), Param(), Param()]
        for i in range(3):
            v = values[i]
            if v != "":
                if i > 0:
                    v = v[1:]
                if i > 0 and v == "":
                    params[i].known = False
                else:
                    params[i].known = True
                    try:
                        params[i].value = _go_atoi(v)
                    except ValueError:
                        raise JSONPathError(f"array index {v} is not a number") from None
            elif i == 1:
                params[i] = Param(True, params[0].value + 1, True)
        cur.nodes.append(ArrayNode(params))

    def _parse_filter(self, cur: ListNode) -> None:
        self.pos += 3
        self._consume()
        begin = end = False
        pair = ""
        while True:
            r = self._next()
            if r in (EOF, "\n"):
                raise JSONPathError("unterminated filter")
            if r in "\"'":
                if not begin:
                    begin, pair = True, r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")" and begin == end:
                break
        if self._next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self._consume()[:-2]
        m = _FILTER.match(text)
        if m is None:
            cur.nodes.append(FilterNode(Parser.parse_action(text), ListNode(), "exists"))
        else:
            left = Parser.parse_action(m.group(1))
            right = Parser.parse_action(m.group(3))
            cur.nodes.append(FilterNode(left, right, m.group(2)))

    def _parse_quote(self, cur: ListNode, end: str) -> None:
        while True:
            r = self._next()
            if r in (EOF, "\n"):
                raise JSONPathError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self._consume()
        try:
            s = unquote_extend(value)
        except JSONPathError as e:
            raise JSONPathError(f"unquote string {value} error {e}") from None
        cur.nodes.append(TextNode(s))

    def _parse_field(self, cur: ListNode) -> None:
        self._consume()
        while True:
            r = self._next()
            if r == "\\":
                self._next()
            elif _is_terminator(r):
                self._backup()
                break
        value = self._consume()
        cur.nodes.append(WildcardNode() if value == "*" else FieldNode(value.replace("\\", "")))
