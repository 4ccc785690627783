"""``kubectl expose`` and ``kubectl create service`` (kubectl v1.34).

``expose`` (``pkg/cmd/expose/expose.go``): the new Service takes the exposed object's selector
(a Deployment's or ReplicaSet's ``matchLabels``, an RC's or Service's selector, a pod's
labels), its container ports when ``--port`` is not given (several become ``port-1``,
``port-2`` …), their protocols, and its labels; ``--target-port`` applies to every port,
otherwise it is the port itself. Prints ``service/NAME exposed``.

``create service clusterip|nodeport|loadbalancer|externalname NAME`` (``create_service.go``):
ports from ``--tcp=<port>:<targetPort>`` named ``<port>-<targetPort>``, label and selector
``app=NAME``; ``--clusterip``, ``--node-port``, ``--external-name``. Prints
``service/NAME created``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.meta import Obj
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_type
from k9play.kubectl.printers import to_json, to_yaml

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

EXPOSABLE = {"Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet"}
SERVICE_TYPES = {"clusterip": "ClusterIP", "nodeport": "NodePort", "loadbalancer": "LoadBalancer",
                 "externalname": "ExternalName"}
_PORT_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


# ------------------------------------------------------------------ expose
def expose(k: Kubectl, flags: Flags, result: Result) -> None:
    args = flags.args
    if len(args) == 1 and "/" in args[0]:
        args = args[0].split("/", 1)
    if len(args) != 2:
        raise CommandError("You must provide one or more resources by argument or filename.\nExample resource "
                           "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> "
                           "<name>'\n   '<resource>'", verbatim=True)
    rt = resolve_type(args[0])
    ns = k.namespace_of(flags)
    obj = k.store.try_get(rt.kind, args[1], ns if rt.namespaced else None)
    if obj is None:
        raise CommandError(errors.not_found(rt.resource, args[1]).kubectl_text(), verbatim=True)
    if rt.kind not in EXPOSABLE:
        raise CommandError(f"cannot expose a {rt.kind}{'.' + rt.group if rt.group else ''}")
    selector = flags.get("selector") or _selector_of(obj)
    port = flags.get("port")
    ports = [port] if port else _ports_of(obj)
    if not ports and flags.get("cluster-ip") != "None":
        raise CommandError("couldn't find port via --port flag or introspection")
    protocols = _protocols_of(obj)
    svc: Obj = {"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": flags.get("name") or obj["metadata"]["name"][:63], "namespace": ns},
                "spec": {"selector": _parse_labels(selector)}}
    labels = _parse_labels(flags.get("labels")) if flags.get("labels") else dict(obj["metadata"].get("labels") or {})
    if labels:
        svc["metadata"]["labels"] = labels
    spec_ports = []
    for i, p in enumerate(ports):
        if not p.isdigit():
            raise CommandError(f'strconv.Atoi: parsing "{p}": invalid syntax')
        name = f"port-{i + 1}" if len(ports) > 1 else ""
        protocol = flags.get("protocol") or (protocols.get(p, ["TCP"])[0] if len(protocols.get(p, [])) <= 1 else "")
        if not protocol:
            for proto in protocols[p]:
                spec_ports.append({"name": f"port-{i + 1}-{proto.lower()}", "port": int(p), "protocol": proto})
            continue
        entry: Obj = {"port": int(p), "protocol": protocol}
        if name:
            entry = {"name": name, **entry}
        spec_ports.append(entry)
    target = flags.get("target-port")
    for p in spec_ports:
        p["targetPort"] = (int(target) if target.isdigit() else target) if target else p["port"]
    if spec_ports:
        svc["spec"]["ports"] = spec_ports
    if flags.get("external-ip"):
        svc["spec"]["externalIPs"] = [flags.get("external-ip")]
    if flags.get("type"):
        svc["spec"]["type"] = flags.get("type")
    if svc["spec"].get("type") == "LoadBalancer" and flags.get("load-balancer-ip"):
        svc["spec"]["loadBalancerIP"] = flags.get("load-balancer-ip")
    affinity = flags.get("session-affinity")
    if affinity:
        if affinity not in ("None", "ClientIP"):
            raise CommandError(f"unknown session affinity: {affinity}")
        svc["spec"]["sessionAffinity"] = affinity
    if flags.get("cluster-ip"):
        svc["spec"]["clusterIP"] = flags.get("cluster-ip")
    _create(k, flags, result, svc, "exposed", prefix="")


def _selector_of(obj: Obj) -> str:
    """``MapBasedSelectorForObject``."""
    kind = obj["kind"]
    spec = obj.get("spec") or {}
    if kind == "Pod":
        labels = obj["metadata"].get("labels") or {}
        if not labels:
            raise CommandError("couldn't retrieve selectors via --selector flag or introspection: the pod has no "
                               "labels and cannot be exposed")
        return _format(labels)
    if kind in ("Service", "ReplicationController"):
        sel = spec.get("selector") or {}
        if not sel:
            what = "service" if kind == "Service" else "replication controller"
            raise CommandError(f"couldn't retrieve selectors via --selector flag or introspection: the {what} has no "
                               "pod selector set")
        return _format(sel)
    sel = spec.get("selector") or {}
    if sel.get("matchExpressions"):
        raise CommandError("couldn't retrieve selectors via --selector flag or introspection: couldn't convert "
                           f"expressions - \"{sel['matchExpressions']}\" to map-based selector format")
    return _format(sel.get("matchLabels") or {})


def _containers(obj: Obj) -> list[Obj]:
    spec = obj.get("spec") or {}
    if obj["kind"] != "Pod":
        spec = ((spec.get("template") or {}).get("spec")) or {}
    return list(spec.get("containers") or [])


def _ports_of(obj: Obj) -> list[str]:
    """``PortsForObject``: the container ports, or a Service's ports."""
    if obj["kind"] == "Service":
        return [str(p["port"]) for p in (obj.get("spec") or {}).get("ports") or []]
    return [str(p["containerPort"]) for c in _containers(obj) for p in c.get("ports") or []]


