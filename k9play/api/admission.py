"""The admission chain every write passes: decode checks, defaulting, mutating plugins,
validation — in the apiserver's order.

* **Strict field validation** (the ``fieldValidation=Strict`` that kubectl sends) checks the
  object against the official schema first; controllers write typed objects and skip it.
* **Defaulting** (:mod:`k9play.api.defaults`).
* **Mutating plugins** on pod creation: ServiceAccount, Priority, DefaultTolerationSeconds;
  initial status; ClusterIP/NodePort allocation for Services.
* **Validation** (:mod:`k9play.api.validation`).
"""

from __future__ import annotations

import ipaddress
import random
from typing import TYPE_CHECKING, Any

from k9play.api import defaults, errors, limitrange, quota, schema, validation
from k9play.api.meta import format_time, random_suffix
from k9play.api.quantity import parse_quantity

if TYPE_CHECKING:
    from k9play.api.resources import ResourceType
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORT_RANGE = range(30000, 32768)
SA_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"


class Admission:
    """Runs on every create and main-resource update."""

    def admit(self, op: str, rt: ResourceType, obj: Obj, old: Obj | None, store: ObjectStore,
              field_validation: str = "Ignore", request_name: str | None = None) -> None:
        """Validate strictly if asked, default, mutate, then validate.

        ``request_name`` is the name the request carried — the ``generateName`` prefix when
        the store generated the name — which is how admission plugins name the object in a
        Forbidden error (``pods "web-5d4f8-" is forbidden: …``), since in the apiserver
        mutating admission runs before the name is generated."""
        kind = rt.kind
        decode_nulls(obj)
        if field_validation == "Strict":
            check_schema(rt, obj)
        name = obj.get("metadata", {}).get("name", "") if request_name is None else request_name
        try:
            defaults.apply_defaults(kind, obj)
            if kind == "LimitRange":
                limitrange.default_items(obj)
            elif kind == "Secret":
                _merge_string_data(obj)
            if op == "CREATE":
                limitrange.admit(obj, store, name, mutate=True)
                self._mutate_on_create(kind, obj, store, request_name)
            elif kind == "Pod" and isinstance(obj.get("spec"), dict):
                default_toleration_seconds(obj["spec"])
            elif old is not None and kind == "Service":
                _keep_allocations(obj, old)
                _allocate_node_ports(obj, old, store)
            if kind == "DaemonSet":
                _daemonset_template_generation(obj, old)
        except (AttributeError, TypeError, ValueError) as e:
            raise errors.bad_request(f"{kind} in version \"{rt.version}\" cannot be handled as a {kind}: {e}") from None
        causes = validation.validate(kind, obj, old)
        if causes:
            qualified = f"{kind}.{rt.group}" if rt.group else kind
            raise errors.invalid(qualified, obj.get("metadata", {}).get("name", ""), causes)
        if op == "CREATE":  # the validating plugins, ResourceQuota last
            limitrange.admit(obj, store, name, mutate=False)
            quota.admit(obj, store, name)

    # ----------------------------------------------------------- mutations
    def _mutate_on_create(self, kind: str, obj: Obj, store: ObjectStore, request_name: str | None) -> None:
        if kind == "Pod":
            _admit_pod(obj, store, obj["metadata"].get("name", "") if request_name is None else request_name)
        elif kind == "Namespace":
            # the namespace strategy adds the finalizer on create; only finalize removes it
            obj.setdefault("spec", {})["finalizers"] = ["kubernetes"]
            obj["status"] = {"phase": "Active"}
        elif kind == "Service":
            _allocate_service(obj, store)
        elif kind == "PersistentVolumeClaim":
            _admit_pvc(obj, store)
        elif kind == "PersistentVolume":
            md = obj.setdefault("metadata", {})
            if "kubernetes.io/pv-protection" not in (md.get("finalizers") or []):
                md.setdefault("finalizers", []).append("kubernetes.io/pv-protection")
            obj["status"] = {"phase": "Pending", "lastPhaseTransitionTime": format_time(store.clock.now())}
        elif kind == "Job":
            _generate_job_selector(obj)
        elif kind == "Ingress":
            _default_ingress_class(obj, store)
        from k9play.api.store import STATUS_KINDS, STATUS_ON_CREATE

        if kind in STATUS_KINDS and kind not in STATUS_ON_CREATE:
            obj.setdefault("status", {})


