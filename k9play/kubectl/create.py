"""``kubectl create`` generators for configuration and access control: ``configmap``,
``secret generic|tls|docker-registry``, ``serviceaccount``, ``role``, ``clusterrole``,
``rolebinding``, ``clusterrolebinding`` and ``quota``; everything else (``-f``,
``namespace``, ``deployment``, ``job``) is :func:`k9play.kubectl.workloads.create`.

Objects are built as ``staging/src/k8s.io/kubectl/pkg/cmd/create/create_*.go`` build them
(rules grouped per API group in group order, subjects users → groups → service accounts,
``.dockerconfigjson`` with kubectl's field order). ``--from-file`` reads the user's files,
as kubectl does; nothing runs. ``--dry-run=client`` prints instead of creating.
"""

from __future__ import annotations

import base64
import json
import os
from typing import TYPE_CHECKING

from k9play.api import errors, resources
from k9play.api.meta import Obj
from k9play.kubectl.commands import CommandError, Flags, Result
from k9play.kubectl.printers import to_json, to_yaml

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

RBAC = "rbac.authorization.k8s.io"
ROLE_VERBS = ("*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy", "deletecollection",
              "use", "bind", "escalate", "impersonate")
NON_RESOURCE_VERBS = ("*", "get", "post", "put", "delete", "patch", "head", "options")
DEFAULT_DOCKER_SERVER = "https://index.docker.io/v1/"


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    from k9play.kubectl import workloads

    what = flags.args[0] if flags.args and not flags.has("filename") else ""
    builders = {"configmap": _configmap, "cm": _configmap, "secret": _secret, "serviceaccount": _service_account,
                "sa": _service_account, "role": _role, "clusterrole": _role, "rolebinding": _binding,
                "clusterrolebinding": _binding, "quota": _quota, "resourcequota": _quota}
    build = builders.get(what)
    if build is None:
        workloads.create(k, flags, result)
        return
    obj = build(k, flags, what)
    rt = resources.for_object(obj["apiVersion"], obj["kind"])
    ns = k.namespace_of(flags) if rt.namespaced else None
    if ns:
        obj["metadata"]["namespace"] = ns
    dry = flags.get("dry-run")
    output = flags.get("output") or ""
    if dry == "client":
        if output in ("yaml", "json"):
            result.write(to_yaml(obj) if output == "yaml" else to_json(obj))
        else:
            result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} created (dry run)\n")
        return
    try:
        created = k.store.create(obj, ns, field_validation="Strict", dry_run=dry == "server")
    except errors.ApiError as e:
        raise CommandError(e.kubectl_text(), verbatim=True) from None
    suffix = " (server dry run)" if dry == "server" else ""
    if output in ("yaml", "json"):
        result.write(to_yaml(created) if output == "yaml" else to_json(created))
    else:
        result.write(f"{rt.qualified_kind}/{created['metadata']['name']} created{suffix}\n")


def _name(flags: Flags) -> str:
    names = flags.args[1:]
    if len(names) != 1:
        raise CommandError(f"exactly one NAME is required, got {len(names)}")
    return names[0]


# ------------------------------------------------------------ configuration
def _sources(flags: Flags, kind: str) -> dict[str, bytes]:
    """``--from-file`` (``[key=]path``, a directory: its regular files) then ``--from-literal``."""
    out: dict[str, bytes] = {}

    def add(key: str, value: bytes) -> None:
        if key in out:
            raise CommandError(f'cannot add key "{key}", another key by that name already exists in data for '
                               f"{kind}")
        out[key] = value

    for spec in flags.all("from-file"):
        key, eq, path = spec.partition("=")
        if not eq:
            key, path = "", spec
        if os.path.isdir(path):
            if key:
                raise CommandError("cannot give a key name for a directory path")
            for entry in sorted(os.listdir(path)):
                full = os.path.join(path, entry)
                if os.path.isfile(full):
                    with open(full, "rb") as f:
                        add(entry, f.read())
            continue
        try:
            with open(path, "rb") as f:
                add(key or os.path.basename(path), f.read())
        except OSError:
            raise CommandError(f"error reading {path}: no such file or directory") from None
    for spec in flags.all("from-literal"):
        key, eq, value = spec.partition("=")
        if not eq or not key:
            raise CommandError(f"invalid literal source {spec}, expected key=value")
        add(key, value.encode())
    return out


