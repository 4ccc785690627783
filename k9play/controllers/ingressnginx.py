"""IngressNginxController: the simulated ingress-nginx addon, installed on demand.

A cluster has no ingress controller until one is installed. Here it installs itself the first
time an Ingress (or an IngressClass for ``k8s.io/ingress-nginx``) appears, so a cluster that
never uses Ingresses has no extra pods: namespace ``ingress-nginx`` with the objects of
ingress-nginx's deploy manifest (controller v1.12) — ServiceAccount, ConfigMap, the
``ingress-nginx-controller`` Deployment and its ``LoadBalancer`` Service
(``externalTrafficPolicy: Local``, an address from the simulated MetalLB pool), the admission
Service, and the IngressClass ``nginx``, marked default and run with
``--watch-ingress-without-class=true`` as minikube's ingress addon does. (The admission
webhook and its certificate Jobs, and the RBAC objects, are left out.) The controller pod is
an ordinary simulated pod: it is pulled, started and probed like any other, and it answers
only once it is ready.

What the running controller does to Ingresses it serves (see :mod:`k9play.network.ingress`):

* ``Normal  Sync  Scheduled for sync`` (from ``nginx-ingress-controller``) when it first sees
  an Ingress and whenever the Ingress changes (``internal/ingress/controller/store``);
* ``status.loadBalancer.ingress`` set to the address of its published Service
  (``--publish-service``), at start-up and then every 60 s (``--status-update-interval``).

The routing itself is the network's: :mod:`k9play.network.ingress` and
:class:`k9play.network.Network`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.events import EventRecorder
from k9play.api.meta import copy_obj, key_of, labels_of, name_of, namespace_of, uid_of
from k9play.api.pods import is_ready
from k9play.api.selectors import selector_from_labels
from k9play.clock import derived_rng, drawing_from
from k9play.controllers.base import Controller

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore, WatchEvent

Obj = dict[str, Any]

NAMESPACE = "ingress-nginx"
NAME = "ingress-nginx-controller"
CONTROLLER = "k8s.io/ingress-nginx"
CLASS = "nginx"
VERSION = "1.12.1"
IMAGE = f"registry.k8s.io/ingress-nginx/controller:v{VERSION}"
STATUS_UPDATE_INTERVAL = 60.0
INSTALL_KEY = "install"
STATUS_KEY = "status"
SELECTOR = {"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx",
            "app.kubernetes.io/name": "ingress-nginx"}
LABELS = {**SELECTOR, "app.kubernetes.io/part-of": "ingress-nginx", "app.kubernetes.io/version": VERSION}


def addon_objects() -> list[Obj]:
    """The objects ingress-nginx's deploy manifest creates (the parts the simulation uses)."""
    ns_labels = {"app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx"}
    probe = {"httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"}, "initialDelaySeconds": 10,
             "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1}
    env = [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
           {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
           {"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"}]
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE, "labels": ns_labels}},
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": "ingress-nginx", "namespace": NAMESPACE, "labels": LABELS},
         "automountServiceAccountToken": True},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": LABELS},
         "data": {"allow-snippet-annotations": "false"}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
         "metadata": {"name": CLASS, "labels": LABELS,
                      "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
         "spec": {"controller": CONTROLLER}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": LABELS},
         "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local", "ipFamilyPolicy": "SingleStack",
                  "ipFamilies": ["IPv4"], "selector": dict(SELECTOR),
                  "ports": [{"appProtocol": "http", "name": "http", "port": 80, "protocol": "TCP",
                             "targetPort": "http"},
                            {"appProtocol": "https", "name": "https", "port": 443, "protocol": "TCP",
                             "targetPort": "https"}]}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": f"{NAME}-admission", "namespace": NAMESPACE, "labels": LABELS},
         "spec": {"type": "ClusterIP", "selector": dict(SELECTOR),
                  "ports": [{"appProtocol": "https", "name": "https-webhook", "port": 443, "targetPort": "webhook"}]}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": NAME, "namespace": NAMESPACE,
                                                                     "labels": LABELS},
         "spec": {"minReadySeconds": 0, "revisionHistoryLimit": 10, "selector": {"matchLabels": dict(SELECTOR)},
                  "strategy": {"rollingUpdate": {"maxUnavailable": 1}, "type": "RollingUpdate"},
                  "template": {"metadata": {"labels": dict(LABELS)}, "spec": {
                      "containers": [{
                          "name": "controller", "image": IMAGE, "imagePullPolicy": "IfNotPresent",
                          "args": ["/nginx-ingress-controller",
                                   f"--publish-service=$(POD_NAMESPACE)/{NAME}",
                                   "--election-id=ingress-nginx-leader", f"--controller-class={CONTROLLER}",
                                   f"--ingress-class={CLASS}", f"--configmap=$(POD_NAMESPACE)/{NAME}",
                                   "--validating-webhook=:8443", "--watch-ingress-without-class=true"],
                          "env": env,
                          "lifecycle": {"preStop": {"exec": {"command": ["/wait-shutdown"]}}},
                          "livenessProbe": {**probe, "failureThreshold": 5},
                          "readinessProbe": {**probe, "failureThreshold": 3},
                          "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"},
                                    {"containerPort": 443, "name": "https", "protocol": "TCP"},
                                    {"containerPort": 8443, "name": "webhook", "protocol": "TCP"}],
                          "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}}}],
                      "dnsPolicy": "ClusterFirst", "nodeSelector": {"kubernetes.io/os": "linux"},
                      "serviceAccountName": "ingress-nginx", "terminationGracePeriodSeconds": 300}}}},
    ]