def _protocols_of(obj: Obj) -> dict[str, list[str]]:
    """``MultiProtocolsForObject``: port → protocols."""
    out: dict[str, list[str]] = {}
    if obj["kind"] == "Service":
        pairs = [(p["port"], p.get("protocol", "TCP")) for p in (obj.get("spec") or {}).get("ports") or []]
    else:
        pairs = [(p["containerPort"], p.get("protocol", "TCP")) for c in _containers(obj) for p in c.get("ports") or []]
    for port, proto in pairs:
        if proto not in out.setdefault(str(port), []):
            out[str(port)].append(proto)
    return out


def _format(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _parse_labels(spec: str | None) -> dict[str, str]:
    """``parseLabels``: ``k=v,k2=v2``."""
    if not spec:
        raise CommandError("no label spec passed")
    out = {}
    for item in spec.split(","):
        parts = item.split("=")
        if len(parts) != 2:
            raise CommandError(f"unexpected label spec: {item}")
        if not parts[0]:
            raise CommandError("unexpected empty label key")
        out[parts[0]] = parts[1]
    return out


# ---------------------------------------------------------- create service
def create_service(k: Kubectl, flags: Flags, result: Result) -> None:
    """``kubectl create service TYPE NAME``; ``flags.args[0]`` is ``service``/``svc``."""
    args = flags.args[1:]
    if not args or args[0] not in SERVICE_TYPES:
        raise CommandError("Create a service using a specified subcommand.\n\nAliases:\nservice, svc\n\n"
                           "Available Commands:\n  clusterip       Create a ClusterIP service\n  externalname    "
                           "Create an ExternalName service\n  loadbalancer    Create a LoadBalancer service\n  nodeport"
                           "        Create a NodePort service\n\nUsage:\n  kubectl create service [flags] [options]",
                           verbatim=True)
    stype = SERVICE_TYPES[args[0]]
    if len(args) != 2:
        raise CommandError("exactly one NAME is required, got " + str(len(args) - 1))
    name = args[1]
    cluster_ip = flags.get("clusterip") or ""
    tcp = [t for v in flags.all("tcp") for t in v.split(",") if t]
    if cluster_ip == "None" and stype != "ClusterIP":
        raise CommandError("ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not tcp and stype != "ExternalName":
        raise CommandError("at least one tcp port specifier must be provided")
    external = flags.get("external-name") or ""
    if stype == "ExternalName":
        if not external:
            raise CommandError('required flag(s) "external-name" not set', verbatim=True)
        if not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", external) \
                or len(external) > 253:
            raise CommandError(f"invalid service external name {external}")
    node_port = int(flags.get("node-port") or 0)
    ports = []
    for t in tcp:
        port_text, _, target_text = t.partition(":")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise CommandError(f'invalid port "{port_text}"' if not port_text.isdigit() else
                               f"port {port_text} must be between 1 and 65535, inclusive")
        target: int | str = int(port_text)
        if target_text:
            if target_text.isdigit():
                target = int(target_text)
            elif _PORT_NAME.match(target_text) and len(target_text) <= 15:
                target = target_text
            else:
                raise CommandError("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        port: Obj = {"name": t.replace(":", "-"), "port": int(port_text), "protocol": "TCP", "targetPort": target}
        if node_port:
            port["nodePort"] = node_port
        ports.append(port)
    spec: Obj = {"type": stype, "selector": {"app": name}}
    if ports:
        spec["ports"] = ports
    if external:
        spec["externalName"] = external
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": name, "namespace": k.namespace_of(flags), "labels": {"app": name}}, "spec": spec}
    _create(k, flags, result, svc, "created", prefix=f"failed to create {stype} service: ")


def _create(k: Kubectl, flags: Flags, result: Result, svc: Obj, verb: str, prefix: str) -> None:
    dry_run = flags.get("dry-run") or "none"
    output = flags.get("output") or ""
    try:
        if dry_run == "client":
            obj = svc
        else:
            obj = k.store.create(svc, field_validation="Strict", dry_run=dry_run == "server")
    except errors.ApiError as e:
        raise CommandError(prefix + str(e) if prefix else e.kubectl_text(), verbatim=not prefix) from None
    if output in ("yaml", "json"):
        result.write(to_yaml(obj) if output == "yaml" else to_json(obj))
        return
    suffix = " (server dry run)" if dry_run == "server" else " (dry run)" if dry_run == "client" else ""
    result.write(f"service/{obj['metadata']['name']} {verb}{suffix}\n")
