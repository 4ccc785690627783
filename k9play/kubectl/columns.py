"""One column spec per kind — the single source of truth for ``kubectl get`` and the TUI.

Each :class:`Column` knows its header, how to render a cell from an object, and whether
it is a ``-o wide`` column (kubectl's priority 1). Layouts and cell formats follow
kubectl v1.34's printers (``pkg/printers/internalversion/printers.go``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from k9play.api.meta import Obj, age, human_duration, labels_of, parse_time
from k9play.api.selectors import format_label_selector

Render = Callable[[Obj, float], str]


@dataclass(frozen=True)
class Column:
    name: str
    render: Render
    wide: bool = False
    #: how the TUI sorts and aligns it: text, number, age
    kind: str = "text"


def _name(obj: Obj, now: float) -> str:
    return obj["metadata"]["name"]


def _age(obj: Obj, now: float) -> str:
    return age(obj["metadata"].get("creationTimestamp"), now)


NAME = Column("NAME", _name)
AGE = Column("AGE", _age, kind="age")


def _spec(obj: Obj) -> Obj:
    return obj.get("spec") or {}


def _status(obj: Obj) -> Obj:
    return obj.get("status") or {}


def _none(value: str) -> str:
    return value if value else "<none>"


# ---------------------------------------------------------------------- pods
def pod_status_reason(pod: Obj) -> str:
    """kubectl's STATUS column for a pod (``printPod``)."""
    status = _status(pod)
    spec = _spec(pod)
    reason = status.get("reason") or status.get("phase", "")
    for c in status.get("conditions") or []:
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        state = cs.get("state") or {}
        term, wait = state.get("terminated"), state.get("waiting")
        restartable = (init_specs.get(cs.get("name")) or {}).get("restartPolicy") == "Always"
        if term is not None and term.get("exitCode", 0) == 0:
            continue
        if restartable and cs.get("started"):
            continue
        if term is not None:
            if not term.get("reason"):
                reason = (f"Init:Signal:{term['signal']}" if term.get("signal")
                          else f"Init:ExitCode:{term.get('exitCode', 0)}")
            else:
                reason = "Init:" + term["reason"]
        elif wait is not None and wait.get("reason") and wait["reason"] != "PodInitializing":
            reason = "Init:" + wait["reason"]
        else:
            reason = f"Init:{i}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break
    initialized = any(c.get("type") == "Initialized" and c.get("status") == "True"
                      for c in status.get("conditions") or [])
    if not initializing or initialized:
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            state = cs.get("state") or {}
            wait, term = state.get("waiting"), state.get("terminated")
            if wait is not None and wait.get("reason"):
                reason = wait["reason"]
            elif term is not None and term.get("reason"):
                reason = term["reason"]
            elif term is not None:
                reason = f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode', 0)}"
            elif cs.get("ready") and "running" in state:
                has_running = True
        if reason == "Completed" and has_running:
            ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])
            reason = "Running" if ready else "NotReady"
    deleting = pod.get("metadata", {}).get("deletionTimestamp")
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and status.get("phase") not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return reason