#: map[string]string fields: a null value decodes to "" there, not to "absent"
_STRING_MAPS = frozenset({"labels", "annotations", "data", "stringData", "nodeSelector", "matchLabels",
                          "selector", "binaryData"})


def decode_nulls(obj: Obj) -> None:
    """What Go's JSON decoding does with ``null`` (YAML ``key:`` with nothing after it): a
    struct field stays at its zero value (here: absent), a map[string]string entry becomes
    "", and a null list item becomes an empty object. Done in place, before anything reads
    the object, so ``spec:`` left empty is just an empty spec."""

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k in list(node):
                v = node[k]
                if v is None:
                    if key in _STRING_MAPS and k not in ("matchLabels", "matchExpressions"):
                        node[k] = ""
                    else:
                        del node[k]
                else:
                    walk(v, k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if v is None:
                    node[i] = {}
                else:
                    walk(v, key)

    walk(obj)


def check_schema(rt: ResourceType, obj: Obj) -> None:
    """Decode ``obj`` as the apiserver would (strictly); raise its BadRequest if it cannot."""
    causes = schema.validate(obj)
    if causes:
        raise _decode_error(rt, causes)


def _decode_error(rt: ResourceType, causes: list[errors.Cause]) -> errors.ApiError:
    unknown = [c for c in causes if c.message.startswith("unknown field")]
    if unknown:
        detail = "strict decoding error: " + ", ".join(c.message for c in unknown)
    else:
        detail = causes[0].message
    return errors.bad_request(f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: {detail}',
                              causes)


def _merge_string_data(secret: Obj) -> None:
    """``stringData`` is write-only: the apiserver merges it into ``data`` (base64), over it."""
    import base64

    string_data = secret.pop("stringData", None)
    if string_data:
        data = secret.setdefault("data", {})
        for k, v in string_data.items():
            data[k] = base64.b64encode(str(v).encode()).decode()


# ---------------------------------------------------------------------- claims
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"


def _admit_pvc(pvc: Obj, store: ObjectStore) -> None:
    """DefaultStorageClass and StorageObjectInUseProtection admission."""
    spec = pvc.setdefault("spec", {})
    anns = pvc.setdefault("metadata", {}).get("annotations") or {}
    if spec.get("storageClassName") is None and "volume.beta.kubernetes.io/storage-class" not in anns:
        defaults = [sc for sc in store.list("StorageClass")
                    if (sc["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"]
        if defaults:
            newest = max(defaults, key=lambda sc: (sc["metadata"].get("creationTimestamp", ""),
                                                   sc["metadata"]["name"]))
            spec["storageClassName"] = newest["metadata"]["name"]
    md = pvc["metadata"]
    if "kubernetes.io/pvc-protection" not in (md.get("finalizers") or []):
        md.setdefault("finalizers", []).append("kubernetes.io/pvc-protection")
    pvc["status"] = {"phase": "Pending"}


# ----------------------------------------------------------------- daemonsets
DS_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def _daemonset_template_generation(ds: Obj, old: Obj | None) -> None:
    """The DaemonSet strategy records the template generation in an annotation (1 on create,
    +1 whenever the template changes); the controller labels pods with it."""
    anns = ds.setdefault("metadata", {}).setdefault("annotations", {})
    if old is None:
        anns[DS_TEMPLATE_GENERATION] = "1"
        return
    prev = (old["metadata"].get("annotations") or {}).get(DS_TEMPLATE_GENERATION, "0")
    changed = (ds.get("spec") or {}).get("template") != (old.get("spec") or {}).get("template")
    anns[DS_TEMPLATE_GENERATION] = str(int(prev) + 1) if changed else prev


# ---------------------------------------------------------------------- jobs
JOB_UID_LABELS = ("batch.kubernetes.io/controller-uid", "controller-uid")
JOB_NAME_LABELS = ("batch.kubernetes.io/job-name", "job-name")


def _generate_job_selector(job: Obj) -> None:
    """The Job strategy's ``generateSelector``: select by the Job's uid, label pods with it.

    ``SetDefaults_Job`` gives a Job without labels its template's label map — the same map in
    Go — so the generated labels show on the Job too, as ``kubectl describe job`` shows."""
    md = job["metadata"]
    spec = job.setdefault("spec", {})
    shared = md.get("labels") == ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    if spec.get("manualSelector"):
        return
    uid, name = md.get("uid", ""), md.get("name", "")
    tmpl_md = spec.setdefault("template", {}).setdefault("metadata", {})
    labels = tmpl_md.setdefault("labels", {})
    for key in JOB_UID_LABELS:
        labels.setdefault(key, uid)
    for key in JOB_NAME_LABELS:
        labels.setdefault(key, name)
    sel = spec.setdefault("selector", {}).setdefault("matchLabels", {})
    sel.setdefault(JOB_UID_LABELS[0], uid)
    if shared:
        md["labels"] = dict(labels)


# --------------------------------------------------------------------- pods
def qos_class(spec: Obj) -> str:
    """The pod's QoS class from its containers' requests and limits."""
    containers = list(spec.get("containers") or []) + list(spec.get("initContainers") or [])
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    any_set = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req = {k: v for k, v in (res.get("requests") or {}).items() if k in ("cpu", "memory")}
        lim = {k: v for k, v in (res.get("limits") or {}).items() if k in ("cpu", "memory")}
        if any(parse_quantity(v) != 0 for v in list(req.values()) + list(lim.values())):
            any_set = True
        if set(lim) != {"cpu", "memory"}:
            guaranteed = False
        for k, v in req.items():
            if k in lim and parse_quantity(lim[k]) != parse_quantity(v):
                guaranteed = False
        requests.update(req)
        limits.update(lim)
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _admit_pod(pod: Obj, store: ObjectStore, request_name: str) -> None:
    spec = pod["spec"]
    # ServiceAccount admission (mirror pods of static pods are left alone: they can use no account)
    mirror = "kubernetes.io/config.mirror" in (pod["metadata"].get("annotations") or {})
    if not mirror:
        if not spec.get("serviceAccountName"):
            spec["serviceAccountName"] = spec.get("serviceAccount") or "default"
        spec["serviceAccount"] = spec["serviceAccountName"]
        sa = store.try_get("ServiceAccount", spec["serviceAccountName"], pod["metadata"].get("namespace"))
        automount = spec.get("automountServiceAccountToken")
        if automount is None and sa is not None:
            automount = sa.get("automountServiceAccountToken")
        has_mount = any(vm.get("mountPath") == SA_MOUNT_PATH
                        for c in spec.get("containers") or [] for vm in c.get("volumeMounts") or [])
        if automount is not False and not has_mount:
            vol_name = f"kube-api-access-{random_suffix(store.clock.rng)}"
            spec.setdefault("volumes", []).append(_kube_api_access_volume(vol_name))
            for key in ("initContainers", "containers"):
                for c in spec.get(key) or []:
                    c.setdefault("volumeMounts", []).append(
                        {"mountPath": SA_MOUNT_PATH, "name": vol_name, "readOnly": True})
    # Priority admission
    pc_name = spec.get("priorityClassName")
    priority = 0
    preemption = "PreemptLowerPriority"
    if pc_name:
        pc = store.try_get("PriorityClass", pc_name)
        if pc is None and pc_name not in ("system-cluster-critical", "system-node-critical"):
            raise errors.forbidden(f'pods "{request_name}" is forbidden: no PriorityClass '
                                   f'with name {pc_name} was found')
        if pc is not None:
            priority = int(pc.get("value", 0))
            preemption = pc.get("preemptionPolicy", preemption)
        else:
            priority = 2000000000 if pc_name == "system-cluster-critical" else 2000001000
    else:
        for pc in store.list("PriorityClass"):
            if pc.get("globalDefault"):
                priority = int(pc.get("value", 0))
                preemption = pc.get("preemptionPolicy", preemption)
                spec["priorityClassName"] = pc["metadata"]["name"]
                break
    spec.setdefault("priority", priority)
    spec.setdefault("preemptionPolicy", preemption)
    default_toleration_seconds(spec)
    pod["status"] = {"phase": "Pending", "qosClass": qos_class(spec)}


def default_toleration_seconds(spec: Obj) -> None:
    """The DefaultTolerationSeconds plugin, on create and on update: a pod tolerates not-ready and
    unreachable nodes for 300 s unless it says otherwise — so an apply whose file lists
    tolerations (a list kubectl replaces whole) does not drop these."""
    tolerations = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(t.get("key") in (key, None, "") and t.get("effect") in (None, "", "NoExecute") for t in tolerations):
            tolerations.append({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300})


def _kube_api_access_volume(name: str) -> Obj:
    return {
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                            "path": "namespace"}]}},
            ],
        },
    }