def _configmap(k: Kubectl, flags: Flags, what: str) -> Obj:
    name = _name(flags)
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    for key, value in _sources(flags, "ConfigMap").items():
        try:
            data[key] = value.decode("utf-8")
        except UnicodeDecodeError:
            binary[key] = base64.b64encode(value).decode()
    obj: Obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
    if data:
        obj["data"] = data
    if binary:
        obj["binaryData"] = binary
    return obj


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _secret(k: Kubectl, flags: Flags, what: str) -> Obj:
    if len(flags.args) < 2:
        raise CommandError("Create a secret with specified type.\n\n A docker-registry type secret is for accessing "
                           "a container registry.\n\n A generic type secret indicate an Opaque secret type.\n\n "
                           "A tls type secret holds TLS certificate and its associated key.", verbatim=True)
    sub = flags.args[1]
    rest = Flags(args=flags.args[1:], values=flags.values)
    name = _name(rest)
    if sub == "generic":
        obj: Obj = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                    "data": {k_: _b64(v) for k_, v in _sources(flags, "Secret").items()}}
        if flags.get("type"):
            obj["type"] = flags.get("type")
        return obj
    if sub == "tls":
        cert, key = flags.get("cert"), flags.get("key")
        if not cert or not key:
            raise CommandError("key and cert must be specified")
        pem = {}
        for label, path in (("tls.crt", cert), ("tls.key", key)):
            try:
                with open(path, "rb") as f:
                    pem[label] = f.read()
            except OSError:
                raise CommandError(f"open {path}: no such file or directory") from None
        if b"-----BEGIN CERTIFICATE-----" not in pem["tls.crt"]:
            raise CommandError("tls: failed to find any PEM data in certificate input")
        if b"PRIVATE KEY-----" not in pem["tls.key"]:
            raise CommandError("tls: failed to find any PEM data in key input")
        return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "type": "kubernetes.io/tls",
                "data": {label: _b64(v) for label, v in pem.items()}}
    if sub == "docker-registry":
        if flags.has("from-file"):
            return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                    "type": "kubernetes.io/dockerconfigjson",
                    "data": {k_: _b64(v) for k_, v in _sources(flags, "Secret").items()}}
        user, password = flags.get("docker-username"), flags.get("docker-password")
        if not user or not password:
            raise CommandError("either --from-file or the combination of --docker-username, --docker-password "
                               "and --docker-server is required")
        server = flags.get("docker-server") or DEFAULT_DOCKER_SERVER
        entry = {"username": user, "password": password}
        if flags.get("docker-email"):
            entry["email"] = flags.get("docker-email") or ""
        entry["auth"] = _b64(f"{user}:{password}".encode())
        config = json.dumps({"auths": {server: entry}}, separators=(",", ":"))
        return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": _b64(config.encode())}}
    raise CommandError(f'unknown command "{sub}" for "kubectl create secret"')


def _service_account(k: Kubectl, flags: Flags, what: str) -> Obj:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": _name(flags)}}


def _quota(k: Kubectl, flags: Flags, what: str) -> Obj:
    name = _name(flags)
    spec: Obj = {}
    hard = {}
    for item in ",".join(flags.all("hard")).split(","):
        if not item:
            continue
        key, eq, value = item.partition("=")
        if not eq:
            raise CommandError(f"invalid argument {item}, expected key=value")
        hard[key] = value
    if hard:
        spec["hard"] = hard
    scopes = [s for v in flags.all("scopes") for s in v.split(",") if s]
    if scopes:
        spec["scopes"] = scopes
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name}, "spec": spec}


