"""Why a manifest's ``apiVersion``/``kind`` is not served, in words a learner can act on.

kubectl only says ``no matches for kind "CronJob" in version "batch/v1beta1"``. Many
tutorials predate the API removals, so k9play adds a hint: the release that removed the
version and the one to use instead (the Kubernetes "Deprecated API Migration Guide"), or
that the kind is real Kubernetes v1.34 that k9play does not simulate.
"""

from __future__ import annotations

from k9play.api import schema

#: (apiVersion, kind) → (release that stopped serving it, apiVersion to use instead or "")
REMOVED: dict[tuple[str, str], tuple[str, str]] = {}


def _removed(release: str, new: str, old_versions: tuple[str, ...], kinds: tuple[str, ...]) -> None:
    for av in old_versions:
        for kind in kinds:
            REMOVED[(av, kind)] = (release, new)


_removed("v1.16", "apps/v1", ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"),
         ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"))
_removed("v1.16", "networking.k8s.io/v1", ("extensions/v1beta1",), ("NetworkPolicy",))
_removed("v1.22", "networking.k8s.io/v1", ("extensions/v1beta1", "networking.k8s.io/v1beta1"),
         ("Ingress", "IngressClass"))
_removed("v1.22", "rbac.authorization.k8s.io/v1", ("rbac.authorization.k8s.io/v1beta1",),
         ("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"))
_removed("v1.22", "scheduling.k8s.io/v1", ("scheduling.k8s.io/v1beta1",), ("PriorityClass",))
_removed("v1.22", "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",),
         ("StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"))
_removed("v1.22", "coordination.k8s.io/v1", ("coordination.k8s.io/v1beta1",), ("Lease",))
_removed("v1.22", "certificates.k8s.io/v1", ("certificates.k8s.io/v1beta1",), ("CertificateSigningRequest",))
_removed("v1.22", "apiextensions.k8s.io/v1", ("apiextensions.k8s.io/v1beta1",), ("CustomResourceDefinition",))
_removed("v1.22", "admissionregistration.k8s.io/v1", ("admissionregistration.k8s.io/v1beta1",),
         ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"))
_removed("v1.25", "batch/v1", ("batch/v1beta1",), ("CronJob",))
_removed("v1.25", "policy/v1", ("policy/v1beta1",), ("PodDisruptionBudget",))
_removed("v1.25", "", ("policy/v1beta1", "extensions/v1beta1"), ("PodSecurityPolicy",))
_removed("v1.25", "discovery.k8s.io/v1", ("discovery.k8s.io/v1beta1",), ("EndpointSlice",))
_removed("v1.25", "events.k8s.io/v1", ("events.k8s.io/v1beta1",), ("Event",))
_removed("v1.25", "autoscaling/v2", ("autoscaling/v2beta1",), ("HorizontalPodAutoscaler",))
_removed("v1.26", "autoscaling/v2", ("autoscaling/v2beta2",), ("HorizontalPodAutoscaler",))
_removed("v1.25", "node.k8s.io/v1", ("node.k8s.io/v1beta1",), ("RuntimeClass",))
_removed("v1.27", "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",), ("CSIStorageCapacity",))


def hint(api_version: str, kind: str) -> str | None:
    """A one-line hint for an unserved (apiVersion, kind), or None for custom resources."""
    removed = REMOVED.get((api_version, kind))
    if removed is not None:
        release, new = removed
        if kind == "PodSecurityPolicy":
            return (f"hint: PodSecurityPolicy was removed in Kubernetes {release}; "
                    "Pod Security Admission (namespace labels) replaces it")
        return f"hint: {api_version} {kind} was removed in Kubernetes {release}; use apiVersion: {new}"
    if schema.kind_schema(kind, api_version) is not None:
        return f"hint: {kind} ({api_version}) is part of Kubernetes v1.34 but k9play does not simulate it"
    return None
