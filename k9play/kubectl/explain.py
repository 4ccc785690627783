"""``kubectl explain RESOURCE[.FIELD…]``, served from the same official schemas as validation.

kubectl v1.34 renders explain with a Go template over the OpenAPI v3 document
(``kubectl/pkg/explain/v2/templates/plaintext.tmpl``); this module follows that template
step by step — header, ``FIELD:`` line, DESCRIPTION wrapped at 76 columns by Sprig's ``wrap``
(goutils' ``WrapCustom``: it breaks only at spaces and treats a newline as an ordinary
character), FIELDS sorted by name with ``-required-`` marks, ``--recursive`` as a tree.

The JSON schemas put ``$ref`` beside a property's own description, where OpenAPI v3 wraps the
reference in ``allOf``; both are read the v3 way, so a field's description is its own text
followed by its type's (``explain pod.metadata`` prints both, as kubectl does). The schemas
carry no ``enum`` lists, so kubectl's ``ENUM:`` lines are not printed.
"""

from __future__ import annotations

from typing import Any

from k9play.api.resources import ResourceType, lookup
from k9play.api.schema import definitions
from k9play.kubectl.commands import CommandError, Flags, Kubectl, Result

Schema = dict[str, Any]
_REF = "#/$defs/"


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    args = flags.args
    if not args:
        raise CommandError("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" "
                           "for a complete list of supported resources.")
    if len(args) > 1:
        raise CommandError(f"error: We accept only this format: explain RESOURCE\nunexpected args: {args[1:]}")
    name, *path = args[0].split(".")
    rt = lookup(name)
    if rt is None:
        raise CommandError(f'error: the server doesn\'t have a resource type "{name}"')
    result.write(explain(rt, [p for p in path if p], recursive=bool(flags.get("recursive"))))


def explain(rt: ResourceType, path: list[str], *, recursive: bool = False) -> str:
    """kubectl's plaintext explain of ``rt`` (``path``: the fields after the resource)."""
    defs = definitions()
    root = _definition_of(rt, defs)
    head = (f"GROUP:      {rt.group}\n" if rt.group else "") + f"KIND:       {rt.kind}\nVERSION:    {rt.version}\n\n"
    body = _output(root, path, recursive, defs)
    if not body:
        raise CommandError(f'error: field "{path[-1]}" does not exist')
    return head + body + "\n"


def _definition_of(rt: ResourceType, defs: dict[str, Schema]) -> Schema:
    for schema in defs.values():
        for gvk in schema.get("x-kubernetes-group-version-kind") or []:
            if (gvk.get("group", ""), gvk.get("version"), gvk.get("kind")) == (rt.group, rt.version, rt.kind):
                return schema
    raise CommandError(f"error: GVK {rt.group}/{rt.version}, Kind={rt.kind} not found in OpenAPI schema")


# ------------------------------------------------------------------ the template
def _resolve(schema: Schema, defs: dict[str, Schema]) -> Schema | None:
    ref = schema.get("$ref", "")
    return defs.get(ref[len(_REF):]) if ref.startswith(_REF) else None


def _v3(schema: Schema) -> Schema:
    """A property that has ``$ref`` beside other keys, as OpenAPI v3 writes it: ``allOf: [{$ref}]``."""
    if "$ref" in schema and len(schema) > 1:
        return {**{k: v for k, v in schema.items() if k != "$ref"}, "allOf": [{"$ref": schema["$ref"]}]}
    return schema


def _map_value(schema: Schema) -> Schema | None:
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def _output(schema: Schema, path: list[str], recursive: bool, defs: dict[str, Schema],
            history: frozenset[str] = frozenset()) -> str:
    """The template's ``output``: follow ``path``, then DESCRIPTION and FIELDS of where it leads."""
    schema = _v3(schema)
    ref = schema.get("$ref", "")
    resolved = _resolve(schema, defs) or schema
    if not path:
        text = "DESCRIPTION:\n" + _indent(_wrap(_description(schema, defs) or "<empty>", 76), 4) + "\n"
        fields = _field_list(schema, 1, recursive, defs, frozenset())
        return text + ("FIELDS:\n" + fields if fields else "")
    if ref and ref in history:
        return ""
    history = history | {ref}
    props = resolved.get("properties") or {}
    if path[0] in props:
        sub = props[path[0]]
        head = ""
        if len(path) == 1:
            head = f"FIELD: {path[0]} <{_type_guess(sub, defs)}>\n\n\n"
        return head + _output(sub, path[1:], recursive, defs)
    if isinstance(resolved.get("items"), dict):
        return _output(resolved["items"], path, recursive, defs, history)
    if (value := _map_value(resolved)) is not None:
        return _output(value, path, recursive, defs, history)
    for alternative in resolved.get("allOf") or []:
        if out := _output(alternative, path, recursive, defs, history):
            return out
    return ""


