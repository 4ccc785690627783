"""The Docker-link style variables the kubelet gives every container for Services
(``KUBERNETES_SERVICE_HOST`` …), as ``getServiceEnvVarMap`` and ``envvars.FromServices`` build them.

The ``kubernetes`` Service of ``default`` is always there; the Services of the pod's own
namespace only while ``enableServiceLinks`` is true (the default). Headless and ExternalName
Services (no cluster IP) give none. They are read when the container is created, so a
Service made later does not show up in a running container, as on a real node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]
MASTER_SERVICES = ("kubernetes",)


def _var(name: str) -> str:
    return name.replace("-", "_").upper()


def _from_service(svc: Obj) -> dict[str, str]:
    spec = svc.get("spec") or {}
    ip, ports = spec.get("clusterIP", ""), spec.get("ports") or []
    prefix = _var(svc["metadata"]["name"])
    if not ports:
        return {}
    out = {f"{prefix}_SERVICE_HOST": ip, f"{prefix}_SERVICE_PORT": str(ports[0].get("port", ""))}
    for sp in ports:
        if sp.get("name"):
            out[f"{prefix}_SERVICE_PORT_{_var(sp['name'])}"] = str(sp.get("port", ""))
    for i, sp in enumerate(ports):
        proto, port = (sp.get("protocol") or "TCP"), sp.get("port", "")
        host_port = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
        url = f"{proto.lower()}://{host_port}"
        if i == 0:
            out[f"{prefix}_PORT"] = url
        base = f"{prefix}_PORT_{port}_{proto.upper()}"
        out.update({base: url, f"{base}_PROTO": proto.lower(), f"{base}_PORT": str(port), f"{base}_ADDR": ip})
    return out


def service_env(store: ObjectStore, pod: Obj) -> dict[str, str]:
    """Every Service variable ``pod``'s containers get, sorted by name."""
    ns = (pod.get("metadata") or {}).get("namespace", "default")
    links = (pod.get("spec") or {}).get("enableServiceLinks", True) is not False
    chosen: dict[str, Obj] = {}
    for svc in store.list("Service"):
        md, ip = svc["metadata"], (svc.get("spec") or {}).get("clusterIP")
        if not ip or ip == "None":
            continue
        if md.get("namespace") == "default" and md["name"] in MASTER_SERVICES:
            chosen.setdefault(md["name"], svc)
        elif md.get("namespace") == ns and links:
            chosen[md["name"]] = svc
    out: dict[str, str] = {}
    for svc in chosen.values():
        out.update(_from_service(svc))
    return dict(sorted(out.items()))
