"""Validation against the official Kubernetes JSON schemas (v1.34, strict).

The schemas ship with the ``kubernetes-validate`` package (generated from the Kubernetes
OpenAPI spec); we read its files directly and compile one validator per kind, once.
Errors are reported the way the apiserver's strict decoder words them, always naming the
field path (``spec.template.spec.containers[0].imagePullPolicy``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from k9play.api.errors import Cause

SCHEMA_VERSION = "v1.34.0"
_DEF_PREFIX = "/api/_definitions.json#/$defs/"


def _schema_dir() -> Path:
    base = importlib_resources.files("kubernetes_validate") / "kubernetes-json-schema"
    return Path(str(base)) / f"{SCHEMA_VERSION}-local-strict"


@cache
def definitions() -> dict[str, Any]:
    """All ``$defs`` of the v1.34 schema, keyed by ``io.k8s.api.core.v1.Pod`` style names."""
    with open(_schema_dir() / "_definitions.json", encoding="utf-8") as f:
        return json.load(f)["$defs"]


def _file_for(kind: str, api_version: str) -> Path:
    av = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return _schema_dir() / f"{kind.lower()}-{av}.json"


@cache
def kind_schema(kind: str, api_version: str) -> dict[str, Any] | None:
    path = _file_for(kind, api_version)
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@cache
def _validator(kind: str, api_version: str) -> Any:
    import jsonschema
    from referencing import Registry, Resource

    schema = kind_schema(kind, api_version)
    if schema is None:
        return None
    with open(_schema_dir() / "_definitions.json", encoding="utf-8") as f:
        defs_doc = json.load(f)
    registry = Resource.from_contents(schema) @ Registry()
    registry = Resource.from_contents(defs_doc) @ registry
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("byte")(lambda value: not isinstance(value, str) or go_base64_error(value) is None)
    return jsonschema.validators.Draft202012Validator(schema, registry=registry, format_checker=formats)


_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def go_base64_error(text: str) -> int | None:
    """Where Go's ``base64.StdEncoding`` would give up decoding ``text`` (as JSON ``[]byte``).

    Returns the ``CorruptInputError`` offset, or None when ``text`` decodes. Newlines are
    skipped, as Go skips them."""
    quantum: list[int] = []  # offsets of the current 4-character group
    padded_at: int | None = None
    for i, ch in enumerate(text):
        if ch in "\r\n":
            continue
        if padded_at is not None and ch != "=":
            return i  # data after padding
        if ch == "=":
            if len(quantum) < 2:
                return i
            padded_at = padded_at if padded_at is not None else i
            quantum.append(i)
            if len(quantum) == 4:
                quantum = []
            continue
        if ch not in _BASE64:
            return i
        quantum.append(i)
        if len(quantum) == 4:
            quantum = []
    if quantum:
        return len(text) if padded_at is not None else quantum[0]
    return None


def _resolve(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """Follow a ``$ref`` into the definitions; return (definition name, schema)."""
    ref = node.get("$ref")
    if ref:
        name = ref.split("/$defs/", 1)[1]
        return name, definitions()[name]
    return None, node


def _go_type(node: dict[str, Any]) -> str:
    _, node = _resolve(node)
    if "oneOf" in node:
        return "intstr.IntOrString" if any("integer" in str(o) for o in node["oneOf"]) else "resource.Quantity"
    types = node.get("type", [])
    if isinstance(types, str):
        types = [types]
    t = next((x for x in types if x != "null"), "object")
    if t == "integer":
        return node.get("format", "int64")
    if t == "array":
        return "[]" + _go_type(node.get("items", {}))
    if t == "object":
        return "map[string]string" if "additionalProperties" in node and not node.get("properties") else "object"
    return {"number": "float64", "boolean": "bool"}.get(t, t)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def field_path(parts: list[Any] | tuple[Any, ...]) -> str:
    """``['spec','containers',0,'image']`` → ``spec.containers[0].image``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def _struct_of(kind_root: dict[str, Any], kind: str, parts: list[Any]) -> str:
    """Go struct name that owns the last field of ``parts`` (for unmarshal messages)."""
    owner = kind
    node: dict[str, Any] = kind_root
    for p in parts[:-1]:
        name, node = _resolve(node)
        if name:
            owner = name.rsplit(".", 1)[-1]
        if isinstance(p, int):
            node = node.get("items", {})
        else:
            node = (node.get("properties") or {}).get(p, {})
    name, _ = _resolve(node)
    if name:
        owner = name.rsplit(".", 1)[-1]
    return owner


def validate(obj: dict[str, Any]) -> list[Cause]:
    """Schema problems of ``obj`` as causes; empty when the object conforms.

    Unknown kinds (no schema) validate trivially: resolving kinds is the registry's job.
    """
    kind, api_version = obj.get("kind", ""), obj.get("apiVersion", "")
    validator = _validator(kind, api_version)
    if validator is None:
        return []
    root = kind_schema(kind, api_version) or {}
    causes: list[Cause] = []
    seen: set[str] = set()
    for err in sorted(validator.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path]):
        for cause in _causes_of(err, root, kind):
            if cause.field + cause.message not in seen:
                seen.add(cause.field + cause.message)
                causes.append(cause)
    return causes


def _causes_of(err: Any, root: dict[str, Any], kind: str) -> list[Cause]:
    path = list(err.absolute_path)
    if err.validator == "additionalProperties":
        node = err.instance if isinstance(err.instance, dict) else {}
        allowed = set((err.schema.get("properties") or {}).keys())
        return [
            Cause(field_path([*path, k]), f'unknown field "{field_path([*path, k])}"', "FieldValueInvalid")
            for k in node
            if k not in allowed
        ]
    if err.validator == "required":
        # strict decoding does not check required fields: they are checked after defaulting
        return []
    if err.validator in ("type", "oneOf"):
        struct = _struct_of(root, kind, path) if path else kind
        go_path = ".".join(str(p) for p in path if not isinstance(p, int))
        node = root
        for p in path:
            _, node = _resolve(node)
            node = node.get("items", {}) if isinstance(p, int) else (node.get("properties") or {}).get(p, {})
        return [Cause(
            field_path(path),
            f"json: cannot unmarshal {_json_type(err.instance)} into Go struct field "
            f"{struct}.{go_path} of type {_go_type(node)}",
            "FieldValueTypeInvalid",
        )]
    if err.validator == "format" and err.validator_value == "byte":
        return [Cause(field_path(path), f"illegal base64 data at input byte {go_base64_error(err.instance)}",
                      "FieldValueInvalid")]
    if err.validator == "enum":
        return [Cause(field_path(path), f'Unsupported value: "{err.instance}"', "FieldValueNotSupported")]
    return [Cause(field_path(path), err.message, "FieldValueInvalid")]
