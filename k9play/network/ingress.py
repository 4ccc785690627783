"""How ingress-nginx routes a request: Ingress rules to a backend Service.

ingress-nginx (controller v1.12, ``internal/ingress/controller``) turns every Ingress of its
class into nginx ``server``/``location`` blocks:

* **which Ingresses**: ``spec.ingressClassName`` naming an IngressClass whose controller is
  ``k8s.io/ingress-nginx``, the legacy ``kubernetes.io/ingress.class: nginx`` annotation, or no
  class at all (the simulated controller runs with ``--watch-ingress-without-class=true``, as
  minikube's ingress addon does);
* **hosts**: one server per host, exact names before wildcards (``*.foo.com`` matches one
  label); rules without a host and unknown hosts go to the catch-all server;
* **paths**: an empty path is ``/``, a missing ``pathType`` is ``Prefix``; ``Exact`` matches
  the whole path, ``Prefix`` matches whole path elements (``/foo`` matches ``/foo``,
  ``/foo/bar``, not ``/foobar``), ``ImplementationSpecific`` is nginx's own prefix match on
  the string (``/foo`` matches ``/foobar``) or, with ``nginx.ingress.kubernetes.io/use-regex``,
  a case-insensitive regular expression; an exact match wins, then the longest path;
* **no match**: the Ingress ``defaultBackend`` if one applies, else the controller's default
  backend, which answers nginx's ``404 Not Found`` page;
* ``nginx.ingress.kubernetes.io/rewrite-target`` rewrites the URI (``$1`` … capture groups);
  a host listed under ``tls`` is redirected from http to https with ``308 Permanent
  Redirect`` unless ``nginx.ingress.kubernetes.io/ssl-redirect: "false"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from k9play.api.meta import annotations_of, namespace_of
from k9play.controllers.ingressnginx import ingresses

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]

ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io/"


@dataclass
class Route:
    """Where one request goes: a Service backend, a redirect, or the default backend."""

    ingress: Obj | None = None
    host: str = ""
    path: str = ""
    path_type: str = ""
    service: str = ""
    port: int | str = 0
    #: the URI sent to the backend (after ``rewrite-target``)
    uri: str = "/"
    redirect: str = ""
    #: the TLS Secret serving this host (``namespace/name``), if any
    tls_secret: str = ""
    tls_hosts: list[str] = field(default_factory=list)

    @property
    def namespace(self) -> str:
        return namespace_of(self.ingress) if self.ingress is not None else ""


def _host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        suffix = pattern[1:]
        return host.endswith(suffix) and "." not in host[: -len(suffix)] and len(host) > len(suffix)
    return pattern == host


def route(store: ObjectStore, host: str, uri: str, https: bool) -> Route:
    """Route a request for ``host`` and ``uri`` (path and query) through the served Ingresses."""
    host = host.split(":", 1)[0].lower()
    path, _, query = uri.partition("?")
    ings = ingresses(store)
    rules: list[tuple[Obj, str, Obj]] = []
    for ing in ings:
        for rule in (ing.get("spec") or {}).get("rules") or []:
            rules.append((ing, (rule.get("host") or "").lower(), rule))
    exact = [r for r in rules if r[1] and not r[1].startswith("*.") and r[1] == host]
    wild = [r for r in rules if r[1].startswith("*.") and _host_matches(r[1], host)]
    server_host = exact[0][1] if exact else (wild[0][1] if wild else "")
    server_rules = [r for r in rules if r[1] == server_host]
    tls = _tls_for(ings, host if server_host else "")
    if tls and not https and _ssl_redirect(tls[0]):
        return Route(tls[0], host, redirect=f"https://{host}{uri}", tls_secret=tls[1], tls_hosts=tls[2])
    best = _best_location(server_rules, path)
    if best is not None:
        ing, rule_path, path_type, backend = best
        svc = (backend.get("service") or {})
        port = (svc.get("port") or {})
        target = annotations_of(ing).get(ANNOTATION_PREFIX + "rewrite-target")
        new_path = _rewrite(rule_path, path, target) if target else path
        return Route(ing, server_host or host, rule_path, path_type, svc.get("name", ""),
                     port.get("number") or port.get("name", ""), new_path + (f"?{query}" if query else ""),
                     tls_secret=tls[1] if tls else "", tls_hosts=tls[2] if tls else [])
    for ing, _, _ in server_rules or [(i, "", {}) for i in ings]:
        default = (ing.get("spec") or {}).get("defaultBackend") or {}
        if default.get("service"):
            port = default["service"].get("port") or {}
            return Route(ing, host, "", "", default["service"].get("name", ""),
                         port.get("number") or port.get("name", ""), uri)
    return Route(None, host, uri=uri, tls_secret=tls[1] if tls else "", tls_hosts=tls[2] if tls else [])


def _best_location(rules: list[tuple[Obj, str, Obj]], path: str) -> tuple[Obj, str, str, Obj] | None:
    exact: list[tuple[Obj, str, str, Obj]] = []
    prefix: list[tuple[int, Obj, str, str, Obj]] = []
    regex: list[tuple[int, Obj, str, str, Obj]] = []
    for ing, _, rule in rules:
        use_regex = annotations_of(ing).get(ANNOTATION_PREFIX + "use-regex") == "true"
        for p in (rule.get("http") or {}).get("paths") or []:
            rp = p.get("path") or "/"
            pt = p.get("pathType") or "Prefix"
            backend = p.get("backend") or {}
            if pt == "Exact":
                if path == rp:
                    exact.append((ing, rp, pt, backend))
            elif use_regex and pt == "ImplementationSpecific":
                try:
                    if re.match(rp, path, re.IGNORECASE):
                        regex.append((-len(rp), ing, rp, pt, backend))
                except re.error:
                    continue
            elif pt == "Prefix":
                base = rp.rstrip("/") or "/"
                if base == "/" or path == base or path.startswith(base + "/"):
                    prefix.append((-len(base), ing, rp, pt, backend))
            elif path.startswith(rp):
                prefix.append((-len(rp), ing, rp, pt, backend))
    if exact:
        return exact[0]
    for group in (prefix, regex):
        if group:
            _, ing, rp, pt, backend = min(group, key=lambda t: t[0])
            return ing, rp, pt, backend
    return None


def _rewrite(rule_path: str, path: str, target: str) -> str:
    """nginx ``rewrite "(?i)<path>" <target> break;`` — the whole URI is replaced on a match."""
    try:
        m = re.match(rule_path, path, re.IGNORECASE)
    except re.error:
        m = None
    if m is None:
        return path
    out = re.sub(r"\$(\d)", lambda g: m.group(int(g.group(1))) or "" if int(g.group(1)) <= (m.re.groups or 0)
                 else "", target)
    return out if out.startswith("/") else "/" + out


def _tls_for(ings: list[Obj], host: str) -> tuple[Obj, str, list[str]] | None:
    for ing in ings:
        for t in (ing.get("spec") or {}).get("tls") or []:
            hosts = [h.lower() for h in t.get("hosts") or []]
            if (host and any(_host_matches(h, host) for h in hosts)) or (not hosts and not host):
                secret = f"{namespace_of(ing)}/{t['secretName']}" if t.get("secretName") else ""
                return ing, secret, hosts
    return None


def _ssl_redirect(ing: Obj) -> bool:
    return annotations_of(ing).get(ANNOTATION_PREFIX + "ssl-redirect", "true") != "false"