def pod_ready(pod: Obj) -> str:
    spec, status = _spec(pod), _status(pod)
    restartable = {c.get("name") for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(restartable)
    ready = sum(1 for cs in status.get("containerStatuses") or []
                if cs.get("ready") and "running" in (cs.get("state") or {}))
    ready += sum(1 for cs in status.get("initContainerStatuses") or []
                 if cs.get("name") in restartable and cs.get("ready") and "running" in (cs.get("state") or {}))
    return f"{ready}/{total}"


def _still_initializing(pod: Obj) -> bool:
    """``printPod``'s ``initializing``: an init container has not finished (or, if it is a
    sidecar, started) and the pod's Initialized condition is not True."""
    status, spec = _status(pod), _spec(pod)
    if not status.get("initContainerStatuses") or any(
            c.get("type") == "Initialized" and c.get("status") == "True" for c in status.get("conditions") or []):
        return False
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    for cs in status.get("initContainerStatuses") or []:
        term = (cs.get("state") or {}).get("terminated")
        restartable = (init_specs.get(cs.get("name")) or {}).get("restartPolicy") == "Always"
        if (term is not None and term.get("exitCode", 0) == 0) or (restartable and cs.get("started")):
            continue
        return True
    return False


def pod_restarts(pod: Obj, now: float) -> str:
    """RESTARTS as ``printPod`` counts them: while the pod initialises, the init containers'
    restarts; afterwards the app containers' and the sidecars'."""
    status = _status(pod)
    restartable = {c.get("name") for c in _spec(pod).get("initContainers") or [] if c.get("restartPolicy") == "Always"}
    init_statuses = status.get("initContainerStatuses") or []
    if _still_initializing(pod):
        statuses = list(init_statuses)
    else:
        statuses = list(status.get("containerStatuses") or []) + [
            cs for cs in init_statuses if cs.get("name") in restartable]
    restarts = 0
    last = 0.0
    for cs in statuses:
        restarts += int(cs.get("restartCount", 0))
        finished = ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        if finished:
            last = max(last, parse_time(finished))
    if restarts and last:
        return f"{restarts} ({human_duration(now - last)} ago)"
    return str(restarts)


def _pod_ip(pod: Obj, now: float) -> str:
    ips = _status(pod).get("podIPs") or []
    return ips[0].get("ip") if ips else (_status(pod).get("podIP") or "<none>")


def _readiness_gates(pod: Obj, now: float) -> str:
    gates = _spec(pod).get("readinessGates") or []
    if not gates:
        return "<none>"
    conds = {c.get("type"): c.get("status") for c in _status(pod).get("conditions") or []}
    true = sum(1 for g in gates if conds.get(g.get("conditionType")) == "True")
    return f"{true}/{len(gates)}"


POD = [
    NAME,
    Column("READY", lambda o, n: pod_ready(o)),
    Column("STATUS", lambda o, n: pod_status_reason(o)),
    Column("RESTARTS", pod_restarts, kind="number"),
    AGE,
    Column("IP", _pod_ip, wide=True),
    Column("NODE", lambda o, n: _spec(o).get("nodeName") or "<none>", wide=True),
    Column("NOMINATED NODE", lambda o, n: _status(o).get("nominatedNodeName") or "<none>", wide=True),
    Column("READINESS GATES", _readiness_gates, wide=True),
]


# ----------------------------------------------------------- workload helpers
def _template(obj: Obj) -> Obj:
    spec = _spec(obj)
    if obj.get("kind") == "CronJob":
        return ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
    return spec.get("template") or {}


def _containers(obj: Obj, now: float) -> str:
    return ",".join(c.get("name", "") for c in (_template(obj).get("spec") or {}).get("containers") or [])


def _images(obj: Obj, now: float) -> str:
    return ",".join(c.get("image", "") for c in (_template(obj).get("spec") or {}).get("containers") or [])


def _selector(obj: Obj, now: float) -> str:
    sel = _spec(obj).get("selector")
    if obj.get("kind") in ("ReplicationController", "Service"):
        return ",".join(f"{k}={v}" for k, v in sorted((sel or {}).items())) or "<none>"
    return format_label_selector(sel)


WORKLOAD_WIDE = [
    Column("CONTAINERS", _containers, wide=True),
    Column("IMAGES", _images, wide=True),
    Column("SELECTOR", _selector, wide=True),
]


def _int(value: Any) -> str:
    return str(int(value or 0))


DEPLOYMENT = [
    NAME,
    Column("READY", lambda o, n: f"{int(_status(o).get('readyReplicas', 0))}/{int(_spec(o).get('replicas', 1))}"),
    Column("UP-TO-DATE", lambda o, n: _int(_status(o).get("updatedReplicas")), kind="number"),
    Column("AVAILABLE", lambda o, n: _int(_status(o).get("availableReplicas")), kind="number"),
    AGE,
    *WORKLOAD_WIDE,
]

REPLICASET = [
    NAME,
    Column("DESIRED", lambda o, n: _int(_spec(o).get("replicas", 1)), kind="number"),
    Column("CURRENT", lambda o, n: _int(_status(o).get("replicas")), kind="number"),
    Column("READY", lambda o, n: _int(_status(o).get("readyReplicas")), kind="number"),
    AGE,
    *WORKLOAD_WIDE,
]

DAEMONSET = [
    NAME,
    Column("DESIRED", lambda o, n: _int(_status(o).get("desiredNumberScheduled")), kind="number"),
    Column("CURRENT", lambda o, n: _int(_status(o).get("currentNumberScheduled")), kind="number"),
    Column("READY", lambda o, n: _int(_status(o).get("numberReady")), kind="number"),
    Column("UP-TO-DATE", lambda o, n: _int(_status(o).get("updatedNumberScheduled")), kind="number"),
    Column("AVAILABLE", lambda o, n: _int(_status(o).get("numberAvailable")), kind="number"),
    Column("NODE SELECTOR", lambda o, n: ",".join(
        f"{k}={v}" for k, v in sorted(((_template(o).get("spec") or {}).get("nodeSelector") or {}).items()))
        or "<none>"),
    AGE,
    *WORKLOAD_WIDE,
]

STATEFULSET = [
    NAME,
    Column("READY", lambda o, n: f"{int(_status(o).get('readyReplicas', 0))}/{int(_spec(o).get('replicas', 1))}"),
    AGE,
    Column("CONTAINERS", _containers, wide=True),
    Column("IMAGES", _images, wide=True),
]


def _job_status(job: Obj, now: float) -> str:
    """``printJob``: Complete, Failed, Terminating, Suspended, FailureTarget, else Running."""
    true = {c.get("type") for c in _status(job).get("conditions") or [] if c.get("status") == "True"}
    if "Complete" in true:
        return "Complete"
    if "Failed" in true:
        return "Failed"
    if job.get("metadata", {}).get("deletionTimestamp"):
        return "Terminating"
    if "Suspended" in true:
        return "Suspended"
    if "FailureTarget" in true:
        return "FailureTarget"
    return "Running"


def _completions(job: Obj, now: float) -> str:
    spec, status = _spec(job), _status(job)
    succeeded = int(status.get("succeeded", 0) or 0)
    if spec.get("completions") is not None:
        return f"{succeeded}/{spec['completions']}"
    parallelism = spec.get("parallelism") or 0
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def _duration(job: Obj, now: float) -> str:
    status = _status(job)
    start = status.get("startTime")
    if not start:
        return ""
    end = status.get("completionTime")
    return human_duration((parse_time(end) if end else now) - parse_time(start))


JOB = [
    NAME,
    Column("STATUS", _job_status),
    Column("COMPLETIONS", _completions),
    Column("DURATION", _duration, kind="age"),
    AGE,
    *WORKLOAD_WIDE,
]

CRONJOB = [
    NAME,
    Column("SCHEDULE", lambda o, n: _spec(o).get("schedule", "")),
    Column("TIMEZONE", lambda o, n: _spec(o).get("timeZone") or "<none>"),
    Column("SUSPEND", lambda o, n: "True" if _spec(o).get("suspend") else "False"),
    Column("ACTIVE", lambda o, n: str(len(_status(o).get("active") or [])), kind="number"),
    Column("LAST SCHEDULE", lambda o, n: age(_status(o).get("lastScheduleTime"), n)
           if _status(o).get("lastScheduleTime") else "<none>", kind="age"),
    AGE,
    *WORKLOAD_WIDE,
]

REPLICATIONCONTROLLER = [
    NAME,
    Column("DESIRED", lambda o, n: _int(_spec(o).get("replicas", 1)), kind="number"),
    Column("CURRENT", lambda o, n: _int(_status(o).get("replicas")), kind="number"),
    Column("READY", lambda o, n: _int(_status(o).get("readyReplicas")), kind="number"),
    AGE,
    *WORKLOAD_WIDE,
]


# --------------------------------------------------------------------- nodes
def node_status(node: Obj) -> str:
    conds = {c.get("type"): c.get("status") for c in _status(node).get("conditions") or []}
    ready = conds.get("Ready")
    out = ["Ready" if ready == "True" else "NotReady" if ready is not None else "Unknown"]
    if _spec(node).get("unschedulable"):
        out.append("SchedulingDisabled")
    return ",".join(out)


def node_roles(node: Obj) -> str:
    roles = set()
    for k, v in labels_of(node).items():
        if k.startswith("node-role.kubernetes.io/"):
            role = k.split("/", 1)[1]
            if role:
                roles.add(role)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return ",".join(sorted(roles)) or "<none>"


def _address(node: Obj, kind: str) -> str:
    for a in _status(node).get("addresses") or []:
        if a.get("type") == kind:
            return a.get("address", "")
    return "<none>"


def _node_info(field: str) -> Render:
    return lambda o, n: (_status(o).get("nodeInfo") or {}).get(field) or "<unknown>"


NODE = [
    NAME,
    Column("STATUS", lambda o, n: node_status(o)),
    Column("ROLES", lambda o, n: node_roles(o)),
    AGE,
    Column("VERSION", lambda o, n: (_status(o).get("nodeInfo") or {}).get("kubeletVersion", "")),
    Column("INTERNAL-IP", lambda o, n: _address(o, "InternalIP"), wide=True),
    Column("EXTERNAL-IP", lambda o, n: _address(o, "ExternalIP"), wide=True),
    Column("OS-IMAGE", _node_info("osImage"), wide=True),
    Column("KERNEL-VERSION", _node_info("kernelVersion"), wide=True),
    Column("CONTAINER-RUNTIME", _node_info("containerRuntimeVersion"), wide=True),
]

NAMESPACE = [NAME, Column("STATUS", lambda o, n: _status(o).get("phase", "")), AGE]


# ------------------------------------------------------------------ services
def service_external_ip(svc: Obj) -> str:
    spec = _spec(svc)
    stype = spec.get("type", "ClusterIP")
    external = list(spec.get("externalIPs") or [])
    if stype in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if stype == "LoadBalancer":
        lb = _status(svc).get("loadBalancer") or {}
        ingress = [i.get("ip") or i.get("hostname") for i in lb.get("ingress") or []]
        ips = [i for i in ingress if i] + external
        if ips:
            text = ",".join(ips)
            return text if len(text) <= 16 else text[:13] + "..."
        return "<pending>"
    if stype == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def service_ports(svc: Obj) -> str:
    parts = []
    for p in _spec(svc).get("ports") or []:
        text = f"{p.get('port')}"
        if p.get("nodePort"):
            text += f":{p['nodePort']}"
        parts.append(f"{text}/{p.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


SERVICE = [
    NAME,
    Column("TYPE", lambda o, n: _spec(o).get("type", "ClusterIP")),
    Column("CLUSTER-IP", lambda o, n: _spec(o).get("clusterIP") or "<none>"),
    Column("EXTERNAL-IP", lambda o, n: service_external_ip(o)),
    Column("PORT(S)", lambda o, n: service_ports(o)),
    AGE,
    Column("SELECTOR", _selector, wide=True),
]


def _endpoints(ep: Obj, now: float) -> str:
    addrs = []
    for subset in ep.get("subsets") or []:
        ports = [p.get("port") for p in subset.get("ports") or []] or [None]
        for a in subset.get("addresses") or []:
            for port in ports:
                addrs.append(f"{a.get('ip')}:{port}" if port else a.get("ip", ""))
    if not addrs:
        return "<none>"
    text = ",".join(addrs[:3])
    return text + (f" + {len(addrs) - 3} more..." if len(addrs) > 3 else "")


ENDPOINTS = [NAME, Column("ENDPOINTS", _endpoints), AGE]


# -------------------------------------------------------------------- events
def _event_time(ev: Obj, field: str) -> float | None:
    ts = ev.get(field) or ev.get("eventTime")
    return parse_time(ts) if ts else None


def event_last_seen(ev: Obj, now: float) -> str:
    """The apiserver's ``printEvent``: the age of the last occurrence (a series' last
    observation), and nothing else; the count and first sighting are ``-o wide`` columns
    (``kubectl describe`` and ``kubectl events`` are the ones that write "(xN over …)")."""
    observed = (ev.get("series") or {}).get("lastObservedTime")
    last = parse_time(observed) if observed else _event_time(ev, "lastTimestamp")
    if last is None:
        last = _event_time(ev, "firstTimestamp")
    return "<unknown>" if last is None else human_duration(now - last)


def event_object(ev: Obj, now: float) -> str:
    io = ev.get("involvedObject") or {}
    kind = (io.get("kind") or "").lower()
    api = io.get("apiVersion") or ""
    group = api.split("/")[0] if "/" in api else ""
    return f"{kind}.{group}/{io.get('name', '')}" if group else f"{kind}/{io.get('name', '')}"


def _source(ev: Obj, now: float) -> str:
    src = ev.get("source") or {}
    comp = src.get("component") or ev.get("reportingComponent") or ""
    host = src.get("host")
    return f"{comp}, {host}" if host else comp


EVENT = [
    Column("LAST SEEN", event_last_seen, kind="age"),
    Column("TYPE", lambda o, n: o.get("type", "")),
    Column("REASON", lambda o, n: o.get("reason", "")),
    Column("OBJECT", event_object),
    Column("SUBOBJECT", lambda o, n: (o.get("involvedObject") or {}).get("fieldPath", ""), wide=True),
    Column("SOURCE", _source, wide=True),
    Column("MESSAGE", lambda o, n: (o.get("message") or "").strip()),
    Column("FIRST SEEN", lambda o, n: age(o.get("firstTimestamp"), n), wide=True, kind="age"),
    Column("COUNT", lambda o, n: str(o.get("count") or 1), wide=True, kind="number"),
    Column("NAME", _name, wide=True),
]


# ------------------------------------------------------------------- config
CONFIGMAP = [NAME, Column("DATA", lambda o, n: str(len(o.get("data") or {}) + len(o.get("binaryData") or {})),
                          kind="number"), AGE]
SECRET = [NAME, Column("TYPE", lambda o, n: o.get("type", "Opaque")),
          Column("DATA", lambda o, n: str(len(o.get("data") or {}) + len(o.get("stringData") or {})),
                 kind="number"), AGE]
SERVICEACCOUNT = [NAME, Column("SECRETS", lambda o, n: str(len(o.get("secrets") or [])), kind="number"), AGE]


def _created_at(obj: Obj, now: float) -> str:
    return obj["metadata"].get("creationTimestamp", "")


ROLE = [NAME, Column("CREATED AT", _created_at)]


def _binding_role(obj: Obj, now: float) -> str:
    ref = obj.get("roleRef") or {}
    return f"{ref.get('kind', '')}/{ref.get('name', '')}"


def _subjects(kind: str) -> Render:
    def render(obj: Obj, now: float) -> str:
        out = []
        for s in obj.get("subjects") or []:
            if s.get("kind") != kind:
                continue
            name = s.get("name", "")
            if kind == "ServiceAccount":
                name = f"{s.get('namespace', '')}/{name}"
            out.append(name)
        return ", ".join(out)
    return render


BINDING = [NAME, Column("ROLE", _binding_role), AGE,
           Column("USERS", _subjects("User"), wide=True), Column("GROUPS", _subjects("Group"), wide=True),
           Column("SERVICEACCOUNTS", _subjects("ServiceAccount"), wide=True)]


_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))