# ----------------------------------------------------------------- services
def _allocate_service(svc: Obj, store: ObjectStore) -> None:
    spec = svc["spec"]
    stype = spec.get("type", "ClusterIP")
    if stype == "ExternalName":
        return
    used_ips: set[str] = set()
    for other in store.list("Service"):
        os_ = other.get("spec", {})
        used_ips.update(os_.get("clusterIPs") or [os_.get("clusterIP", "")])
    if spec.get("clusterIP") != "None":
        want = spec.get("clusterIP")
        if want:
            if want in used_ips:
                raise errors.invalid("Service", svc["metadata"].get("name", ""), [errors.Cause(
                    "spec.clusterIPs", f'Invalid value: []string{{"{want}"}}: failed to allocate IP {want}: '
                    "provided IP is already allocated")])
        else:
            want = _next_ip(used_ips, svc["metadata"].get("name") == "kubernetes"
                            and svc["metadata"].get("namespace") == "default", store.clock.rng)
        spec["clusterIP"] = want
        spec["clusterIPs"] = [want]
    else:
        spec["clusterIPs"] = ["None"]
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    _allocate_node_ports(svc, None, store)
    svc["status"] = {"loadBalancer": {}}


def _next_ip(used: set[str], first: bool, rng: random.Random) -> str:
    """The apiserver allocates ClusterIPs at random in the range (seeded here)."""
    base = int(SERVICE_CIDR.network_address)
    if first:
        return str(ipaddress.ip_address(base + 1))  # the kubernetes service
    size = SERVICE_CIDR.num_addresses
    for _ in range(64):
        ip = str(ipaddress.ip_address(base + rng.randrange(2, size - 1)))
        if ip not in used and ip != "10.96.0.10":
            return ip
    for offset in range(2, size - 1):
        ip = str(ipaddress.ip_address(base + offset))
        if ip not in used and ip != "10.96.0.10":
            return ip
    raise errors.ApiError("Internal error occurred: failed to allocate a serviceIP: range is full", 500)