def _field_list(schema: Schema, level: int, recursive: bool, defs: dict[str, Schema], history: frozenset[str]) -> str:
    schema = _v3(schema)
    ref = schema.get("$ref", "")
    if ref and ref in history:
        return ""
    history = history | {ref}
    resolved = _resolve(schema, defs) or schema
    out = []
    props = resolved.get("properties") or {}
    for name in sorted(props):
        out.append(_field_detail(name, resolved, level, recursive, defs))
        if recursive:
            out.append(_field_list(props[name], level + 1, recursive, defs, history))
    for alternative in resolved.get("allOf") or []:
        out.append(_field_list(alternative, level, recursive, defs, history))
    if isinstance(resolved.get("items"), dict):
        out.append(_field_list(resolved["items"], level, recursive, defs, history))
    if (value := _map_value(resolved)) is not None:
        out.append(_field_list(value, level, recursive, defs, history))
    return "".join(out)


def _field_detail(name: str, parent: Schema, level: int, short: bool, defs: dict[str, Schema]) -> str:
    indent = level * 2
    field = parent["properties"][name]
    required = " -required-" if name in (parent.get("required") or []) else ""
    line = _indent(name, indent) + f"\t<{_type_guess(field, defs)}>{required}\n"
    if short:
        return line
    return line + _indent(_wrap(field.get("description") or "<no description>", 78 - indent), indent + 2) + "\n\n"


def _description(schema: Schema, defs: dict[str, Schema]) -> str:
    """The template's ``description``: this schema's text, then its allOf/items/map value's."""
    schema = _v3(schema)
    target = _resolve(schema, defs) or schema
    text = target["description"] + "\n" if target.get("description") else ""
    for alternative in target.get("allOf") or []:
        text += _description(alternative, defs)
    if isinstance(target.get("items"), dict):
        text += _description(target["items"], defs)
    if (value := _map_value(target)) is not None:
        text += _description(value, defs)
    return text


def _type_name(schema: Schema) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind


def _type_guess(schema: Schema, defs: dict[str, Schema]) -> str:
    """``string``, ``Object``, ``[]Container``, ``map[string]Quantity`` … as kubectl guesses it."""
    schema = _v3(schema)
    if isinstance(schema.get("items"), dict):
        return "[]" + _type_guess(schema["items"], defs)
    if (value := _map_value(schema)) is not None:
        return "map[string]" + _type_guess(value, defs)
    all_of = schema.get("allOf") or []
    if len(all_of) == 1 and not schema.get("properties"):
        return _type_guess(all_of[0], defs)
    if "$ref" in schema:
        target = _resolve(schema, defs)
        kind = _type_name(target) if target is not None else None
        if target is None or kind in (None, "object"):
            return schema["$ref"].rsplit("/", 1)[-1].rsplit(".", 1)[-1] or "Object"
        return kind
    kind = _type_name(schema)
    return "Object" if kind in (None, "object") else kind


# ------------------------------------------------------------ Sprig's text helpers
def _wrap(text: str, width: int) -> str:
    """goutils ``WrapCustom(text, width, "\\n", false)``: break at the last space that fits;
    a longer word runs on to the next space. Newlines already in the text are not breaks."""
    if not text:
        return ""
    width = max(width, 1)
    out: list[str] = []
    offset, n = 0, len(text)
    while n - offset > width:
        if text[offset] == " ":
            offset += 1
            continue
        space = text.rfind(" ", offset, width + offset + 1)
        if space >= offset:
            out.append(text[offset:space] + "\n")
            offset = space + 1
            continue
        space = text.find(" ", width + offset)
        if space == -1:
            out.append(text[offset:])
            offset = n
        else:
            out.append(text[offset:space] + "\n")
            offset = space + 1
    out.append(text[offset:])
    return "".join(out)


def _indent(text: str, spaces: int) -> str:
    """Sprig's ``indent``: the pad before the text and after every newline (a trailing one too)."""
    pad = " " * spaces
    return pad + text.replace("\n", "\n" + pad)