def _access_modes(modes: list[str]) -> str:
    """``GetAccessModesAsString``: always in RWO, ROX, RWX, RWOP order."""
    return ",".join(short for mode, short in _ACCESS_MODES if mode in modes)


def _volume_phase(obj: Obj, now: float) -> str:
    return "Terminating" if obj["metadata"].get("deletionTimestamp") else _status(obj).get("phase", "")


def _storage_class(obj: Obj, now: float) -> str:
    beta = (obj["metadata"].get("annotations") or {}).get("volume.beta.kubernetes.io/storage-class")
    return beta or _spec(obj).get("storageClassName") or "<unset>"


PVC = [
    NAME,
    Column("STATUS", _volume_phase),
    Column("VOLUME", lambda o, n: _spec(o).get("volumeName", "")),
    Column("CAPACITY", lambda o, n: (_status(o).get("capacity") or {}).get("storage", "")),
    Column("ACCESS MODES", lambda o, n: _access_modes(_status(o).get("accessModes") or [])),
    Column("STORAGECLASS", _storage_class),
    Column("VOLUMEATTRIBUTESCLASS", lambda o, n: _spec(o).get("volumeAttributesClassName") or "<unset>"),
    AGE,
    Column("VOLUMEMODE", lambda o, n: _spec(o).get("volumeMode", "Filesystem"), wide=True),
]


