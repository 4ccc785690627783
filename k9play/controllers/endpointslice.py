"""EndpointSliceController: ``discovery.k8s.io/v1`` EndpointSlices for Services with a selector.

A port of ``pkg/controller/endpointslice`` and ``staging/src/k8s.io/endpointslice/reconciler.go``
(Kubernetes v1.34), for IPv4:

* one endpoint per selected pod with an IP, terminating pods included, with the conditions
  ``ready`` (serving and not terminating, or ``publishNotReadyAddresses``), ``serving`` (the
  pod is Ready) and ``terminating``; ``nodeName``, ``zone`` (the node's
  ``topology.kubernetes.io/zone``), ``hostname`` (pods naming this Service as subdomain) and
  a ``targetRef`` to the pod;
* pods are grouped by the ports they resolve to (a named targetPort can differ per pod),
  each group in slices of at most 100 endpoints; endpoints stay in the slice they are in,
  new ones go to the slice closest to full, then to new slices;
* slices are named ``<service>-<5 random chars>`` (``generateName``), labelled
  ``kubernetes.io/service-name``, ``endpointslice.kubernetes.io/managed-by:
  endpointslice-controller.k8s.io`` (plus the Service's labels and
  ``service.kubernetes.io/headless``), owned by the Service (the garbage collector removes
  them with it) and annotated with ``endpoints.kubernetes.io/last-change-trigger-time``;
* a Service without endpoints keeps one empty placeholder slice; a slice about to be
  deleted is reused (renamed in place) for one about to be created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.meta import copy_obj, labels_of, name_of, namespace_of, owner_reference, split_key, uid_of
from k9play.api.pods import is_ready
from k9play.api.selectors import selector_from_labels
from k9play.clock import derived_rng, drawing_from
from k9play.controllers import endpoints_util as eu
from k9play.controllers.base import Controller

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore, WatchEvent

Obj = dict[str, Any]

CONTROLLER_NAME = "endpointslice-controller.k8s.io"
MAX_ENDPOINTS_PER_SLICE = 100
RESERVED_LABELS = (eu.SERVICE_NAME_LABEL, eu.MANAGED_BY_LABEL, eu.HEADLESS_LABEL)


class EndpointSliceController(Controller):
    name = "endpointslice"
    component = "endpoint-slice-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self.rng = derived_rng(self.clock, "endpointslices")
        self.tracker = eu.TriggerTimeTracker()

    def start(self) -> None:
        self.watch_self("Service")
        self.watch("Pod", lambda ev: eu.services_for_pod_event(self.store, ev))
        self.watch("EndpointSlice", self._slice_keys)
        self.enqueue_all("Service")

    def _slice_keys(self, ev: WatchEvent) -> tuple[str, ...]:
        labels = labels_of(ev.object)
        if labels.get(eu.MANAGED_BY_LABEL) != CONTROLLER_NAME or not labels.get(eu.SERVICE_NAME_LABEL):
            return ()
        return (f"{namespace_of(ev.object)}/{labels[eu.SERVICE_NAME_LABEL]}",)

    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        svc = self.store.try_get("Service", name, ns)
        if svc is None:
            self.tracker.forget(key)  # the garbage collector deletes the slices it owned
            return None
        if not eu.selects(svc) or svc["metadata"].get("deletionTimestamp"):
            return None
        pods = eu.service_pods(self.store, svc)
        trigger = self.tracker.compute(svc, pods)
        existing = self.store.list("EndpointSlice", ns, selector_from_labels(
            {eu.SERVICE_NAME_LABEL: name, eu.MANAGED_BY_LABEL: CONTROLLER_NAME}))
        creates, updates, deletes = self._plan(svc, pods, existing)
        # reuse a slice about to be deleted for one about to be created (``finalize``)
        while creates and deletes:
            gone, fresh = deletes.pop(), creates.pop()
            meta = copy_obj(gone["metadata"])
            meta["labels"] = fresh["metadata"]["labels"]
            fresh["metadata"] = meta
            updates.append(fresh)
        with drawing_from(self.clock, self.rng):
            for s in creates:
                self._write(svc, s, trigger, create=True)
        for s in updates:
            self._write(svc, s, trigger, create=False)
        for s in deletes:
            try:
                self.store.delete("EndpointSlice", name_of(s), ns)
            except errors.ApiError as e:
                if e.code != 404:
                    raise
        return None

    # ------------------------------------------------------------- planning
    def _plan(self, svc: Obj, pods: list[Obj], existing: list[Obj]) -> tuple[list[Obj], list[Obj], list[Obj]]:
        """``reconcileByAddressType``: the slices to create, update and delete."""
        owned: dict[tuple[Any, ...], list[Obj]] = {}
        deletes: list[Obj] = []
        for s in sorted(existing, key=lambda s: s["metadata"].get("creationTimestamp", "") + name_of(s)):
            if any(r.get("uid") == uid_of(svc) and r.get("kind") == "Service" for r in
                   s["metadata"].get("ownerReferences") or []):
                owned.setdefault(_ports_key(s.get("ports") or []), []).append(s)
            else:
                deletes.append(s)
        desired: dict[tuple[Any, ...], tuple[list[Obj], dict[str, Obj]]] = {}
        nodes = {name_of(n): n for n in self.store.list("Node")}
        publish = bool((svc.get("spec") or {}).get("publishNotReadyAddresses"))
        for pod in sorted(pods, key=name_of):
            if not eu.should_be_in_endpoints(pod, True):
                continue
            node = nodes.get((pod.get("spec") or {}).get("nodeName") or "")
            if node is None and not publish:
                continue  # "skipping Pod for Service, Node not found"
            ports = endpoint_ports(svc, pod)
            group = desired.setdefault(_ports_key(ports), (ports, {}))
            ep = pod_to_endpoint(pod, node, svc)
            group[1][ep["addresses"][0]] = ep
        creates: list[Obj] = []
        updates: list[Obj] = []
        for pk, (ports, endpoints) in desired.items():
            c, u, d = self._by_ports(svc, ports, owned.get(pk, []), endpoints)
            creates += c
            updates += u
            deletes += d
        for pk, slices in owned.items():
            if pk not in desired:
                deletes += slices
        if len(deletes) == len(existing) and not creates:
            placeholder = _new_slice(svc, [])
            if len(deletes) == 1 and _is_placeholder(deletes[0], placeholder):
                deletes = []
            else:
                creates.append(placeholder)
        return creates, updates, deletes

    def _by_ports(self, svc: Obj, ports: list[Obj], slices: list[Obj],
                  desired: dict[str, Obj]) -> tuple[list[Obj], list[Obj], list[Obj]]:
        """``reconcileByPortMapping``: keep endpoints where they are, top up the slices being
        updated anyway, fit the rest into one unchanged slice or new ones."""
        labels = _labels(svc)
        updates: list[Obj] = []
        unchanged: list[Obj] = []
        deletes: list[Obj] = []
        placed: set[str] = set()
        for s in slices:
            kept, changed = [], False
            for ep in s.get("endpoints") or []:
                addr = (ep.get("addresses") or [""])[0]
                want = desired.get(addr)
                if want is None or addr in placed:
                    changed = True
                    continue
                placed.add(addr)
                changed = changed or want != ep
                kept.append(want)
            if not kept:
                deletes.append(s)
            elif changed or labels_of(s) != labels:
                fresh = copy_obj(s)
                fresh["endpoints"] = kept
                fresh["metadata"]["labels"] = labels
                updates.append(fresh)
            else:
                unchanged.append(s)
        rest = [ep for addr, ep in desired.items() if addr not in placed]
        for s in sorted(updates, key=lambda s: -len(s["endpoints"])):
            room = MAX_ENDPOINTS_PER_SLICE - len(s["endpoints"])
            s["endpoints"] += rest[:room]
            rest = rest[room:]
        creates: list[Obj] = []
        while rest:
            target = _slice_to_fill(unchanged, len(rest)) if len(rest) < MAX_ENDPOINTS_PER_SLICE else None
            if target is None:
                target = _new_slice(svc, ports)
                target["endpoints"] = []
                creates.append(target)
            else:
                unchanged.remove(target)
                target = copy_obj(target)
                target["metadata"]["labels"] = labels
                updates.append(target)
            room = MAX_ENDPOINTS_PER_SLICE - len(target["endpoints"])
            target["endpoints"] += rest[:room]
            rest = rest[room:]
        return creates, updates, deletes

    def _write(self, svc: Obj, s: Obj, trigger: str | None, *, create: bool) -> None:
        annotations = dict(s["metadata"].get("annotations") or {})
        if trigger:
            annotations[eu.TRIGGER_TIME_ANNOTATION] = trigger
        else:
            annotations.pop(eu.TRIGGER_TIME_ANNOTATION, None)
        if annotations:
            s["metadata"]["annotations"] = annotations
        else:
            s["metadata"].pop("annotations", None)
        try:
            if create:
                self.store.create(s)
            else:
                self.store.update(s)
        except errors.ApiError as e:
            if e.code == 403:
                return  # namespace terminating
            raise


def endpoint_ports(svc: Obj, pod: Obj) -> list[Obj]:
    """``getEndpointPorts``: the Service's ports as this pod resolves them."""
    spec = svc.get("spec") or {}
    out = []
    for sp in spec.get("ports") or []:
        number = eu.find_port(pod, sp)
        if number is None:
            continue
        port: Obj = {"name": sp.get("name", ""), "port": number, "protocol": sp.get("protocol", "TCP")}
        if sp.get("appProtocol"):
            port["appProtocol"] = sp["appProtocol"]
        out.append(port)
    return out


