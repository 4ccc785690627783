"""``kubectl get``: tables (default/wide), YAML, JSON and names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api import errors, resources
from k9play.api.meta import Obj
from k9play.api.selectors import SelectorError, parse_label_selector
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_resources
from k9play.kubectl.jsonpath import (
    JSONPathError,
    custom_column_rows,
    execute_template,
    parse_custom_columns,
    sort_objects,
)
from k9play.kubectl.printers import list_wrapper, name_line, print_table, tabulate, to_json, to_yaml

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

OUTPUTS = ("", "wide", "yaml", "json", "name")
#: the apiserver's warning for any request to v1 Endpoints, printed by kubectl on stderr
ENDPOINTS_DEPRECATED = "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"


def no_resources(namespace: str | None) -> str:
    return f"No resources found in {namespace} namespace." if namespace else "No resources found"


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    if not flags.args and flags.has("filename"):
        _run_files(k, flags, result)
        return
    if not flags.args:
        raise CommandError('You must specify the type of resource to get. Use "kubectl api-resources" for a '
                           "complete list of supported resources.\n\nerror: Required resource not specified.\n"
                           "Use \"kubectl explain <resource>\" for a detailed description of that resource (e.g. "
                           "kubectl explain pods).\nSee 'kubectl get -h' for help and examples", verbatim=True)
    output = flags.get("output", "") or ""
    template = _template_printer(output)
    if template is not None:
        output = template[0]
    elif output not in OUTPUTS:
        raise CommandError(f'unable to match a printer suitable for the output format "{output}", allowed formats '
                           "are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
                           "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")
    requests = resolve_resources(flags.args)
    if any(r.rt.kind == "Endpoints" for r in requests):
        result.error(ENDPOINTS_DEPRECATED)
    all_ns = flags.has("all-namespaces")
    namespace = None if all_ns else k.namespace_of(flags)
    try:
        selector = parse_label_selector(flags.get("selector"))
    except SelectorError as e:
        raise CommandError(str(e)) from None
    field_selector = flags.get("field-selector")
    multi = len(requests) > 1 or flags.args[0] == "all"
    named = any(r.names for r in requests)
    found: list[tuple[str, list[Obj]]] = []
    missing: list[str] = []
    for req in requests:
        ns = namespace if req.rt.namespaced else None
        if req.names:
            objs = []
            for name in req.names:
                obj = k.store.try_get(req.rt.kind, name, ns or k.namespace_of(flags))
                if obj is None:
                    missing.append(str(errors.not_found(req.rt.resource, name).kubectl_text()))
                elif selector.matches(obj["metadata"].get("labels") or {}):
                    objs.append(obj)
        else:
            try:
                objs = k.store.list(req.rt.kind, ns, selector, field_selector)
            except errors.ApiError as e:
                raise CommandError(e.kubectl_text(), verbatim=True) from None
        if objs:
            found.append((req.rt.kind, objs))
    single = named and len(requests) == 1 and len(requests[0].names) == 1
    sort_by = flags.get("sort-by") or ""
    if output in ("yaml", "json", "name", "jsonpath", "custom-columns"):
        items = [o for _, objs in found for o in objs]
        if sort_by and not (single and len(items) == 1):
            items = _sorted(items, sort_by)
        doc = items[0] if single and len(items) == 1 else list_wrapper(items)
        if output == "name":
            result.write("".join(name_line(o) + "\n" for o in items))
        elif items or not missing:
            if output == "jsonpath":
                try:
                    result.write(execute_template(template[1], doc, output_json=template[2]))
                except JSONPathError as e:
                    raise CommandError(str(e)) from None
            elif output == "custom-columns":
                rows = custom_column_rows(template[1], items, no_headers=flags.has("no-headers"))
                result.write(tabulate(rows))
            else:
                result.write(to_yaml(doc) if output == "yaml" else to_json(doc))
    else:
        if sort_by:
            found = [(kind, _sorted(objs, sort_by)) for kind, objs in found]
        tables = []
        for kind, objs in found:
            tables.append(print_table(
                kind, objs, k.now(), wide=output == "wide", all_namespaces=all_ns,
                show_labels=flags.has("show-labels"), with_kind=multi, no_headers=flags.has("no-headers"),
                label_columns=[lc for v in flags.all("label-columns") for lc in v.split(",") if lc],
            ))
        result.write("\n".join(tables))
        if not found and not missing:
            cluster_scoped = all(not r.rt.namespaced for r in requests)
            result.error(no_resources(None if all_ns or cluster_scoped else namespace))
    for line in missing:
        result.error(line)
    if missing:
        result.code = 1


def _template_printer(output: str) -> tuple[str, object, bool] | None:
    """``jsonpath[-as-json|-file]=T`` and ``custom-columns[-file]=SPEC``: (kind, template or columns, as_json)."""
    for fmt in ("jsonpath", "jsonpath-as-json", "jsonpath-file"):
        if output == fmt or output.startswith(fmt + "="):
            value = output[len(fmt) + 1:]
            if not value:
                raise CommandError("template format specified but no template given")
            if fmt == "jsonpath-file":
                try:
                    with open(value, encoding="utf-8") as fh:
                        value = fh.read()
                except OSError as e:
                    raise CommandError(f"error reading --template {value}, open {value}: "
                                       f"{(e.strerror or '').lower()}") from None
            try:
                execute_template(value, {})
            except JSONPathError as e:
                if str(e).startswith("error parsing"):
                    raise CommandError(str(e)) from None
            return "jsonpath", value, fmt == "jsonpath-as-json"
    for fmt in ("custom-columns", "custom-columns-file"):
        if output.startswith(fmt + "=") and len(output) > len(fmt) + 1:
            spec = output[len(fmt) + 1:]
            try:
                if fmt == "custom-columns-file":
                    return "custom-columns", _columns_from_file(spec), False
                return "custom-columns", parse_custom_columns(spec), False
            except JSONPathError as e:
                raise CommandError(str(e)) from None
    return None


def _columns_from_file(path: str) -> list[tuple[str, str]]:
    from k9play.kubectl.jsonpath import relaxed_jsonpath

    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError as e:
        raise CommandError(f"error reading template {path}, open {path}: {(e.strerror or '').lower()}") from None
    if not lines:
        raise JSONPathError("invalid template, missing header line. Expected format is one line of space separated "
                            "headers, one line of space separated column specs.")
    if len(lines) < 2:
        raise JSONPathError("invalid template, missing spec line. Expected format is one line of space separated "
                            "headers, one line of space separated column specs.")
    headers, specs = lines[0].split(), lines[1].split()
    if len(headers) != len(specs):
        raise JSONPathError(f"number of headers ({len(headers)}) and field specifications ({len(specs)}) don't match")
    return [(h, relaxed_jsonpath(s)) for h, s in zip(headers, specs, strict=True)]


def _sorted(objs: list[Obj], sort_by: str) -> list[Obj]:
    try:
        return sort_objects(objs, sort_by)
    except JSONPathError as e:
        raise CommandError(str(e)) from None


def _run_files(k: Kubectl, flags: Flags, result: Result) -> None:
    """``get -f PATH``: the objects the files define, each looked up where the file puts it."""
    from k9play.kubectl.apply import load_documents, mapping_error_text, request_namespace

    docs, problems = load_documents(flags, "get")
    found: dict[str, list[Obj]] = {}
    for doc in docs:
        try:
            rt = resources.for_object(doc.obj.get("apiVersion", ""), doc.kind)
            ns = request_namespace(k, flags, doc) if rt.namespaced else None
        except errors.NoKindMatchError as e:
            problems.append(mapping_error_text(doc, e))
            continue
        except CommandError as e:
            problems.append(e.text())
            continue
        obj = k.store.try_get(rt.kind, doc.name, ns)
        if obj is None:
            problems.append(errors.not_found(rt.resource, doc.name).kubectl_text())
        else:
            found.setdefault(rt.kind, []).append(obj)
    output = flags.get("output", "") or ""
    items = [o for objs in found.values() for o in objs]
    if output in ("yaml", "json") and items:
        doc_out = items[0] if len(items) == 1 else list_wrapper(items)
        result.write(to_yaml(doc_out) if output == "yaml" else to_json(doc_out))
    elif output == "name":
        result.write("".join(name_line(o) + "\n" for o in items))
    elif items:
        result.write("\n".join(print_table(kind, objs, k.now(), wide=output == "wide", with_kind=len(found) > 1,
                                            show_labels=flags.has("show-labels"), no_headers=flags.has("no-headers"))
                               for kind, objs in found.items()))
    for line in problems:
        result.error(line)
    if problems:
        result.code = 1
