"""The simulated ``sh``'s syntax: tokens, words with their quoting, and a parse tree.

A script becomes nested tuples (``("cmd", words, redirs)``, ``("and", a, b)``, loops …) that
:mod:`k9play.kubelet.shell` walks; nothing here runs anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_OPERATORS = ("&&", "||", ";;", ">>", "2>&1", "2>", "&>", ";", "|", "&", "(", ")", "\n", ">", "<")
_KEYWORDS = {"while", "until", "for", "do", "done", "if", "then", "elif", "else", "fi", "in", "{", "}", "!"}


@dataclass
class Word:
    """A shell word with its quoting kept, expanded at run time."""

    parts: list[tuple[str, str]]  # (kind, text): kind "lit" (no expansion), "dq" (double), "bare"

    @property
    def literal(self) -> str:
        return "".join(t for _, t in self.parts)


class ParseError(Exception):
    pass


def tokenize(text: str) -> list[Word | str]:
    """Split into words (with quoting) and operator strings."""
    tokens: list[Word | str] = []
    i, n = 0, len(text)
    parts: list[tuple[str, str]] = []
    in_word = False

    def flush() -> None:
        nonlocal parts, in_word
        if in_word:
            tokens.append(Word(parts))
        parts, in_word = [], False

    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            if text[i + 1] == "\n":
                i += 2
                continue
            parts.append(("lit", text[i + 1]))
            in_word = True
            i += 2
            continue
        if ch == "'":
            j = text.find("'", i + 1)
            if j < 0:
                raise ParseError("unterminated quoted string")
            parts.append(("lit", text[i + 1:j]))
            in_word = True
            i = j + 1
            continue
        if ch == '"':
            j = i + 1
            buf = ""
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n and text[j + 1] in '"\\$`':
                    buf += text[j + 1]
                    j += 2
                    continue
                buf += text[j]
                j += 1
            if j >= n:
                raise ParseError("unterminated quoted string")
            parts.append(("dq", buf))
            in_word = True
            i = j + 1
            continue
        if ch == "$" and i + 1 < n and text[i + 1] == "(":
            depth, j = 1, i + 2
            while j < n and depth:
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            parts.append(("bare", text[i:j]))
            in_word = True
            i = j
            continue
        if ch == "#" and not in_word:
            while i < n and text[i] != "\n":
                i += 1
            continue
        if ch in " \t":
            flush()
            i += 1
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is not None and not (op in ("2>&1", "2>") and in_word):
            flush()
            tokens.append(op)
            i += len(op)
            continue
        if parts and parts[-1][0] == "bare":
            parts[-1] = ("bare", parts[-1][1] + ch)
        else:
            parts.append(("bare", ch))
        in_word = True
        i += 1
    flush()
    return tokens


# AST nodes are tuples: ("cmd", words, redirs) ("and"/"or", a, b) ("seq", [nodes])
# ("pipe", [nodes]) ("while"/"until", cond, body) ("for", var, words, body) ("if", [(cond, body)], else)
# ("not", node) ("group", node)
Node = tuple[Any, ...]


class _Parser:
    def __init__(self, tokens: list[Word | str]) -> None:
        self.toks = tokens
        self.i = 0

    def peek(self) -> Word | str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def kw(self) -> str | None:
        t = self.peek()
        if isinstance(t, Word) and all(k == "bare" for k, _ in t.parts) and t.literal in _KEYWORDS:
            return t.literal
        return None

    def take(self) -> Word | str:
        t = self.toks[self.i]
        self.i += 1
        return t

    def skip_newlines(self) -> None:
        while self.peek() in ("\n", ";"):
            self.i += 1

    def expect_kw(self, word: str) -> None:
        self.skip_newlines()
        if self.kw() != word:
            got = self.peek()
            shown = got.literal if isinstance(got, Word) else got
            raise ParseError(f"syntax error: expected \"{word}\", got \"{shown}\"")
        self.i += 1

    def parse_list(self, stop: tuple[str, ...] = ()) -> Node:
        items: list[Node] = []
        self.skip_newlines()
        while self.peek() is not None and self.kw() not in stop and self.peek() not in (")",):
            items.append(self.parse_and_or())
            if self.peek() in (";", "\n", "&"):
                self.i += 1
            self.skip_newlines()
        return ("seq", items)

    def parse_and_or(self) -> Node:
        node = self.parse_pipeline()
        while self.peek() in ("&&", "||"):
            op = self.take()
            self.skip_newlines()
            rhs = self.parse_pipeline()
            node = ("and" if op == "&&" else "or", node, rhs)
        return node

    def parse_pipeline(self) -> Node:
        negate = False
        if self.kw() == "!":
            self.i += 1
            negate = True
        stages = [self.parse_command()]
        while self.peek() == "|":
            self.i += 1
            self.skip_newlines()
            stages.append(self.parse_command())
        node: Node = stages[0] if len(stages) == 1 else ("pipe", stages)
        return ("not", node) if negate else node

    def parse_command(self) -> Node:
        k = self.kw()
        if k in ("while", "until"):
            self.i += 1
            cond = self.parse_list(("do",))
            self.expect_kw("do")
            body = self.parse_list(("done",))
            self.expect_kw("done")
            return (k, cond, body)
        if k == "for":
            self.i += 1
            var = self.take()
            words: list[Word] = []
            self.skip_newlines() if self.peek() == "\n" else None
            if self.kw() == "in":
                self.i += 1
                while isinstance(self.peek(), Word) and self.kw() != "do":
                    words.append(self.take())  # type: ignore[arg-type]
            self.expect_kw("do")
            body = self.parse_list(("done",))
            self.expect_kw("done")
            return ("for", var.literal if isinstance(var, Word) else str(var), words, body)
        if k == "if":
            self.i += 1
            branches = []
            cond = self.parse_list(("then",))
            self.expect_kw("then")
            body = self.parse_list(("elif", "else", "fi"))
            branches.append((cond, body))
            other: Node | None = None
            while True:
                self.skip_newlines()
                k2 = self.kw()
                if k2 == "elif":
                    self.i += 1
                    c = self.parse_list(("then",))
                    self.expect_kw("then")
                    b = self.parse_list(("elif", "else", "fi"))
                    branches.append((c, b))
                elif k2 == "else":
                    self.i += 1
                    other = self.parse_list(("fi",))
                else:
                    break
            self.expect_kw("fi")
            return ("if", branches, other)
        if k == "{":
            self.i += 1
            body = self.parse_list(("}",))
            self.expect_kw("}")
            return ("group", body)
        if self.peek() == "(":
            self.i += 1
            body = self.parse_list()
            if self.peek() != ")":
                raise ParseError("syntax error: expected \")\"")
            self.i += 1
            return ("group", body)
        words: list[Word] = []
        redirs: list[tuple[str, Word | None]] = []
        while True:
            t = self.peek()
            if isinstance(t, Word):
                words.append(self.take())  # type: ignore[arg-type]
            elif t in (">", ">>", "<", "2>", "&>"):
                op = str(self.take())
                target = self.take() if isinstance(self.peek(), Word) else None
                if target is None:
                    raise ParseError("syntax error: unexpected redirection")
                redirs.append((op, target))  # type: ignore[arg-type]
            elif t == "2>&1":
                self.i += 1
                redirs.append(("2>&1", None))
            else:
                break
        if not words and not redirs:
            raise ParseError(f"syntax error: unexpected \"{t}\"")
        return ("cmd", words, redirs)


def parse(script: str) -> Node:
    parser = _Parser(tokenize(script))
    node = parser.parse_list()
    if parser.peek() is not None:
        t = parser.peek()
        raise ParseError(f"syntax error: unexpected \"{t.literal if isinstance(t, Word) else t}\"")
    return node