def _claim(pv: Obj, now: float) -> str:
    ref = _spec(pv).get("claimRef")
    return f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""


PV = [
    NAME,
    Column("CAPACITY", lambda o, n: (_spec(o).get("capacity") or {}).get("storage", "")),
    Column("ACCESS MODES", lambda o, n: _access_modes(_spec(o).get("accessModes") or [])),
    Column("RECLAIM POLICY", lambda o, n: _spec(o).get("persistentVolumeReclaimPolicy", "")),
    Column("STATUS", _volume_phase),
    Column("CLAIM", _claim),
    Column("STORAGECLASS", _storage_class),
    Column("VOLUMEATTRIBUTESCLASS", lambda o, n: _spec(o).get("volumeAttributesClassName") or "<unset>"),
    Column("REASON", lambda o, n: _status(o).get("reason", "")),
    AGE,
    Column("VOLUMEMODE", lambda o, n: _spec(o).get("volumeMode", "Filesystem"), wide=True),
]

STORAGECLASS = [
    Column("NAME", lambda o, n: o["metadata"]["name"] + (
        " (default)" if (o["metadata"].get("annotations") or {}).get(
            "storageclass.kubernetes.io/is-default-class") == "true" else "")),
    Column("PROVISIONER", lambda o, n: o.get("provisioner", "")),
    Column("RECLAIMPOLICY", lambda o, n: o.get("reclaimPolicy", "Delete")),
    Column("VOLUMEBINDINGMODE", lambda o, n: o.get("volumeBindingMode", "Immediate")),
    Column("ALLOWVOLUMEEXPANSION", lambda o, n: "true" if o.get("allowVolumeExpansion") else "false"),
    AGE,
]