def pod_to_endpoint(pod: Obj, node: Obj | None, svc: Obj) -> Obj:
    """``podToEndpoint``: a terminating pod is never ``ready`` unless publishNotReadyAddresses."""
    serving = is_ready(pod)
    terminating = bool(pod["metadata"].get("deletionTimestamp"))
    ready = bool((svc.get("spec") or {}).get("publishNotReadyAddresses")) or (serving and not terminating)
    ep: Obj = {"addresses": [eu.pod_ip(pod)],
               "conditions": {"ready": ready, "serving": serving, "terminating": terminating}}
    if eu.should_set_hostname(pod, svc):
        ep["hostname"] = pod["spec"]["hostname"]
    node_name = (pod.get("spec") or {}).get("nodeName")
    if node_name:
        ep["nodeName"] = node_name
    ep["targetRef"] = {"kind": "Pod", "name": name_of(pod), "namespace": namespace_of(pod), "uid": uid_of(pod)}
    zone = labels_of(node).get(eu.ZONE_LABEL) if node is not None else None
    if zone:
        ep["zone"] = zone
    return ep


def _labels(svc: Obj) -> dict[str, str]:
    """``setEndpointSliceLabels``: the Service's labels, then the reserved ones."""
    labels = {k: v for k, v in labels_of(svc).items() if k not in RESERVED_LABELS}
    if eu.is_headless(svc):
        labels[eu.HEADLESS_LABEL] = ""
    labels[eu.SERVICE_NAME_LABEL] = name_of(svc)
    labels[eu.MANAGED_BY_LABEL] = CONTROLLER_NAME
    return labels