def _keep_allocations(new: Obj, old: Obj) -> None:
    ns, os_ = new.setdefault("spec", {}), old.get("spec", {})
    for key in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
        if key in os_ and not ns.get(key):
            ns[key] = os_[key]
    old_ports = {(p.get("port"), p.get("protocol")): p.get("nodePort") for p in os_.get("ports") or []}
    if ns.get("type") in ("NodePort", "LoadBalancer"):
        for p in ns.get("ports") or []:
            if not p.get("nodePort") and old_ports.get((p.get("port"), p.get("protocol"))):
                p["nodePort"] = old_ports[(p.get("port"), p.get("protocol"))]


#: ``calculateRangeOffset``: the lower band of the NodePort range (min 16, max 128 ports,
#: range/32) is kept for ports users ask for; automatic ones come from above it first
NODE_PORT_STATIC_BAND = min(max(16, len(NODE_PORT_RANGE) // 32), 128)


def _allocate_node_ports(svc: Obj, old: Obj | None, store: ObjectStore) -> None:
    """NodePort allocation as the Service REST storage does it (``alloc.go``, v1.34).

    Requested ports must be free and in range (``spec.ports[i].nodePort: Invalid value: N:
    provided port is already allocated``); the others are drawn at random, from the upper band
    first (``randomScanStrategyWithOffset``). LoadBalancer Services skip them with
    ``allocateLoadBalancerNodePorts: false``; an ``externalTrafficPolicy: Local`` LoadBalancer
    also gets a ``healthCheckNodePort``. A type change away from NodePort/LoadBalancer drops
    the ports it no longer needs (``dropTypeDependentFields``); a ClusterIP Service that still
    names one is invalid."""
    spec = svc["spec"]
    name = svc["metadata"].get("name", "")
    stype = spec.get("type", "ClusterIP")
    old_spec = (old or {}).get("spec") or {}
    needs = stype == "NodePort" or (stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts", True))
    if not needs:
        if stype in ("ClusterIP", "ExternalName") and old_spec.get("type") in ("NodePort", "LoadBalancer"):
            previous = {p.get("nodePort") for p in old_spec.get("ports") or []}
            for p in spec.get("ports") or []:
                if p.get("nodePort") in previous:
                    del p["nodePort"]
            if spec.get("healthCheckNodePort") == old_spec.get("healthCheckNodePort"):
                spec.pop("healthCheckNodePort", None)
        for i, p in enumerate(spec.get("ports") or []):
            if p.get("nodePort") and stype in ("ClusterIP", "ExternalName"):
                raise errors.invalid("Service", name, [errors.Cause(
                    f"spec.ports[{i}].nodePort", f"Forbidden: may not be used when `type` is '{stype}'",
                    "FieldValueForbidden")])
        if stype != "LoadBalancer":
            return
    own = {p.get("nodePort") for p in old_spec.get("ports") or []} | {old_spec.get("healthCheckNodePort")}
    used: set[int] = set()
    for other in store.list("Service"):
        if other["metadata"].get("uid") == svc["metadata"].get("uid"):
            continue
        os_ = other.get("spec") or {}
        used.update(p.get("nodePort", 0) for p in os_.get("ports") or [])
        used.add(os_.get("healthCheckNodePort", 0))
    rng = random.Random(f"nodeports/{svc['metadata'].get('namespace', '')}/{name}")
    wanted = [(f"spec.ports[{i}].nodePort", p) for i, p in enumerate(spec.get("ports") or [])] if needs else []
    for path, p in wanted:
        np = p.get("nodePort")
        if not np:
            continue
        if np not in NODE_PORT_RANGE:
            raise errors.invalid("Service", name, [errors.Cause(path, (
                f"Invalid value: {np}: provided port is not in the valid range. The range of valid ports is "
                f"{NODE_PORT_RANGE.start}-{NODE_PORT_RANGE.stop - 1}"))])
        if np in used and np not in own:
            raise errors.invalid("Service", name, [errors.Cause(
                path, f"Invalid value: {np}: provided port is already allocated")])
        used.add(np)
    for _, p in wanted:
        if not p.get("nodePort"):
            p["nodePort"] = _next_node_port(used, rng)
            used.add(p["nodePort"])
    local = stype == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"
    if local and not spec.get("healthCheckNodePort"):
        spec["healthCheckNodePort"] = _next_node_port(used, rng)
    elif not local and old is not None and spec.get("healthCheckNodePort") == old_spec.get("healthCheckNodePort"):
        spec.pop("healthCheckNodePort", None)


def _next_node_port(used: set[int], rng: random.Random) -> int:
    base, size = NODE_PORT_RANGE.start, len(NODE_PORT_RANGE)
    for lo, hi in ((NODE_PORT_STATIC_BAND, size), (0, NODE_PORT_STATIC_BAND)):
        free = hi - lo - sum(1 for u in used if lo <= (u or 0) - base < hi)
        if free <= 0:
            continue
        start = rng.randrange(lo, hi)
        for k in range(hi - lo):
            port = base + lo + (start - lo + k) % (hi - lo)
            if port not in used:
                return port
    raise errors.ApiError("Internal error occurred: failed to allocate a nodePort: range is full", 500)


# ------------------------------------------------------------------ ingress
DEFAULT_INGRESS_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


def _default_ingress_class(ing: Obj, store: ObjectStore) -> None:
    """The DefaultIngressClass admission plugin: an Ingress created without a class (neither
    ``spec.ingressClassName`` nor the legacy ``kubernetes.io/ingress.class`` annotation) gets
    the default IngressClass; with several defaults, the newest, and of equally new ones the
    lowest name (kubernetes#110974, v1.25)."""
    spec = ing.setdefault("spec", {})
    anns = ing.get("metadata", {}).get("annotations") or {}
    if spec.get("ingressClassName") or "kubernetes.io/ingress.class" in anns:
        return
    defaults = [ic for ic in store.list("IngressClass")
                if (ic["metadata"].get("annotations") or {}).get(DEFAULT_INGRESS_CLASS_ANNOTATION) == "true"]
    if defaults:
        stamp = max(ic["metadata"].get("creationTimestamp", "") for ic in defaults)
        spec["ingressClassName"] = min(ic["metadata"]["name"] for ic in defaults
                                       if ic["metadata"].get("creationTimestamp", "") == stamp)