def handled(store: ObjectStore, ing: Obj) -> bool:
    """``GetIngressClass``: does the simulated ingress-nginx take this Ingress? Its class names
    an IngressClass of ``k8s.io/ingress-nginx``, or the legacy ``kubernetes.io/ingress.class``
    annotation says ``nginx``, or it has no class at all (``--watch-ingress-without-class``)."""
    cls = (ing.get("spec") or {}).get("ingressClassName")
    if cls:
        ic = store.try_get("IngressClass", cls)
        return ic is not None and (ic.get("spec") or {}).get("controller") == CONTROLLER
    legacy = (ing["metadata"].get("annotations") or {}).get("kubernetes.io/ingress.class")
    if legacy is not None:
        return bool(legacy == CLASS)
    return True


def ingresses(store: ObjectStore) -> list[Obj]:
    """The Ingresses the controller serves, oldest first (the order it merges them in)."""
    out = [i for i in store.list("Ingress") if handled(store, i) and not i["metadata"].get("deletionTimestamp")]
    return sorted(out, key=lambda i: (i["metadata"].get("creationTimestamp", ""), namespace_of(i), name_of(i)))


class IngressNginxController(Controller):
    name = "ingress-nginx"
    component = "nginx-ingress-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self.rng = derived_rng(self.clock, "ingress-nginx")
        self.recorder = EventRecorder(store, self.component)
        #: (uid, generation) of each Ingress the running controller has synced
        self._synced: dict[str, tuple[str, int]] = {}
        self._status_timer = False

    def start(self) -> None:
        self.watch("Ingress", lambda ev: (INSTALL_KEY, key_of(ev.object)))
        self.watch("IngressClass", self._class_keys)
        self.watch("Pod", self._controller_pod_keys)
        self.watch("Service", lambda ev: (STATUS_KEY,) if key_of(ev.object) == f"{NAMESPACE}/{NAME}" else ())
        if self.store.list("Ingress"):
            self.queue.add(INSTALL_KEY)

    def _class_keys(self, ev: WatchEvent) -> tuple[str, ...]:
        if (ev.object.get("spec") or {}).get("controller") == CONTROLLER and name_of(ev.object) != CLASS:
            return (INSTALL_KEY,)
        return tuple(key_of(i) for i in self.store.list("Ingress"))

    def _controller_pod_keys(self, ev: WatchEvent) -> tuple[str, ...]:
        if namespace_of(ev.object) != NAMESPACE or not selector_from_labels(SELECTOR).matches(labels_of(ev.object)):
            return ()
        return (STATUS_KEY, *(key_of(i) for i in self.store.list("Ingress")))

    # ------------------------------------------------------------ reconcile
    def reconcile(self, key: str) -> float | None:
        if key == INSTALL_KEY:
            self._install()
            return None
        if key == STATUS_KEY:
            return self._sync_status()
        ns, name = key.split("/", 1)
        ing = self.store.try_get("Ingress", name, ns)
        if ing is None:
            self._synced.pop(key, None)
            return None
        if not self.running() or not handled(self.store, ing):
            return None
        seen = (uid_of(ing), int(ing["metadata"].get("generation", 1)))
        if self._synced.get(key) != seen:
            self._synced[key] = seen
            with drawing_from(self.clock, self.rng):
                self.recorder.record(ing, "Normal", "Sync", "Scheduled for sync")
        return None

    def _install(self) -> None:
        if self.store.try_get("Deployment", NAME, NAMESPACE) is not None:
            return
        with drawing_from(self.clock, self.rng):
            for obj in addon_objects():
                if obj["kind"] == "Namespace" and self.store.try_get("Namespace", NAMESPACE) is not None:
                    continue
                if obj["kind"] == "IngressClass" and self.store.try_get("IngressClass", CLASS) is not None:
                    continue
                try:
                    self.store.create(obj)
                except errors.ApiError as e:
                    if e.code != 409:
                        raise

    def running(self) -> bool:
        """Whether a controller pod is ready (and, as the only replica, the leader)."""
        return any(is_ready(p) and not p["metadata"].get("deletionTimestamp")
                   for p in self.store.list("Pod", NAMESPACE, selector_from_labels(SELECTOR)))

    def _sync_status(self) -> float | None:
        """``statusSync``: every served Ingress gets the published Service's address."""
        if not self.running():
            return None
        svc = self.store.try_get("Service", NAME, NAMESPACE)
        ingress = [{"ip": i["ip"]} for i in ((svc or {}).get("status") or {}).get("loadBalancer", {}).get(
            "ingress") or [] if i.get("ip")]
        for ing in ingresses(self.store):
            current = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            if current == ingress:
                continue
            new = copy_obj(ing)
            new["status"] = {"loadBalancer": {"ingress": ingress}} if ingress else {"loadBalancer": {}}
            try:
                self.store.update_status(new)
            except errors.ApiError:
                continue
        return STATUS_UPDATE_INTERVAL