PRIORITYCLASS = [
    NAME,
    Column("VALUE", lambda o, n: str(o.get("value", 0)), kind="number"),
    Column("GLOBAL-DEFAULT", lambda o, n: "true" if o.get("globalDefault") else "false"),
    AGE,
    Column("PREEMPTIONPOLICY", lambda o, n: o.get("preemptionPolicy", "PreemptLowerPriority")),
]


def _ingress_hosts(ing: Obj, now: float) -> str:
    hosts = [r.get("host") for r in _spec(ing).get("rules") or [] if r.get("host")]
    if not hosts:
        return "*"
    text = ",".join(hosts[:4])
    return text + (f" + {len(hosts) - 4} more..." if len(hosts) > 4 else "")


def _ingress_address(ing: Obj, now: float) -> str:
    ips = [i.get("ip") or i.get("hostname") for i in (_status(ing).get("loadBalancer") or {}).get("ingress") or []]
    return ",".join(i for i in ips if i)


INGRESS = [
    NAME,
    Column("CLASS", lambda o, n: _spec(o).get("ingressClassName") or "<none>"),
    Column("HOSTS", _ingress_hosts),
    Column("ADDRESS", _ingress_address),
    Column("PORTS", lambda o, n: "80, 443" if _spec(o).get("tls") else "80"),
    AGE,
]