def _new_slice(svc: Obj, ports: list[Obj], endpoints: list[Obj] | None = None) -> Obj:
    """``newEndpointSlice``: ``generateName: <service>-`` (the bare name if that is too long)."""
    prefix = f"{name_of(svc)}-"
    if len(prefix) > 253 - 5:
        prefix = name_of(svc)
    s: Obj = {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"generateName": prefix, "namespace": namespace_of(svc), "labels": _labels(svc),
                     "ownerReferences": [owner_reference(svc)]},
        "addressType": "IPv4",
    }
    if endpoints:
        s["endpoints"] = list(endpoints)
    if ports:
        s["ports"] = [copy_obj(p) for p in ports]
    return s


def _is_placeholder(s: Obj, placeholder: Obj) -> bool:
    return not s.get("endpoints") and not s.get("ports") and labels_of(s) == labels_of(placeholder)


def _ports_key(ports: list[Obj]) -> tuple[Any, ...]:
    return tuple(sorted((p.get("name") or "", p.get("port"), p.get("protocol", "TCP"), p.get("appProtocol") or "")
                        for p in ports))


def _slice_to_fill(slices: list[Obj], n: int) -> Obj | None:
    """``getSliceToFill``: the slice that is closest to full once ``n`` endpoints are added."""
    best, best_diff = None, MAX_ENDPOINTS_PER_SLICE
    for s in slices:
        diff = MAX_ENDPOINTS_PER_SLICE - (n + len(s.get("endpoints") or []))
        if 0 <= diff < best_diff:
            best, best_diff = s, diff
            if diff == 0:
                break
    return best
