"""``kubectl describe`` for core kinds without pods in them — Namespace, Service, ConfigMap,
Secret, ServiceAccount — and the generic describer every other kind falls back to
(kubectl v1.34's ``describeNamespace``, ``describeService``, ``ConfigMapDescriber``,
``describeSecret``, ``describeServiceAccount`` and ``genericDescriber``)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from k9play.api.meta import Obj, annotations_of, labels_of, name_of, namespace_of, uid_of
from k9play.api.store import ObjectStore
from k9play.kubectl.describe_util import (
    LEVEL_0,
    LEVEL_1,
    PrefixWriter,
    describe_events,
    format_labels,
    go_value,
    print_annotations_multiline,
    print_labels_multiline,
    quantity_string,
    rfc1123z,
)

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


# ----------------------------------------------------------------- namespace
def describe_namespace(store: ObjectStore, ns: Obj) -> str:
    """Namespaces have no Events section; their quotas and limit ranges follow the status."""
    name = name_of(ns)
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name}\n")
    print_labels_multiline(w, "Labels", labels_of(ns))
    print_annotations_multiline(w, "Annotations", annotations_of(ns))
    status = ns.get("status") or {}
    w.write(LEVEL_0, f"Status:\t{status.get('phase', '')}\n")
    if status.get("conditions"):
        w.write(LEVEL_0, "Conditions:\n")
        w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(LEVEL_1, f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}"
                             f"\t{c.get('reason', '')}\t{c.get('message', '')}\n")
    w.write(LEVEL_0, "\n")
    _resource_quotas(w, store.list("ResourceQuota", name))
    w.write(LEVEL_0, "\n")
    _limit_ranges(w, store.list("LimitRange", name))
    return w.render()


_QUOTA_SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan on a node "
                   "before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long "
                      "running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best effort "
                  "quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have a "
                     "burstable or guaranteed quality of service.",
}


def _resource_quotas(w: PrefixWriter, quotas: list[Obj]) -> None:
    """``DescribeResourceQuotas``."""
    if not quotas:
        w.write(LEVEL_0, "No resource quota.\n")
        return
    w.write(LEVEL_0, "Resource Quotas\n")
    for q in sorted(quotas, key=name_of):
        w.write(LEVEL_1, f"Name:\t{name_of(q)}\n")
        scopes = sorted((q.get("spec") or {}).get("scopes") or [])
        if scopes:
            w.write(LEVEL_1, f"Scopes:\t{', '.join(scopes)}\n")
            for scope in scopes:
                if scope in _QUOTA_SCOPE_HELP:
                    w.write(LEVEL_1, f"* {_QUOTA_SCOPE_HELP[scope]}\n")
        w.write(LEVEL_1, "Resource\tUsed\tHard\n")
        w.write(LEVEL_1, "--------\t---\t---\n")
        status = q.get("status") or {}
        hard, used = status.get("hard") or {}, status.get("used") or {}
        for res in sorted(hard):
            w.write(LEVEL_1, f"{res}\t{quantity_string(used.get(res, 0))}\t{quantity_string(hard[res])}\n")


def _limit_ranges(w: PrefixWriter, ranges: list[Obj]) -> None:
    """``DescribeLimitRanges`` (resources in name order where Go iterates a map)."""
    if not ranges:
        w.write(LEVEL_0, "No LimitRange resource.\n")
        return
    w.write(LEVEL_0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\t"
                     "Max Limit/Request Ratio\n")
    w.write(LEVEL_0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    for lr in ranges:
        for item in (lr.get("spec") or {}).get("limits") or []:
            fields = [item.get(k) or {} for k in ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")]
            for res in sorted(set().union(*fields)):
                values = "\t".join(quantity_string(f[res]) if res in f else "-" for f in fields)
                w.write(LEVEL_0, f" {item.get('type', '')}\t{res}\t{values}\n")


# ------------------------------------------------------------------- service
def describe_service(store: ObjectStore, svc: Obj, events: list[Obj], now: float) -> str:
    spec, status = svc.get("spec") or {}, svc.get("status") or {}
    slices = [s for s in store.list("EndpointSlice", namespace_of(svc))
              if labels_of(s).get(SERVICE_NAME_LABEL) == name_of(svc)]
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(svc)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(svc)}\n")
    print_labels_multiline(w, "Labels", labels_of(svc))
    print_annotations_multiline(w, "Annotations", annotations_of(svc))
    w.write(LEVEL_0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(LEVEL_0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy") is not None:
        w.write(LEVEL_0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(LEVEL_0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(LEVEL_0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(LEVEL_0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(LEVEL_0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(LEVEL_0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(LEVEL_0, f"External Name:\t{spec['externalName']}\n")
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        w.write(LEVEL_0, f"LoadBalancer Ingress:\t{_ingress(ingress)}\n")
    for p in spec.get("ports") or []:
        name, proto = p.get("name") or "<unset>", p.get("protocol", "")
        w.write(LEVEL_0, f"Port:\t{name}\t{p.get('port', 0)}/{proto}\n")
        w.write(LEVEL_0, f"TargetPort:\t{p.get('targetPort', p.get('port', 0))}/{proto}\n")
        if p.get("appProtocol") is not None:
            w.write(LEVEL_0, f"AppProtocol:\t{p['appProtocol']}\n")
        if p.get("nodePort"):
            w.write(LEVEL_0, f"NodePort:\t{name}\t{p['nodePort']}/{proto}\n")
        w.write(LEVEL_0, f"Endpoints:\t{format_endpoint_slices(slices, p.get('name') or '')}\n")
    w.write(LEVEL_0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(LEVEL_0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy") is not None:
        w.write(LEVEL_0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(LEVEL_0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(LEVEL_0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if spec.get("trafficDistribution") is not None:
        w.write(LEVEL_0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
    describe_events(w, events, now)
    return w.render()


def _ingress(ingress: list[Obj]) -> str:
    """``buildIngressString``."""
    out = []
    for i in ingress:
        if i.get("ip"):
            out.append(i["ip"] + (f" ({i['ipMode']})" if i.get("ipMode") else ""))
        else:
            out.append(i.get("hostname", ""))
    return ", ".join(out)


def _host_port(host: str, port: Any) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_endpoint_slices(slices: list[Obj], port_name: str) -> str:
    """``formatEndpointSlices``: up to three ready ``ip:port`` pairs, then ``+ N more...``."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    limit, more, count = 3, False, 0
    for s in slices:
        endpoints = s.get("endpoints") or []
        if not s.get("ports"):
            targets = [(ep, None) for ep in endpoints]
        else:
            targets = [(ep, port) for port in s["ports"] if (port.get("name") or "") == port_name for ep in endpoints]
        for ep, port in targets:
            if len(shown) == limit:
                more = True
            if (ep.get("conditions") or {}).get("ready") is False:
                continue
            if not more:
                addr = (ep.get("addresses") or [""])[0]
                shown.append(addr if port is None else _host_port(addr, port.get("port", 0)))
            count += 1
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if more else text