def _hpa_reference(hpa: Obj, now: float) -> str:
    ref = _spec(hpa).get("scaleTargetRef") or {}
    return f"{ref.get('kind', '')}/{ref.get('name', '')}"


HPA = [
    NAME,
    Column("REFERENCE", _hpa_reference),
    Column("TARGETS", lambda o, n: _hpa_targets(o)),
    Column("MINPODS", lambda o, n: str(_spec(o).get("minReplicas", 1)), kind="number"),
    Column("MAXPODS", lambda o, n: str(_spec(o).get("maxReplicas", 0)), kind="number"),
    Column("REPLICAS", lambda o, n: _int(_status(o).get("currentReplicas")), kind="number"),
    AGE,
]


def _hpa_targets(hpa: Obj) -> str:
    spec, status = _spec(hpa), _status(hpa)
    if "targetCPUUtilizationPercentage" in spec:  # autoscaling/v1
        cur = status.get("currentCPUUtilizationPercentage")
        return f"cpu: {f'{cur}%' if cur is not None else '<unknown>'}/{spec['targetCPUUtilizationPercentage']}%"
    current = status.get("currentMetrics") or []
    out = []
    for i, m in enumerate(spec.get("metrics") or []):
        if m.get("type") != "Resource":
            out.append("<unknown>")
            continue
        res = m.get("resource") or {}
        target = res.get("target") or {}
        cur = ((current[i] if i < len(current) else {}).get("resource") or {}).get("current") or {}
        if target.get("type") == "Utilization":
            have = f"{cur['averageUtilization']}%" if "averageUtilization" in cur else "<unknown>"
            out.append(f"{res.get('name')}: {have}/{target.get('averageUtilization')}%")
        else:
            have = cur.get("averageValue", "<unknown>")
            out.append(f"{res.get('name')}: {have}/{target.get('averageValue', target.get('value', ''))}")
    return ", ".join(out) or "<none>"