# ----------------------------------------------------------- access control
def _split(flags: Flags, name: str) -> list[str]:
    return [v for raw in flags.all(name) for v in raw.split(",") if v]


def _rules(flags: Flags, cluster: bool) -> list[Obj]:
    """``generateResourcePolicyRules``."""
    verbs = _split(flags, "verb")
    res = _split(flags, "resource")
    urls = _split(flags, "non-resource-url") if cluster else []
    if not verbs:
        raise CommandError("at least one verb must be specified")
    if not res and not urls:
        raise CommandError("at least one resource must be specified" if not cluster else
                           "one of resource or nonResourceURL must be specified")
    allowed = ROLE_VERBS if res else NON_RESOURCE_VERBS
    for v in verbs:
        if v not in allowed and not (urls and v in NON_RESOURCE_VERBS):
            raise CommandError(f"invalid verb: '{v}'")
    by_group: dict[str, list[str]] = {}
    for r in res:
        base, _, sub = r.partition("/")
        rt = resources.lookup(base)
        if rt is None and base != "*":
            raise CommandError(f"resource \"{base}\" not found" if "." not in base
                               else f"the server doesn't have a resource type \"{base}\"")
        plural, group = (rt.plural, rt.group) if rt is not None else ("*", "")
        full = f"{plural}/{sub}" if sub else plural
        if full not in by_group.setdefault(group, []):
            by_group[group].append(full)
    names = _split(flags, "resource-name")
    rules = []
    for group in sorted(by_group):
        rule: Obj = {"apiGroups": [group], "resources": by_group[group], "verbs": verbs}
        if names:
            rule["resourceNames"] = names
        rules.append(rule)
    if urls:
        rules.append({"nonResourceURLs": urls, "verbs": verbs})
    return rules


def _role(k: Kubectl, flags: Flags, what: str) -> Obj:
    name = _name(flags)
    kind = "ClusterRole" if what == "clusterrole" else "Role"
    obj: Obj = {"apiVersion": f"{RBAC}/v1", "kind": kind, "metadata": {"name": name}}
    aggregation = flags.get("aggregation-rule")
    if kind == "ClusterRole" and aggregation:
        labels = dict(item.partition("=")[::2] for item in aggregation.split(",") if item)
        obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": labels}]}
        return obj
    obj["rules"] = _rules(flags, kind == "ClusterRole")
    return obj


def _binding(k: Kubectl, flags: Flags, what: str) -> Obj:
    name = _name(flags)
    kind = "ClusterRoleBinding" if what == "clusterrolebinding" else "RoleBinding"
    role, cluster_role = flags.get("role"), flags.get("clusterrole")
    if kind == "ClusterRoleBinding" and role:
        raise CommandError("unknown flag: --role")
    if bool(role) == bool(cluster_role):
        raise CommandError("exactly one of clusterrole or role must be specified" if kind == "RoleBinding"
                           else "required flag(s) \"clusterrole\" not set")
    subjects: list[Obj] = [{"kind": "User", "apiGroup": RBAC, "name": u} for u in flags.all("subject-user")]
    subjects += [{"kind": "Group", "apiGroup": RBAC, "name": g} for g in flags.all("group")]
    for sa in flags.all("serviceaccount"):
        ns, sep, sa_name = sa.partition(":")
        if not sep or not ns or not sa_name:
            raise CommandError("serviceaccount must be <namespace>:<name>")
        subjects.append({"kind": "ServiceAccount", "namespace": ns, "name": sa_name})
    obj: Obj = {"apiVersion": f"{RBAC}/v1", "kind": kind, "metadata": {"name": name},
                "roleRef": {"apiGroup": RBAC, "kind": "Role" if role else "ClusterRole", "name": role or cluster_role}}
    if subjects:
        obj["subjects"] = subjects
    return obj
