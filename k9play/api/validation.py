"""Semantic validation with the apiserver's messages (``pkg/apis/*/validation``).

The JSON schema catches unknown fields and wrong types; this module checks what a schema
cannot: names, label syntax, required values, selector/template agreement, immutable
fields. Every problem is a :class:`~k9play.api.errors.Cause` naming its field path.
"""

from __future__ import annotations

import json
import re
from typing import Any

from k9play.api.errors import Cause
from k9play.api.quantity import QuantityError, parse_quantity
from k9play.api.selectors import (
    SelectorError,
    label_key_errors,
    label_value_errors,
    selector_from_labels,
    selector_from_spec,
)
from k9play.api.validation_ingress import validate_ingress

Obj = dict[str, Any]

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")

SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)

#: Kinds whose names must be RFC 1123 labels (no dots) or DNS-1035 labels.
_LABEL_NAMED = frozenset({"Namespace", "StatefulSet", "CronJob"})  # apps ValidateDeploymentName: subdomain
_DNS1035_NAMED = frozenset({"Service"})


def go_repr(value: Any) -> str:
    """Render a value the way Go's ``%#v``/``%v`` shows it in apiserver messages."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        inner = ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(value.items()))
        return f"map[string]string{{{inner}}}"
    return str(value)


def _invalid(field: str, value: Any, detail: str) -> Cause:
    return Cause(field, f"Invalid value: {go_repr(value)}: {detail}", "FieldValueInvalid")


def _required(field: str) -> Cause:
    return Cause(field, "Required value", "FieldValueRequired")


def _unsupported(field: str, value: Any, supported: list[str]) -> Cause:
    opts = ", ".join(json.dumps(s) for s in supported)
    return Cause(field, f"Unsupported value: {go_repr(value)}: supported values: {opts}", "FieldValueNotSupported")


def validate_metadata(kind: str, obj: Obj) -> list[Cause]:
    causes: list[Cause] = []
    md = obj.get("metadata") or {}
    name = md.get("name", "")
    if name:
        if kind in _DNS1035_NAMED:
            if len(name) > 63 or not _DNS1035_LABEL.match(name):
                causes.append(_invalid("metadata.name", name, DNS1035_MSG))
        elif kind in _LABEL_NAMED:
            if len(name) > 63 or not _DNS1123_LABEL.match(name):
                causes.append(_invalid("metadata.name", name, LABEL_MSG))
        elif kind not in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding") and (
            len(name) > 253 or not _DNS1123_SUBDOMAIN.match(name)
        ):
            causes.append(_invalid("metadata.name", name, SUBDOMAIN_MSG))
    causes += validate_labels(md.get("labels"), "metadata.labels")
    for key in (md.get("annotations") or {}):
        errs = label_key_errors(key)
        if errs:
            causes.append(_invalid("metadata.annotations", key, errs[0]))
    return causes


def validate_labels(labels: Any, field: str) -> list[Cause]:
    causes: list[Cause] = []
    if not isinstance(labels, dict):
        return causes
    for k, v in labels.items():
        for e in label_key_errors(str(k)):
            causes.append(_invalid(field, k, e))
        for e in label_value_errors(str(v) if v is not None else ""):
            causes.append(_invalid(field, v, e))
    return causes


def _validate_resources(res: Any, field: str) -> list[Cause]:
    causes: list[Cause] = []
    if not isinstance(res, dict):
        return causes
    values: dict[str, dict[str, Any]] = {}
    for part in ("requests", "limits"):
        for rname, q in (res.get(part) or {}).items():
            try:
                values.setdefault(part, {})[rname] = parse_quantity(q)
            except (QuantityError, TypeError):
                causes.append(_invalid(f"{field}.{part}[{rname}]", q,
                                       "quantities must match the regular expression "
                                       "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"))
                continue
            if values[part][rname] < 0:
                causes.append(_invalid(f"{field}.{part}[{rname}]", q, "must be greater than or equal to 0"))
    for rname, req in values.get("requests", {}).items():
        lim = values.get("limits", {}).get(rname)
        if lim is not None and req > lim:
            causes.append(_invalid(f"{field}.requests", res["requests"][rname],
                                   f"must be less than or equal to {rname} limit of {res['limits'][rname]}"))
    return causes


def validate_container(c: Obj, field: str, seen: set[str]) -> list[Cause]:
    causes: list[Cause] = []
    name = c.get("name")
    if not name:
        causes.append(_required(f"{field}.name"))
    elif len(name) > 63 or not _DNS1123_LABEL.match(name):
        causes.append(_invalid(f"{field}.name", name, LABEL_MSG))
    elif name in seen:
        causes.append(Cause(f"{field}.name", f"Duplicate value: {json.dumps(name)}", "FieldValueDuplicate"))
    else:
        seen.add(name)
    image = c.get("image")
    if not image or not str(image).strip():
        causes.append(_required(f"{field}.image"))
    policy = c.get("imagePullPolicy")
    if policy and policy not in ("Always", "IfNotPresent", "Never"):
        causes.append(_unsupported(f"{field}.imagePullPolicy", policy, ["Always", "IfNotPresent", "Never"]))
    for i, p in enumerate(c.get("ports") or []):
        port = p.get("containerPort")
        if port is None:
            causes.append(_required(f"{field}.ports[{i}].containerPort"))
        elif not isinstance(port, int) or not 1 <= port <= 65535:
            causes.append(_invalid(f"{field}.ports[{i}].containerPort", port, "must be between 1 and 65535, inclusive"))
        proto = p.get("protocol")
        if proto and proto not in ("TCP", "UDP", "SCTP"):
            causes.append(_unsupported(f"{field}.ports[{i}].protocol", proto, ["SCTP", "TCP", "UDP"]))
    causes += _validate_resources(c.get("resources"), f"{field}.resources")
    return causes


def validate_pod_spec(spec: Any, field: str) -> list[Cause]:
    if not isinstance(spec, dict):
        return [_required(field)]
    causes: list[Cause] = []
    containers = spec.get("containers")
    if not containers:
        causes.append(_required(f"{field}.containers"))
    seen: set[str] = set()
    for i, c in enumerate(containers or []):
        causes += validate_container(c, f"{field}.containers[{i}]", seen)
    for i, c in enumerate(spec.get("initContainers") or []):
        causes += validate_container(c, f"{field}.initContainers[{i}]", seen)
    rp = spec.get("restartPolicy")
    if rp and rp not in ("Always", "OnFailure", "Never"):
        causes.append(_unsupported(f"{field}.restartPolicy", rp, ["Always", "OnFailure", "Never"]))
    vols: set[str] = set()
    for i, v in enumerate(spec.get("volumes") or []):
        vname = v.get("name")
        if not vname:
            causes.append(_required(f"{field}.volumes[{i}].name"))
        elif vname in vols:
            causes.append(Cause(f"{field}.volumes[{i}].name", f"Duplicate value: {json.dumps(vname)}",
                                "FieldValueDuplicate"))
        vols.add(vname or "")
    for key in ("containers", "initContainers"):
        for i, c in enumerate(spec.get(key) or []):
            for j, vm in enumerate(c.get("volumeMounts") or []):
                if vm.get("name") not in vols:
                    causes.append(Cause(f"{field}.{key}[{i}].volumeMounts[{j}].name",
                                        f"Not found: {json.dumps(vm.get('name'))}", "FieldValueNotFound"))
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace < 0:
        causes.append(_invalid(f"{field}.terminationGracePeriodSeconds", grace, "must be greater than or equal to 0"))
    return causes


def _validate_selected_template(obj: Obj, *, restart_always: bool, map_selector: bool = False,
                                pod_spec: bool = True) -> list[Cause]:
    causes: list[Cause] = []
    spec = obj.get("spec") or {}
    replicas = spec.get("replicas")
    if isinstance(replicas, int) and replicas < 0:
        causes.append(_invalid("spec.replicas", replicas, "must be greater than or equal to 0"))
    tmpl = spec.get("template")
    sel_spec = spec.get("selector")
    if not map_selector:
        if sel_spec is None:
            causes.append(_required("spec.selector"))
            return causes
        try:
            selector = selector_from_spec(sel_spec)
        except SelectorError as e:
            causes.append(_invalid("spec.selector", sel_spec, str(e)))
            return causes
        if selector.empty:
            causes.append(_invalid("spec.selector", sel_spec, "empty selector is invalid for deployment"))
    else:
        selector = selector_from_labels(sel_spec)
    if not isinstance(tmpl, dict):
        causes.append(_required("spec.template"))
        return causes
    tlabels = (tmpl.get("metadata") or {}).get("labels") or {}
    causes += validate_labels(tlabels, "spec.template.metadata.labels")
    if not selector.matches(tlabels):
        causes.append(_invalid("spec.template.metadata.labels", tlabels, "`selector` does not match template `labels`"))
    tspec = tmpl.get("spec") or {}
    if pod_spec:
        causes += validate_pod_spec(tspec, "spec.template.spec")
    rp = tspec.get("restartPolicy")
    if restart_always and rp and rp != "Always":
        causes.append(_unsupported("spec.template.spec.restartPolicy", rp, ["Always"]))
    return causes


def _int_or_percent(value: Any, field: str) -> list[Cause]:
    if isinstance(value, int):
        return [] if value >= 0 else [_invalid(field, value, "must be greater than or equal to 0")]
    if isinstance(value, str) and re.fullmatch(r"\d+%", value):
        return []
    return [_invalid(field, value, "a valid percent string must be a numeric string followed by an ending '%' "
                                   "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]


def validate_deployment(obj: Obj) -> list[Cause]:
    causes = _validate_selected_template(obj, restart_always=True)
    spec = obj.get("spec") or {}
    strategy = spec.get("strategy") or {}
    stype = strategy.get("type")
    if stype and stype not in ("RollingUpdate", "Recreate"):
        causes.append(_unsupported("spec.strategy.type", stype, ["Recreate", "RollingUpdate"]))
    if stype == "Recreate" and strategy.get("rollingUpdate"):
        causes.append(Cause("spec.strategy.rollingUpdate",
                            "Forbidden: may not be specified when strategy `type` is 'Recreate'",
                            "FieldValueForbidden"))
    ru = strategy.get("rollingUpdate") or {}
    if stype != "Recreate":
        causes += _int_or_percent(ru.get("maxSurge", "25%"), "spec.strategy.rollingUpdate.maxSurge")
        causes += _int_or_percent(ru.get("maxUnavailable", "25%"), "spec.strategy.rollingUpdate.maxUnavailable")
        if ru.get("maxSurge") in (0, "0%") and ru.get("maxUnavailable") in (0, "0%"):
            causes.append(_invalid("spec.strategy.rollingUpdate.maxUnavailable", ru.get("maxUnavailable"),
                                   "may not be 0 when `maxSurge` is 0"))
    return causes


def validate_pod(obj: Obj) -> list[Cause]:
    return validate_pod_spec(obj.get("spec"), "spec")


def validate_service(obj: Obj) -> list[Cause]:
    causes: list[Cause] = []
    spec = obj.get("spec") or {}
    stype = spec.get("type", "ClusterIP")
    if stype not in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"):
        causes.append(_unsupported("spec.type", stype, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]))
    ports = spec.get("ports") or []
    if not ports and stype != "ExternalName" and spec.get("clusterIP") != "None":
        causes.append(_required("spec.ports"))
    names: set[str] = set()
    for i, p in enumerate(ports):
        port = p.get("port", 0)  # Go's zero value when absent
        if not isinstance(port, int) or not 1 <= port <= 65535:
            causes.append(_invalid(f"spec.ports[{i}].port", port, "must be between 1 and 65535, inclusive"))
        if len(ports) > 1 and not p.get("name"):
            causes.append(_required(f"spec.ports[{i}].name"))
        if p.get("name"):
            if p["name"] in names:
                causes.append(Cause(f"spec.ports[{i}].name", f"Duplicate value: {json.dumps(p['name'])}",
                                    "FieldValueDuplicate"))
            names.add(p["name"])
    if stype == "ExternalName" and not spec.get("externalName"):
        causes.append(_required("spec.externalName"))
    return causes


def validate_namespace(obj: Obj) -> list[Cause]:
    return []


def _secret_key(key: str) -> str:
    return f"data[{key}]"


def validate_secret(obj: Obj) -> list[Cause]:
    """``ValidateSecret``: data keys, total size, and the keys each built-in type requires."""
    causes: list[Cause] = []
    data: dict[str, Any] = obj.get("data") or {}
    total = 0
    for key, value in data.items():
        if not _CONFIG_KEY.match(key) or len(key) > 253:
            causes.append(_invalid(_secret_key(key), key, CONFIG_KEY_MSG))
        total += len(_secret_bytes(value))
    if total > 1024 * 1024:
        causes.append(Cause("data", "Too long: must have at most 1048576 bytes", "FieldValueTooLong"))
    stype = obj.get("type") or "Opaque"
    anns = (obj.get("metadata") or {}).get("annotations") or {}
    if stype == "kubernetes.io/service-account-token":
        if not anns.get("kubernetes.io/service-account.name"):
            causes.append(_required("metadata.annotations[kubernetes.io/service-account.name]"))
    elif stype in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if stype == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key not in data:
            causes.append(_required(_secret_key(key)))
        else:
            try:
                if not isinstance(json.loads(_secret_bytes(data[key]) or b"null"), dict):
                    raise ValueError("json: cannot unmarshal into Go value of type map[string]interface {}")
            except ValueError as e:
                detail = str(e) if "Go value" in str(e) else "invalid character looking for beginning of value"
                causes.append(Cause(_secret_key(key), f"Invalid value: \"<secret contents redacted>\": {detail}",
                                    "FieldValueInvalid"))
    elif stype == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            causes += [_required(_secret_key("username")), _required(_secret_key("password"))]
    elif stype == "kubernetes.io/ssh-auth":
        if not _secret_bytes(data.get("ssh-privatekey", "")):
            causes.append(_required(_secret_key("ssh-privatekey")))
    elif stype == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                causes.append(_required(_secret_key(key)))
    return causes


def _secret_bytes(value: Any) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return str(value).encode()


_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or " \
                 "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"


VALIDATORS = {
    "Secret": validate_secret,
    "Pod": validate_pod,
    "Deployment": validate_deployment,
    "ReplicaSet": lambda o: _validate_selected_template(o, restart_always=True),
    "DaemonSet": lambda o: _validate_selected_template(o, restart_always=True),
    # ValidatePodTemplateSpecForStatefulSet skips the pod spec: mounts may name volumeClaimTemplates
    "StatefulSet": lambda o: _validate_selected_template(o, restart_always=True, pod_spec=False),
    "ReplicationController": lambda o: _validate_selected_template(o, restart_always=True, map_selector=True),
    "Service": validate_service,
    "Ingress": validate_ingress,
}

_IMMUTABLE_SELECTOR = frozenset({"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"})


def validate(kind: str, obj: Obj, old: Obj | None) -> list[Cause]:
    causes = validate_metadata(kind, obj)
    fn = VALIDATORS.get(kind)
    if fn is not None:
        causes += fn(obj)
    if old is not None:
        causes += validate_update(kind, obj, old)
    return causes


def validate_update(kind: str, obj: Obj, old: Obj) -> list[Cause]:
    causes: list[Cause] = []
    if kind in _IMMUTABLE_SELECTOR:
        new_sel = (obj.get("spec") or {}).get("selector")
        if new_sel != (old.get("spec") or {}).get("selector"):
            causes.append(Cause("spec.selector", f"Invalid value: {_go_selector(new_sel)}: field is immutable",
                                "FieldValueInvalid"))
    if kind == "Pod":
        causes += _validate_pod_update(obj, old)
    if kind == "Secret" and (obj.get("type") or "Opaque") != (old.get("type") or "Opaque"):
        causes.append(_invalid("type", obj.get("type") or "Opaque", "field is immutable"))
    if kind == "Service":
        old_ip = (old.get("spec") or {}).get("clusterIP")
        new_ip = (obj.get("spec") or {}).get("clusterIP")
        if old_ip and new_ip and old_ip != new_ip:
            causes.append(Cause("spec.clusterIPs[0]", f"Invalid value: []string{{{json.dumps(new_ip)}}}: "
                                "may not change once set", "FieldValueInvalid"))
    return causes


def _go_selector(sel: Any) -> str:
    labels = (sel or {}).get("matchLabels") or {}
    inner = ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(labels.items()))
    return (f"v1.LabelSelector{{MatchLabels:map[string]string{{{inner}}}, "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}")


_POD_MUTABLE = ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds", "schedulingGates")


def _validate_pod_update(new: Obj, old: Obj) -> list[Cause]:
    ns, os_ = dict(new.get("spec") or {}), dict(old.get("spec") or {})
    for key in _POD_MUTABLE:
        ns.pop(key, None)
        os_.pop(key, None)
    # nodeName is set through the binding subresource, never by an update
    if os_.get("nodeName") and not ns.get("nodeName"):
        ns["nodeName"] = os_["nodeName"]

    def strip_images(spec: dict[str, Any]) -> dict[str, Any]:
        out = dict(spec)
        for key in ("containers", "initContainers"):
            if key in out:
                out[key] = [{k: v for k, v in c.items() if k != "image"} for c in out[key]]
        return out

    if strip_images(ns) != strip_images(os_):
        return [Cause("spec", "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
                      "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions "
                      "to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
                      "was previously negative)", "FieldValueForbidden")]
    return []