PDB = [
    NAME,
    Column("MIN AVAILABLE", lambda o, n: str(_spec(o).get("minAvailable", "N/A"))),
    Column("MAX UNAVAILABLE", lambda o, n: str(_spec(o).get("maxUnavailable", "N/A"))),
    Column("ALLOWED DISRUPTIONS", lambda o, n: _int(_status(o).get("disruptionsAllowed")), kind="number"),
    AGE,
]

RESOURCEQUOTA = [NAME, AGE, Column("REQUEST", lambda o, n: _quota(o, False)),
                 Column("LIMIT", lambda o, n: _quota(o, True))]


def _quota(q: Obj, limits: bool) -> str:
    hard = _status(q).get("hard") or _spec(q).get("hard") or {}
    used = _status(q).get("used") or {}
    out = []
    for k in sorted(hard):
        if k.startswith("limits.") != limits:
            continue
        out.append(f"{k}: {used.get(k, '0')}/{hard[k]}")
    return ", ".join(out)


LEASE = [NAME, Column("HOLDER", lambda o, n: _spec(o).get("holderIdentity", "")), AGE]
CONTROLLERREVISION = [
    NAME,
    Column("CONTROLLER", lambda o, n: next((f"{r.get('kind', '').lower()}.apps/{r.get('name')}"
                                            for r in o["metadata"].get("ownerReferences") or [] if r.get("controller")),
                                           "<none>")),
    Column("REVISION", lambda o, n: str(o.get("revision", 0)), kind="number"),
    AGE,
]
INGRESSCLASS = [NAME, Column("CONTROLLER", lambda o, n: _spec(o).get("controller", "")),
                Column("PARAMETERS", lambda o, n: "<none>"), AGE]