# ------------------------------------------------------- config and secrets
def _decoded_len(value: Any) -> int:
    try:
        return len(base64.b64decode(str(value), validate=True))
    except (binascii.Error, ValueError):
        return len(str(value).encode())


def describe_config_map(cm: Obj, events: list[Obj], now: float) -> str:
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(cm)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(cm)}\n")
    print_labels_multiline(w, "Labels", labels_of(cm))
    print_annotations_multiline(w, "Annotations", annotations_of(cm))
    w.write(LEVEL_0, "\nData\n====\n")
    data = cm.get("data") or {}
    for key in sorted(data):
        w.write(LEVEL_0, f"{key}:\n----\n")
        w.write(LEVEL_0, f"{data[key]}\n")
        w.write(LEVEL_0, "\n")
    w.write(LEVEL_0, "\nBinaryData\n====\n")
    binary = cm.get("binaryData") or {}
    for key in sorted(binary):
        w.write(LEVEL_0, f"{key}: {_decoded_len(binary[key])} bytes\n")
    w.write(LEVEL_0, "\n")
    describe_events(w, events, now)
    return w.render()


def describe_secret(secret: Obj) -> str:
    """Secrets show sizes only (and a service account token in the clear, as kubectl does)."""
    stype = secret.get("type", "")
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(secret)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(secret)}\n")
    print_labels_multiline(w, "Labels", labels_of(secret))
    print_annotations_multiline(w, "Annotations", annotations_of(secret))
    w.write(LEVEL_0, f"\nType:\t{stype}\n")
    w.write(LEVEL_0, "\nData\n====\n")
    data: dict[str, tuple[int, str]] = {}
    for key, value in (secret.get("data") or {}).items():
        try:
            raw = base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            raw = str(value).encode()
        data[key] = (len(raw), raw.decode(errors="replace"))
    for key, value in (secret.get("stringData") or {}).items():
        data[key] = (len(str(value).encode()), str(value))
    for key in sorted(data):
        size, text = data[key]
        if key == "token" and stype == "kubernetes.io/service-account-token":
            w.write(LEVEL_0, f"{key}:\t{text}\n")
        else:
            w.write(LEVEL_0, f"{key}:\t{size} bytes\n")
    return w.render()


