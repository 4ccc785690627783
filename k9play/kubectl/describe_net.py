"""``kubectl describe`` for Endpoints, EndpointSlices, Ingresses, IngressClasses and
NetworkPolicies (kubectl v1.34's ``describeEndpoints``, ``describeEndpointSliceV1``,
``describeIngressV1``, ``describeIngressClassV1`` and ``describeNetworkPolicy``).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from k9play.api import errors
from k9play.api.meta import Obj, annotations_of, labels_of, name_of, namespace_of, parse_time
from k9play.api.store import ObjectStore
from k9play.kubectl.describe_core import SERVICE_NAME_LABEL, format_endpoint_slices
from k9play.kubectl.describe_util import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    PrefixWriter,
    describe_events,
    go_bool,
    print_annotations_multiline,
    print_labels_multiline,
    selector_string,
)


def format_label_selector(spec: Obj | None) -> str:
    """``metav1.FormatLabelSelector``: ``<none>`` for a nil or empty selector."""
    return selector_string(spec) or "<none>"


def go_time_string(timestamp: str | None) -> str:
    """``time.Time.String()`` of a ``metav1.Time`` in UTC: ``2026-01-01 00:00:00 +0000 UTC``."""
    if not timestamp:
        return "0001-01-01 00:00:00 +0000 UTC"
    t = _dt.datetime.fromtimestamp(int(parse_time(timestamp)), _dt.UTC)
    return f"{t.year:04d}-{t:%m-%d %H:%M:%S} +0000 UTC"


# ---------------------------------------------------------------- endpoints
def describe_endpoints(store: ObjectStore, ep: Obj, events: list[Obj], now: float) -> str:
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(ep)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(ep)}\n")
    print_labels_multiline(w, "Labels", labels_of(ep))
    print_annotations_multiline(w, "Annotations", annotations_of(ep))
    w.write(LEVEL_0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or [])
        not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or [])
        w.write(LEVEL_1, f"Addresses:\t{ready or '<none>'}\n")
        w.write(LEVEL_1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        ports = subset.get("ports") or []
        if ports:
            w.write(LEVEL_1, "Ports:\n")
            w.write(LEVEL_2, "Name\tPort\tProtocol\n")
            w.write(LEVEL_2, "----\t----\t--------\n")
            for p in ports:
                w.write(LEVEL_2, f"{p.get('name') or '<unset>'}\t{int(p.get('port') or 0)}\t{p.get('protocol', '')}\n")
        w.write(LEVEL_0, "\n")
    describe_events(w, events, now)
    return w.render()


def describe_endpoint_slice(store: ObjectStore, eps: Obj, events: list[Obj], now: float) -> str:
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(eps)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(eps)}\n")
    print_labels_multiline(w, "Labels", labels_of(eps))
    print_annotations_multiline(w, "Annotations", annotations_of(eps))
    w.write(LEVEL_0, f"AddressType:\t{eps.get('addressType', '')}\n")
    ports = eps.get("ports") or []
    if not ports:
        w.write(LEVEL_0, "Ports: <unset>\n")
    else:
        w.write(LEVEL_0, "Ports:\n")
        w.write(LEVEL_1, "Name\tPort\tProtocol\n")
        w.write(LEVEL_1, "----\t----\t--------\n")
        for p in ports:
            number = "<unset>" if p.get("port") is None else str(int(p["port"]))
            # the apiserver defaults a port's protocol to TCP
            w.write(LEVEL_1, f"{p.get('name') or '<unset>'}\t{number}\t{p.get('protocol') or 'TCP'}\n")
    endpoints = eps.get("endpoints") or []
    if not endpoints:
        w.write(LEVEL_0, "Endpoints: <none>\n")
    else:
        w.write(LEVEL_0, "Endpoints:\n")
        for ep in endpoints:
            w.write(LEVEL_1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
            w.write(LEVEL_2, "Conditions:\n")
            ready = (ep.get("conditions") or {}).get("ready")
            w.write(LEVEL_3, f"Ready:\t{'<unset>' if ready is None else go_bool(ready)}\n")
            w.write(LEVEL_2, f"Hostname:\t{_unset(ep.get('hostname'))}\n")
            ref = ep.get("targetRef")
            if ref is not None:
                w.write(LEVEL_2, f"TargetRef:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
            w.write(LEVEL_2, f"NodeName:\t{_unset(ep.get('nodeName'))}\n")
            w.write(LEVEL_2, f"Zone:\t{_unset(ep.get('zone'))}\n")
    describe_events(w, events, now)
    return w.render()


def _unset(value: Any) -> str:
    return "<unset>" if value is None else str(value)


# ------------------------------------------------------------------ ingress
def describe_ingress(store: ObjectStore, ing: Obj, events: list[Obj], now: float) -> str:
    spec = ing.get("spec") or {}
    ns = namespace_of(ing)
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(ing)}\n")
    print_labels_multiline(w, "Labels", labels_of(ing))
    w.write(LEVEL_0, f"Namespace:\t{ns}\n")
    w.write(LEVEL_0, f"Address:\t{_ingress_address(ing)}\n")
    class_name = spec.get("ingressClassName")
    w.write(LEVEL_0, f"Ingress Class:\t{'<none>' if class_name is None else class_name}\n")
    default = spec.get("defaultBackend")
    default_text = "<default>" if default is None else _backend(store, ns, default)
    w.write(LEVEL_0, f"Default backend:\t{default_text}\n")
    tls = spec.get("tls") or []
    if tls:
        w.write(LEVEL_0, "TLS:\n")
        for t in tls:
            hosts = ",".join(t.get("hosts") or [])
            if t.get("secretName"):
                w.write(LEVEL_1, f"{t['secretName']} terminates {hosts}\n")
            else:
                w.write(LEVEL_1, f"SNI routes {hosts}\n")
    w.write(LEVEL_0, "Rules:\n  Host\tPath\tBackends\n")
    w.write(LEVEL_1, "----\t----\t--------\n")
    count = 0
    for rule in spec.get("rules") or []:
        http = rule.get("http")
        if http is None:
            continue
        count += 1
        w.write(LEVEL_1, f"{rule.get('host') or '*'}\t\n")
        for path in http.get("paths") or []:
            w.write(LEVEL_2, f"\t{path.get('path', '')} \t{_backend(store, ns, path.get('backend') or {})}\n")
    if count == 0:
        w.write(LEVEL_1, f"*\t*\t{default_text}\n")
    print_annotations_multiline(w, "Annotations", annotations_of(ing))
    describe_events(w, events, now)
    return w.render()


def _ingress_address(ing: Obj) -> str:
    """``ingressLoadBalancerStatusStringerV1`` (wide): the distinct IPs/hostnames, sorted."""
    seen = set()
    for entry in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
        if entry.get("ip"):
            seen.add(entry["ip"])
        elif entry.get("hostname"):
            seen.add(entry["hostname"])
    return ",".join(sorted(seen))


def _backend(store: ObjectStore, ns: str, backend: Obj) -> str:
    """``describeBackendV1``: ``svc:port (endpoints)`` or the resource reference."""
    service = backend.get("service")
    if service is not None:
        port = service.get("port") or {}
        number, port_name = int(port.get("number") or 0), port.get("name") or ""
        text = f"{service.get('name', '')}:{number if number else port_name}"
        slices = [s for s in store.list("EndpointSlice", ns)
                  if labels_of(s).get(SERVICE_NAME_LABEL) == service.get("name")]
        svc = store.try_get("Service", service.get("name", ""), ns)
        if svc is None:
            return f"{text} (<error: {errors.not_found('services', service.get('name', ''))}>)"
        sp_name = ""
        for sp in (svc.get("spec") or {}).get("ports") or []:
            if number and number == sp.get("port"):
                sp_name = sp.get("name") or ""
            elif port_name and port_name == (sp.get("name") or ""):
                sp_name = sp.get("name") or ""
        return f"{text} ({format_endpoint_slices(slices, sp_name)})"
    resource = backend.get("resource")
    if resource is not None:
        group = resource.get("apiGroup")
        return (f"APIGroup: {'<none>' if group is None else group}, Kind: {resource.get('kind', '')}, "
                f"Name: {resource.get('name', '')}")
    return ""


def describe_ingress_class(store: ObjectStore, ic: Obj, events: list[Obj], now: float) -> str:
    spec = ic.get("spec") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(ic)}\n")
    print_labels_multiline(w, "Labels", labels_of(ic))
    print_annotations_multiline(w, "Annotations", annotations_of(ic))
    w.write(LEVEL_0, f"Controller:\t{spec.get('controller', '')}\n")
    params = spec.get("parameters")
    if params is not None:
        w.write(LEVEL_0, "Parameters:\n")
        if params.get("apiGroup") is not None:
            w.write(LEVEL_1, f"APIGroup:\t{params['apiGroup']}\n")
        w.write(LEVEL_1, f"Kind:\t{params.get('kind', '')}\n")
        w.write(LEVEL_1, f"Name:\t{params.get('name', '')}\n")
    describe_events(w, events, now)
    return w.render()


# ------------------------------------------------------------ networkpolicy
def describe_network_policy(store: ObjectStore, np: Obj, events: list[Obj], now: float) -> str:
    """NetworkPolicies have no Events section."""
    spec = np.get("spec") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(np)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(np)}\n")
    w.write(LEVEL_0, f"Created on:\t{go_time_string((np.get('metadata') or {}).get('creationTimestamp'))}\n")
    print_labels_multiline(w, "Labels", labels_of(np))
    print_annotations_multiline(w, "Annotations", annotations_of(np))
    w.write(LEVEL_0, "Spec:\n")
    w.write(LEVEL_1, "PodSelector: ")
    pod_selector = spec.get("podSelector") or {}
    if not pod_selector.get("matchLabels") and not pod_selector.get("matchExpressions"):
        w.write(LEVEL_2, "<none> (Allowing the specific traffic to all pods in this namespace)\n")
    else:
        w.write(LEVEL_2, f"{format_label_selector(pod_selector)}\n")
    types = spec.get("policyTypes") or []
    if "Ingress" in types:
        w.write(LEVEL_1, "Allowing ingress traffic:\n")
        _rules(w, spec.get("ingress") or [], "from", "From", "source", "ingress")
    else:
        w.write(LEVEL_1, "Not affecting ingress traffic\n")
    if "Egress" in types:
        w.write(LEVEL_1, "Allowing egress traffic:\n")
        _rules(w, spec.get("egress") or [], "to", "To", "destination", "egress")
    else:
        w.write(LEVEL_1, "Not affecting egress traffic\n")
    w.write(LEVEL_1, f"Policy Types: {', '.join(types) or '<none>'}\n")
    return w.render()


def _rules(w: PrefixWriter, rules: list[Obj], key: str, title: str, what: str, direction: str) -> None:
    """``printNetworkPolicySpecIngressFrom``/``printNetworkPolicySpecEgressTo``."""
    indent = "    "
    if not rules:
        w.write(LEVEL_0, f"{indent}<none> (Selected pods are isolated for {direction} connectivity)\n")
        return
    for i, rule in enumerate(rules):
        ports = rule.get("ports") or []
        if not ports:
            w.write(LEVEL_0, f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        for port in ports:
            proto = port.get("protocol") or "TCP"
            number = "<nil>" if port.get("port") is None else str(port["port"])
            if port.get("endPort") is None:
                w.write(LEVEL_0, f"{indent}To Port: {number}/{proto}\n")
            else:
                w.write(LEVEL_0, f"{indent}To Port Range: {number}-{int(port['endPort'])}/{proto}\n")
        peers = rule.get(key) or []
        if not peers:
            w.write(LEVEL_0, f"{indent}{title}: <any> (traffic not restricted by {what})\n")
        for peer in peers:
            w.write(LEVEL_0, f"{indent}{title}:\n")
            pods, namespaces, block = peer.get("podSelector"), peer.get("namespaceSelector"), peer.get("ipBlock")
            if pods is not None and namespaces is not None:
                w.write(LEVEL_1, f"{indent}NamespaceSelector: {format_label_selector(namespaces)}\n")
                w.write(LEVEL_1, f"{indent}PodSelector: {format_label_selector(pods)}\n")
            elif pods is not None:
                w.write(LEVEL_1, f"{indent}PodSelector: {format_label_selector(pods)}\n")
            elif namespaces is not None:
                w.write(LEVEL_1, f"{indent}NamespaceSelector: {format_label_selector(namespaces)}\n")
            elif block is not None:
                w.write(LEVEL_1, f"{indent}IPBlock:\n")
                w.write(LEVEL_2, f"{indent}CIDR: {block.get('cidr', '')}\n")
                w.write(LEVEL_2, f"{indent}Except: {', '.join(block.get('except') or [])}\n")
        if i != len(rules) - 1:
            w.write(LEVEL_0, f"{indent}----------\n")
