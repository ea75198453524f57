"""Strict, fast JSON parsing for every API: orjson plus the checks `specs/common.md` asks for."""

from __future__ import annotations

import re
from typing import Any

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

MAX_DEPTH = 64


class BodyError(ParseError):
    default_code = "invalid_json"


_STRING_RE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_PAIR_RE = re.compile(rb"\[\]|\{\}")


def json_loads_strict(body: bytes) -> Any:
    """Parse JSON; reject NaN/Infinity (orjson does), NUL in strings, and nesting deeper than MAX_DEPTH.

    The checks run on the raw bytes at C speed; only a body with an escaped NUL in it is walked in Python,
    to say where."""
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and _deeper_than(body, MAX_DEPTH):
        raise BodyError(f"JSON nested deeper than {MAX_DEPTH} levels.")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BodyError(f"Malformed JSON: {exc}") from None
    if b"\\u0000" in body:  # an escaped NUL somewhere (a raw NUL byte is malformed JSON already)
        _check_tree(data)
    return data


def _deeper_than(body: bytes, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`, found at C speed: keep only the brackets, then
    strip innermost `[]`/`{}` pairs once per level. Brackets inside strings can only add depth here, so a
    "deeper" answer is confirmed with the strings taken out."""
    if not _nesting_exceeds(body.translate(None, _NOT_BRACKETS), limit):
        return False
    return _nesting_exceeds(_STRING_RE.sub(b"", body).translate(None, _NOT_BRACKETS), limit)


def _nesting_exceeds(brackets: bytes, limit: int) -> bool:
    for _ in range(limit):
        reduced = _PAIR_RE.sub(b"", brackets)
        if reduced == brackets:  # empty, or unbalanced: the parser reports malformed JSON
            return False
        brackets = reduced
    return bool(brackets)


def _check_tree(data: Any) -> None:
    # Iterative walk: a deep document must not exhaust Python's recursion either.
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                raise BodyError(f"JSON nested deeper than {MAX_DEPTH} levels at {_short(path)}.")
            for key, value in node.items():
                if "\x00" in key:
                    raise BodyError(f"NUL character in a key at {path or 'the top'}.")
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1, f"{path}.{key}" if path else key))
                elif isinstance(value, str) and "\x00" in value:
                    raise BodyError(
                        f"{path}.{key}: NUL characters are not allowed."
                        if path
                        else f"{key}: NUL characters are not allowed."
                    )
        elif isinstance(node, list):
            if depth > MAX_DEPTH:
                raise BodyError(f"JSON nested deeper than {MAX_DEPTH} levels at {_short(path)}.")
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1, f"{path}[{index}]"))
                elif isinstance(value, str) and "\x00" in value:
                    raise BodyError(f"{path}[{index}]: NUL characters are not allowed.")
        elif isinstance(node, str) and "\x00" in node:
            raise BodyError("NUL characters are not allowed.")


def _short(path: str) -> str:
    return (path[:60] + "…") if len(path) > 60 else (path or "the top")


class StrictJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        body = stream.read() if stream is not None else b""
        if not body:
            raise BodyError("The request body is empty; a JSON document is required.")
        return json_loads_strict(body)
