"""The RBAC objects a kind cluster starts with: the apiserver's bootstrap ClusterRoles and
ClusterRoleBindings (``plugin/pkg/auth/authorizer/rbac/bootstrappolicy``, v1.34) and
kubeadm's ``kubeadm:cluster-admins`` binding.

Only the user-facing roles and those of the components k9play simulates are here; the
per-controller ``system:controller:*`` roles are left out (k9play's controllers are not
authorized). ``admin``, ``edit`` and ``view`` carry only their ``aggregationRule``: the
clusterrole-aggregation controller fills their rules, as in a real cluster.

Creating them uses a private random stream, so the cluster's seeded stream (generated names
and uids of everything else) is the same as without them.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]
RBAC = "rbac.authorization.k8s.io"
RBAC_V1 = f"{RBAC}/v1"
READ = ["get", "list", "watch"]
WRITE = ["create", "delete", "deletecollection", "patch", "update"]
ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
EVENT_WRITE = ["create", "patch", "update"]


def _r(groups: list[str], resources: list[str], verbs: list[str], names: list[str] | None = None) -> Obj:
    rule: Obj = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    if names:
        rule["resourceNames"] = names
    return rule


def _u(urls: list[str], verbs: list[str]) -> Obj:
    return {"nonResourceURLs": urls, "verbs": verbs}


_AGGREGATE_TO_ADMIN = [
    _r(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
    _r([RBAC], ["rolebindings", "roles"], ALL),
]
_AGGREGATE_TO_EDIT = [
    _r([""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], READ),
    _r([""], ["serviceaccounts"], ["impersonate"]),
    _r([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], WRITE),
    _r([""], ["pods/eviction"], ["create"]),
    _r([""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
              "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"], WRITE),
    _r([""], ["serviceaccounts/token"], ["create"]),
    _r(["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
                  "replicasets/scale", "statefulsets", "statefulsets/scale"], WRITE),
    _r(["autoscaling"], ["horizontalpodautoscalers"], WRITE),
    _r(["batch"], ["cronjobs", "jobs"], WRITE),
    _r(["extensions"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses",
                        "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"], WRITE),
    _r(["policy"], ["poddisruptionbudgets"], WRITE),
    _r(["networking.k8s.io"], ["ingresses", "networkpolicies"], WRITE),
    _r(["coordination.k8s.io"], ["leases"], ALL),
]
_AGGREGATE_TO_VIEW = [
    _r([""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
              "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
              "services/status"], READ),
    _r([""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
              "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"], READ),
    _r([""], ["namespaces"], READ),
    _r(["discovery.k8s.io"], ["endpointslices"], READ),
    _r(["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                  "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
                  "statefulsets/scale", "statefulsets/status"], READ),
    _r(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
    _r(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
    _r(["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                        "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale",
                        "replicasets/status", "replicationcontrollers/scale"], READ),
    _r(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
    _r(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], READ),
]
_TOKEN_AND_SAR = [
    _r(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
    _r(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
]
_KUBE_CONTROLLER_MANAGER = [
    _r(["", "events.k8s.io"], ["events"], EVENT_WRITE),
    _r(["coordination.k8s.io"], ["leases"], ["create"]),
    _r(["coordination.k8s.io"], ["leases"], ["get", "update"], ["kube-controller-manager"]),
    _r([""], ["secrets", "serviceaccounts"], ["create"]),
    _r([""], ["secrets"], ["delete"]),
    _r([""], ["configmaps", "namespaces", "secrets", "serviceaccounts"], ["get"]),
    _r([""], ["secrets", "serviceaccounts"], ["update"]),
    *_TOKEN_AND_SAR,
    _r(["*"], ["*"], ["list", "watch"]),
    _r([""], ["serviceaccounts/token"], ["create"]),
]
_KUBE_SCHEDULER = [
    _r(["", "events.k8s.io"], ["events"], EVENT_WRITE),
    _r(["coordination.k8s.io"], ["leases"], ["create"]),
    _r(["coordination.k8s.io"], ["leases"], ["get", "update"], ["kube-scheduler"]),
    _r([""], ["nodes"], READ),
    _r([""], ["pods"], ["delete", "get", "list", "watch"]),
    _r([""], ["bindings", "pods/binding"], ["create"]),
    _r([""], ["pods/status"], ["patch", "update"]),
    _r([""], ["replicationcontrollers", "services"], READ),
    _r(["apps", "extensions"], ["replicasets"], READ),
    _r(["apps"], ["statefulsets"], READ),
    _r(["policy"], ["poddisruptionbudgets"], READ),
    _r([""], ["persistentvolumeclaims", "persistentvolumes"], READ),
    *_TOKEN_AND_SAR,
    _r(["storage.k8s.io"], ["csinodes"], READ),
    _r([""], ["namespaces"], READ),
    _r(["storage.k8s.io"], ["csidrivers"], READ),
    _r(["storage.k8s.io"], ["csistoragecapacities"], READ),
]
_NODE = [
    _r(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
    _r(["authorization.k8s.io"], ["localsubjectaccessreviews", "subjectaccessreviews"], ["create"]),
    _r([""], ["services"], READ),
    _r([""], ["nodes"], ["create", "get", "list", "watch"]),
    _r([""], ["nodes/status"], ["patch", "update"]),
    _r([""], ["nodes"], ["patch", "update"]),
    _r([""], ["events"], EVENT_WRITE),
    _r([""], ["pods"], READ),
    _r([""], ["pods"], ["create", "delete"]),
    _r([""], ["pods/status"], ["patch", "update"]),
    _r([""], ["pods/eviction"], ["create"]),
    _r([""], ["configmaps", "secrets"], READ),
    _r([""], ["persistentvolumeclaims", "persistentvolumes"], ["get"]),
    _r([""], ["endpoints"], ["get"]),
    _r(["certificates.k8s.io"], ["certificatesigningrequests"], ["create", "get", "list", "watch"]),
    _r(["coordination.k8s.io"], ["leases"], ["create", "delete", "get", "patch", "update"]),
    _r(["storage.k8s.io"], ["volumeattachments"], ["get"]),
    _r([""], ["serviceaccounts/token"], ["create"]),
    _r([""], ["persistentvolumeclaims/status"], ["get", "patch", "update"]),
    _r(["storage.k8s.io"], ["csidrivers"], READ),
    _r(["storage.k8s.io"], ["csinodes"], ["create", "delete", "get", "patch", "update"]),
    _r(["node.k8s.io"], ["runtimeclasses"], READ),
]
_PUBLIC_INFO = ["/healthz", "/livez", "/readyz", "/version", "/version/"]

#: name → (rules, aggregate-to labels, aggregationRule label or "")
_CLUSTER_ROLES: dict[str, tuple[list[Obj], tuple[str, ...], str]] = {
    "admin": ([], (), "rbac.authorization.k8s.io/aggregate-to-admin"),
    "cluster-admin": ([_r(["*"], ["*"], ["*"]), _u(["*"], ["*"])], (), ""),
    "edit": ([], ("admin",), "rbac.authorization.k8s.io/aggregate-to-edit"),
    "view": ([], ("edit",), "rbac.authorization.k8s.io/aggregate-to-view"),
    "system:aggregate-to-admin": (_AGGREGATE_TO_ADMIN, ("admin",), ""),
    "system:aggregate-to-edit": (_AGGREGATE_TO_EDIT, ("edit",), ""),
    "system:aggregate-to-view": (_AGGREGATE_TO_VIEW, ("view",), ""),
    "system:auth-delegator": (_TOKEN_AND_SAR, (), ""),
    "system:basic-user": ([
        _r(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"]),
        _r(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"])], (), ""),
    "system:discovery": ([_u(["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                              "/openapi/*", "/readyz", "/version", "/version/"], ["get"])], (), ""),
    "system:kube-controller-manager": (_KUBE_CONTROLLER_MANAGER, (), ""),
    "system:kube-dns": ([_r([""], ["endpoints", "services"], ["list", "watch"])], (), ""),
    "system:kube-scheduler": (_KUBE_SCHEDULER, (), ""),
    "system:monitoring": ([_u(["/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis",
                               "/readyz", "/readyz/*"], ["get"])], (), ""),
    "system:node": (_NODE, (), ""),
    "system:node-proxier": ([
        _r([""], ["endpoints", "services"], ["list", "watch"]), _r([""], ["nodes"], READ),
        _r(["", "events.k8s.io"], ["events"], EVENT_WRITE),
        _r(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"])], (), ""),
    "system:public-info-viewer": ([_u(_PUBLIC_INFO, ["get"])], (), ""),
    "system:service-account-issuer-discovery": (
        [_u(["/.well-known/openid-configuration", "/openid/v1/jwks"], ["get"])], (), ""),
    "system:volume-scheduler": ([
        _r([""], ["persistentvolumes"], ["get", "list", "patch", "update", "watch"]),
        _r(["storage.k8s.io"], ["storageclasses"], READ),
        _r([""], ["persistentvolumeclaims"], ["get", "list", "patch", "update", "watch"])], (), ""),
}

#: binding name → (cluster role, subjects as (kind, name[, namespace]))
_BINDINGS: dict[str, tuple[str, list[tuple[str, ...]]]] = {
    "cluster-admin": ("cluster-admin", [("Group", "system:masters")]),
    "kubeadm:cluster-admins": ("cluster-admin", [("Group", "kubeadm:cluster-admins")]),
    "system:basic-user": ("system:basic-user", [("Group", "system:authenticated")]),
    "system:discovery": ("system:discovery", [("Group", "system:authenticated")]),
    "system:kube-controller-manager": ("system:kube-controller-manager",
                                       [("User", "system:kube-controller-manager")]),
    "system:kube-dns": ("system:kube-dns", [("ServiceAccount", "kube-dns", "kube-system")]),
    "system:kube-scheduler": ("system:kube-scheduler", [("User", "system:kube-scheduler")]),
    "system:monitoring": ("system:monitoring", [("Group", "system:monitoring")]),
    "system:node": ("system:node", []),
    "system:node-proxier": ("system:node-proxier", [("User", "system:kube-proxy")]),
    "system:public-info-viewer": ("system:public-info-viewer",
                                  [("Group", "system:authenticated"), ("Group", "system:unauthenticated")]),
    "system:service-account-issuer-discovery": ("system:service-account-issuer-discovery",
                                                [("Group", "system:serviceaccounts")]),
    "system:volume-scheduler": ("system:volume-scheduler", [("User", "system:kube-scheduler")]),
}

BOOTSTRAP_LABELS = {"kubernetes.io/bootstrapping": "rbac-defaults"}
AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}


def _subject(spec: tuple[str, ...]) -> Obj:
    kind, name = spec[0], spec[1]
    if kind == "ServiceAccount":
        return {"kind": kind, "name": name, "namespace": spec[2]}
    return {"apiGroup": RBAC, "kind": kind, "name": name}


def cluster_roles() -> list[Obj]:
    out = []
    for name, (rules, aggregate_to, selector) in _CLUSTER_ROLES.items():
        labels = dict(BOOTSTRAP_LABELS)
        for target in aggregate_to:
            labels[f"rbac.authorization.k8s.io/aggregate-to-{target}"] = "true"
        role: Obj = {"apiVersion": RBAC_V1, "kind": "ClusterRole",
                     "metadata": {"name": name, "labels": labels, "annotations": dict(AUTOUPDATE)}}
        if selector:
            role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {selector: "true"}}]}
        role["rules"] = [dict(r) for r in rules]
        out.append(role)
    return out


def cluster_role_bindings() -> list[Obj]:
    out = []
    for name, (role, subjects) in _BINDINGS.items():
        kubeadm = name.startswith("kubeadm:")
        md: Obj = {"name": name} if kubeadm else {"name": name, "labels": dict(BOOTSTRAP_LABELS),
                                                    "annotations": dict(AUTOUPDATE)}
        binding: Obj = {"apiVersion": RBAC_V1, "kind": "ClusterRoleBinding", "metadata": md,
                        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role}}
        if subjects:
            binding["subjects"] = [_subject(s) for s in subjects]
        out.append(binding)
    return out


def bootstrap(store: ObjectStore) -> None:
    """Create the default ClusterRoles and bindings (the apiserver's ``rbac/bootstrap-roles``)."""
    clock = store.clock
    saved = clock.rng
    clock.rng = random.Random("k9play-rbac-bootstrap")
    try:
        for obj in cluster_roles() + cluster_role_bindings():
            if store.try_get(obj["kind"], obj["metadata"]["name"]) is None:
                store.create(obj)
    finally:
        clock.rng = saved
