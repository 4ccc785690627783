"""The kinds the simulated apiserver serves, with their discovery names.

One table answers every "what is this kind called" question: kubectl's short names and
plurals, the ``kind.group/name`` prefix printed by ``kubectl get``, scope, and which
API versions are served (Kubernetes v1.34).
"""

from __future__ import annotations

from dataclasses import dataclass

from k9play.api.errors import NoKindMatchError


@dataclass(frozen=True)
class ResourceType:
    kind: str
    group: str  # "" for the core group
    versions: tuple[str, ...]  # served versions, preferred first
    plural: str
    short_names: tuple[str, ...] = ()
    namespaced: bool = True
    categories: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        return self.versions[0]

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def resource(self) -> str:
        """``deployments.apps`` — how the apiserver names it in error messages."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified_kind(self) -> str:
        """``deployment.apps`` — the prefix kubectl prints in ``kind/name``."""
        return f"{self.singular}.{self.group}" if self.group else self.singular

    def api_versions(self) -> tuple[str, ...]:
        return tuple(f"{self.group}/{v}" if self.group else v for v in self.versions)


_ALL = ("all",)

RESOURCE_TYPES: tuple[ResourceType, ...] = (
    ResourceType("Pod", "", ("v1",), "pods", ("po",), categories=_ALL),
    ResourceType("Service", "", ("v1",), "services", ("svc",), categories=_ALL),
    ResourceType("DaemonSet", "apps", ("v1",), "daemonsets", ("ds",), categories=_ALL),
    ResourceType("Deployment", "apps", ("v1",), "deployments", ("deploy",), categories=_ALL),
    ResourceType("ReplicaSet", "apps", ("v1",), "replicasets", ("rs",), categories=_ALL),
    ResourceType("StatefulSet", "apps", ("v1",), "statefulsets", ("sts",), categories=_ALL),
    ResourceType(
        "HorizontalPodAutoscaler", "autoscaling", ("v2", "v1"), "horizontalpodautoscalers", ("hpa",),
        categories=_ALL,
    ),
    ResourceType("CronJob", "batch", ("v1",), "cronjobs", ("cj",), categories=_ALL),
    ResourceType("Job", "batch", ("v1",), "jobs", (), categories=_ALL),
    ResourceType("ReplicationController", "", ("v1",), "replicationcontrollers", ("rc",), categories=_ALL),
    ResourceType("Namespace", "", ("v1",), "namespaces", ("ns",), namespaced=False),
    ResourceType("Node", "", ("v1",), "nodes", ("no",), namespaced=False),
    ResourceType("Event", "", ("v1",), "events", ("ev",)),
    ResourceType("ConfigMap", "", ("v1",), "configmaps", ("cm",)),
    ResourceType("Secret", "", ("v1",), "secrets", ()),
    ResourceType("ServiceAccount", "", ("v1",), "serviceaccounts", ("sa",)),
    ResourceType("Endpoints", "", ("v1",), "endpoints", ("ep",)),
    ResourceType("PersistentVolume", "", ("v1",), "persistentvolumes", ("pv",), namespaced=False),
    ResourceType("PersistentVolumeClaim", "", ("v1",), "persistentvolumeclaims", ("pvc",)),
    ResourceType("ResourceQuota", "", ("v1",), "resourcequotas", ("quota",)),
    ResourceType("LimitRange", "", ("v1",), "limitranges", ("limits",)),
    ResourceType("PodTemplate", "", ("v1",), "podtemplates", ()),
    ResourceType("ControllerRevision", "apps", ("v1",), "controllerrevisions", ()),
    ResourceType("Lease", "coordination.k8s.io", ("v1",), "leases", ()),
    ResourceType("EndpointSlice", "discovery.k8s.io", ("v1",), "endpointslices", ()),
    ResourceType("Ingress", "networking.k8s.io", ("v1",), "ingresses", ("ing",)),
    ResourceType("IngressClass", "networking.k8s.io", ("v1",), "ingressclasses", (), namespaced=False),
    ResourceType("NetworkPolicy", "networking.k8s.io", ("v1",), "networkpolicies", ("netpol",)),
    ResourceType("PodDisruptionBudget", "policy", ("v1",), "poddisruptionbudgets", ("pdb",)),
    ResourceType("PriorityClass", "scheduling.k8s.io", ("v1",), "priorityclasses", ("pc",), namespaced=False),
    ResourceType("StorageClass", "storage.k8s.io", ("v1",), "storageclasses", ("sc",), namespaced=False),
    ResourceType("Role", "rbac.authorization.k8s.io", ("v1",), "roles", ()),
    ResourceType("RoleBinding", "rbac.authorization.k8s.io", ("v1",), "rolebindings", ()),
    ResourceType("ClusterRole", "rbac.authorization.k8s.io", ("v1",), "clusterroles", (), namespaced=False),
    ResourceType(
        "ClusterRoleBinding", "rbac.authorization.k8s.io", ("v1",), "clusterrolebindings", (), namespaced=False
    ),
)

_BY_KIND: dict[str, ResourceType] = {rt.kind: rt for rt in RESOURCE_TYPES}
_BY_NAME: dict[str, ResourceType] = {}
for _rt in RESOURCE_TYPES:
    for _alias in (_rt.plural, _rt.singular, _rt.kind.lower(), *_rt.short_names):
        _BY_NAME.setdefault(_alias, _rt)
        if _rt.group:
            _BY_NAME.setdefault(f"{_alias}.{_rt.group}", _rt)


def by_kind(kind: str) -> ResourceType:
    """The resource type of a kind served by the cluster (``KeyError`` otherwise)."""
    return _BY_KIND[kind]


_BY_GVK: dict[tuple[str, str], ResourceType] = {
    (av, rt.kind): rt for rt in RESOURCE_TYPES for av in rt.api_versions()
}


def for_object(api_version: str, kind: str) -> ResourceType:
    """Resolve a manifest's ``apiVersion``/``kind``; unknown pairs raise ``NoKindMatchError``."""
    rt = _BY_GVK.get((api_version, kind))
    if rt is None:
        raise NoKindMatchError(kind, api_version)
    return rt


def lookup(name: str) -> ResourceType | None:
    """Resolve what a user typed: ``po``, ``pods``, ``Pod``, ``deployments.apps`` …"""
    key = name.strip()
    return _BY_NAME.get(key) or _BY_NAME.get(key.lower())


def category(name: str) -> tuple[ResourceType, ...]:
    return tuple(rt for rt in RESOURCE_TYPES if name in rt.categories)