NETWORKPOLICY = [NAME, Column("POD-SELECTOR", lambda o, n: format_label_selector(_spec(o).get("podSelector"))
                              .replace("<none>", "<none>")), AGE]
def _list_with_more(items: list[str], limit: int = 3) -> str:
    """``listWithMoreString``: the first three, then `` + N more...``; ``<unset>`` if none."""
    text = ",".join(items[:limit])
    if len(items) > limit:
        return f"{text} + {len(items) - limit} more..."
    return text or "<unset>"


def _slice_ports(o: Obj, now: float) -> str:
    return _list_with_more([str(p["port"]) if p.get("port") is not None else p.get("name") or "*"
                            for p in o.get("ports") or []])


ENDPOINTSLICE = [
    NAME,
    Column("ADDRESSTYPE", lambda o, n: o.get("addressType", "")),
    Column("PORTS", _slice_ports),
    Column("ENDPOINTS", lambda o, n: _list_with_more([a for e in o.get("endpoints") or []
                                                      for a in e.get("addresses") or []])),
    AGE,
]
LIMITRANGE = [NAME, Column("CREATED AT", _created_at)]
PODTEMPLATE = [
    NAME,
    Column("CONTAINERS", _containers),
    Column("IMAGES", _images),
    Column("POD LABELS", lambda o, n: ",".join(f"{k}={v}" for k, v in sorted(
        ((_template(o).get("metadata") or {}).get("labels") or {}).items()))),
]

TABLES: dict[str, list[Column]] = {
    "Pod": POD,
    "Deployment": DEPLOYMENT,
    "ReplicaSet": REPLICASET,
    "ReplicationController": REPLICATIONCONTROLLER,
    "DaemonSet": DAEMONSET,
    "StatefulSet": STATEFULSET,
    "Job": JOB,
    "CronJob": CRONJOB,
    "Node": NODE,
    "Namespace": NAMESPACE,
    "Service": SERVICE,
    "Endpoints": ENDPOINTS,
    "Event": EVENT,
    "ConfigMap": CONFIGMAP,
    "Secret": SECRET,
    "ServiceAccount": SERVICEACCOUNT,
    "Role": ROLE,
    "ClusterRole": ROLE,
    "RoleBinding": BINDING,
    "ClusterRoleBinding": BINDING,
    "PersistentVolumeClaim": PVC,
    "PersistentVolume": PV,
    "StorageClass": STORAGECLASS,
    "PriorityClass": PRIORITYCLASS,
    "Ingress": INGRESS,
    "HorizontalPodAutoscaler": HPA,
    "PodDisruptionBudget": PDB,
    "ResourceQuota": RESOURCEQUOTA,
    "LimitRange": LIMITRANGE,
    "Lease": LEASE,
    "ControllerRevision": CONTROLLERREVISION,
    "IngressClass": INGRESSCLASS,
    "NetworkPolicy": NETWORKPOLICY,
    "EndpointSlice": ENDPOINTSLICE,
    "PodTemplate": PODTEMPLATE,
}


def columns_for(kind: str, *, wide: bool = False) -> list[Column]:
    """The columns ``kubectl get`` shows for ``kind`` (NAME, AGE for kinds without a printer)."""
    cols = TABLES.get(kind, [NAME, AGE])
    return [c for c in cols if wide or not c.wide]