def describe_service_account(store: ObjectStore, sa: Obj, events: list[Obj], now: float) -> str:
    """Image pull secrets, mountable secrets and legacy token Secrets, ``(not found)`` when missing."""
    secrets = store.list("Secret", namespace_of(sa))
    existing = {name_of(s) for s in secrets}
    tokens = [name_of(s) for s in secrets if s.get("type") == "kubernetes.io/service-account-token"
              and annotations_of(s).get("kubernetes.io/service-account.name") == name_of(sa)
              and annotations_of(s).get("kubernetes.io/service-account.uid", "") == uid_of(sa)]
    groups = (
        ("Image pull secrets:", [s.get("name", "") for s in sa.get("imagePullSecrets") or []]),
        ("Mountable secrets: ", [s.get("name", "") for s in sa.get("secrets") or []]),
        ("Tokens:            ", tokens),
    )
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(sa)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(sa)}\n")
    print_labels_multiline(w, "Labels", labels_of(sa))
    print_annotations_multiline(w, "Annotations", annotations_of(sa))
    for header, names in groups:
        if not names:
            w.write(LEVEL_0, f"{header}\t<none>\n")
            continue
        prefix = header
        for name in names:
            w.write(LEVEL_0, f"{prefix}\t{name}{'' if name in existing else ' (not found)'}\n")
            prefix = " " * 19
    describe_events(w, events, now)
    return w.render()


# ------------------------------------------------------------------- generic
_GENERIC_SKIP = (".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels",
                 ".metadata.annotations")
_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def describe_generic(obj: Obj, events: list[Obj], now: float) -> str:
    """``genericDescriber``: metadata, then every other field as nested ``Key:  value`` blocks."""
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(obj)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(obj)}\n")
    print_labels_multiline(w, "Labels", labels_of(obj))
    print_annotations_multiline(w, "Annotations", annotations_of(obj))
    _print_unstructured(w, LEVEL_0, obj, "")
    describe_events(w, events, now)
    return w.render()


def _print_unstructured(w: PrefixWriter, level: int, content: dict[str, Any], prefix: str) -> None:
    for field in sorted(content):
        value = content[field]
        path = f"{prefix}.{field}"
        if path in _GENERIC_SKIP:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(field)}:\n")
            _print_unstructured(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, dict):
                    _print_unstructured(w, level + 1, child, path)
                else:
                    w.write(level + 1, f"{go_value(child)}\n")
        else:
            w.write(level, f"{smart_label(field)}:\t{go_value(value)}\n")


def smart_label(field: str) -> str:
    """``smartLabelFor``: ``apiVersion`` → ``API Version``; names with other symbols stay as they are."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = []
    for part in camelcase_split(field):
        if part == "_":
            continue
        if part.upper() in _ACRONYMS:
            part = part.upper()
        elif part[:1].isalpha():
            part = part[:1].upper() + part[1:]
        parts.append(part)
    return " ".join(parts)


def _char_class(ch: str) -> int:
    if ch.islower():
        return 1
    if ch.isupper():
        return 2
    if ch.isdigit():
        return 3
    return 4


def camelcase_split(text: str) -> list[str]:
    """``github.com/fatih/camelcase.Split``: runs of one character class, with ``PDFLoader``
    split as ``PDF`` + ``Loader``."""
    runs: list[list[str]] = []
    last = 0
    for ch in text:
        cls = _char_class(ch)
        if runs and cls == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i] and runs[i][0].isupper() and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]
