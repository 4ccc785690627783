"""``kubectl describe pod`` and the pieces other describers share with it: containers,
volumes, pod templates, QoS class and a pod's effective requests and limits.

Follows ``describePod``, ``describeContainers``, ``describeVolumes`` and
``DescribePodTemplate`` of kubectl v1.34.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any
from urllib.parse import quote

from k9play.api.meta import Obj, annotations_of, labels_of, name_of, namespace_of
from k9play.kubectl.describe_util import (
    DECIMAL_SI,
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    PrefixWriter,
    controlled_by,
    describe_events,
    format_quantity,
    go_bool,
    go_value,
    parse_quantity,
    print_annotations_multiline,
    print_labels_multiline,
    print_tolerations_multiline,
    quantity_string,
    rfc1123z,
    selector_string,
    since,
)


def describe_pod(pod: Obj, events: list[Obj], now: float) -> str:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(pod)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(pod)}\n")
    if spec.get("priority") is not None:
        w.write(LEVEL_0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(LEVEL_0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(LEVEL_0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(LEVEL_0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if not spec.get("nodeName"):
        w.write(LEVEL_0, "Node:\t<none>\n")
    else:
        w.write(LEVEL_0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    if status.get("startTime"):
        w.write(LEVEL_0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    print_labels_multiline(w, "Labels", labels_of(pod))
    print_annotations_multiline(w, "Annotations", annotations_of(pod))
    meta = pod.get("metadata") or {}
    if meta.get("deletionTimestamp") and status.get("phase") not in ("Failed", "Succeeded"):
        w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
        w.write(LEVEL_0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(LEVEL_0, f"Status:\t{status.get('phase', '')}\n")
    if status.get("reason"):
        w.write(LEVEL_0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(LEVEL_0, f"Message:\t{status['message']}\n")
    seccomp = (spec.get("securityContext") or {}).get("seccompProfile")
    if seccomp:
        w.write(LEVEL_0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(LEVEL_0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
    w.write(LEVEL_0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if not ips:
        w.write(LEVEL_0, "IPs:\t<none>\n")
    else:
        w.write(LEVEL_0, "IPs:\n")
        for ip in ips:
            w.write(LEVEL_1, f"IP:\t{ip.get('ip', '')}\n")
    if controller := controlled_by(pod):
        w.write(LEVEL_0, f"Controlled By:\t{controller}\n")
    if status.get("nominatedNodeName"):
        w.write(LEVEL_0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("resources") is not None:
        w.write(LEVEL_0, "Resources:\n")
        describe_resources(w, spec["resources"], LEVEL_1)
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), pod)
    describe_containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), pod)
    if spec.get("ephemeralContainers"):
        describe_containers(w, "Ephemeral Containers", spec["ephemeralContainers"],
                            status.get("ephemeralContainerStatuses"), pod)
    conditions = status.get("conditions") or []
    if spec.get("readinessGates"):
        w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in spec["readinessGates"]:
            ctype = gate.get("conditionType", "")
            found = next((c.get("status", "") for c in conditions if c.get("type") == ctype), "<none>")
            w.write(LEVEL_1, f"{ctype} \t{found} \n")
    if conditions:
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n")
        for c in conditions:
            w.write(LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')} \n")
    describe_volumes(w, spec.get("volumes"), "")
    w.write(LEVEL_0, f"QoS Class:\t{qos_class(pod)}\n")
    print_labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    print_tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    describe_topology_spread(w, spec.get("topologySpreadConstraints"), "")
    describe_events(w, events, now)
    return w.render()


# ---------------------------------------------------------------- templates
def describe_pod_template(w: PrefixWriter, template: Obj | None) -> None:
    """``DescribePodTemplate``, the ``Pod Template:`` block of the workload describers."""
    w.write(LEVEL_0, "Pod Template:\n")
    if template is None:
        w.write(LEVEL_1, "<unset>")
        return
    tmeta, spec = template.get("metadata") or {}, template.get("spec") or {}
    print_labels_multiline(w, "  Labels", tmeta.get("labels"))
    if tmeta.get("annotations"):
        print_annotations_multiline(w, "  Annotations", tmeta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(LEVEL_1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], None, None, "  ")
    describe_containers(w, "Containers", spec.get("containers") or [], None, None, "  ")
    describe_volumes(w, spec.get("volumes"), "  ")
    describe_topology_spread(w, spec.get("topologySpreadConstraints"), "  ")
    if spec.get("priorityClassName"):
        w.write(LEVEL_1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    print_labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    print_tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))


# --------------------------------------------------------------- containers
def describe_containers(w: PrefixWriter, label: str, containers: list[Obj], statuses: list[Obj] | None,
                        pod: Obj | None, space: str = "") -> None:
    """``describeContainers``; ``pod`` resolves ``fieldRef`` env values (``None`` in templates)."""
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(LEVEL_0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for c in containers:
        status = by_name.get(c.get("name"))
        _container_basic_info(w, c, status, space)
        _container_command(w, c)
        if status is not None:
            _container_state(w, status)
        describe_resources(w, c.get("resources"), LEVEL_2)
        for key, title in (("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"),
                           ("startupProbe", "Startup")):
            if c.get(key) is not None:
                w.write(LEVEL_2, f"{title}:\t{describe_probe(c[key])}\n")
        if c.get("envFrom"):
            _container_env_from(w, c)
        _container_env(w, c, pod)
        _container_mounts(w, c)


def _container_basic_info(w: PrefixWriter, c: Obj, status: Obj | None, space: str) -> None:
    w.write(LEVEL_1, f"{' ' if space else ''}{c.get('name', '')}:\n")
    if status is not None:
        w.write(LEVEL_2, f"Container ID:\t{status.get('containerID', '')}\n")
    w.write(LEVEL_2, f"Image:\t{c.get('image', '')}\n")
    if status is not None:
        w.write(LEVEL_2, f"Image ID:\t{status.get('imageID', '')}\n")
    ports = c.get("ports") or []
    port_text = _ports(ports, "containerPort")
    if "," in port_text:
        w.write(LEVEL_2, f"Ports:\t{port_text}\n")
    else:
        w.write(LEVEL_2, f"Port:\t{port_text or '<none>'}\n")
    host_text = _ports(ports, "hostPort")
    if "," in host_text:
        w.write(LEVEL_2, f"Host Ports:\t{host_text}\n")
    else:
        w.write(LEVEL_2, f"Host Port:\t{host_text or '<none>'}\n")
    seccomp = (c.get("securityContext") or {}).get("seccompProfile")
    if seccomp:
        w.write(LEVEL_2, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(LEVEL_3, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")


def _ports(ports: list[Obj], field: str) -> str:
    out = []
    for p in ports:
        text = f"{p.get(field, 0)}/{p.get('protocol', '')}"
        if p.get("name"):
            text += f" ({p['name']})"
        out.append(text)
    return ", ".join(out)


def _container_command(w: PrefixWriter, c: Obj) -> None:
    for key, title in (("command", "Command"), ("args", "Args")):
        if c.get(key):
            w.write(LEVEL_2, f"{title}:\n")
            for item in c[key]:
                for line in str(item).split("\n"):
                    w.write(LEVEL_3, f"{line}\n")


def describe_resources(w: PrefixWriter, resources: Obj | None, level: int) -> None:
    """``describeResources``: ``Limits:`` then ``Requests:``, resource names sorted."""
    if resources is None:
        return
    for key, title in (("limits", "Limits"), ("requests", "Requests")):
        values = resources.get(key) or {}
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{quantity_string(values[name])}\n")


def _container_state(w: PrefixWriter, status: Obj) -> None:
    _describe_state(w, "State", status.get("state") or {})
    last = status.get("lastState") or {}
    if last.get("terminated") is not None:
        _describe_state(w, "Last State", last)
    w.write(LEVEL_2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
    w.write(LEVEL_2, f"Restart Count:\t{int(status.get('restartCount') or 0)}\n")


def _describe_state(w: PrefixWriter, title: str, state: Obj) -> None:
    if state.get("running") is not None:
        w.write(LEVEL_2, f"{title}:\tRunning\n")
        w.write(LEVEL_3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(LEVEL_2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(LEVEL_3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        term = state["terminated"]
        w.write(LEVEL_2, f"{title}:\tTerminated\n")
        if term.get("reason"):
            w.write(LEVEL_3, f"Reason:\t{term['reason']}\n")
        if term.get("message"):
            w.write(LEVEL_3, f"Message:\t{term['message']}\n")
        w.write(LEVEL_3, f"Exit Code:\t{int(term.get('exitCode') or 0)}\n")
        if int(term.get("signal") or 0) > 0:
            w.write(LEVEL_3, f"Signal:\t{term['signal']}\n")
        w.write(LEVEL_3, f"Started:\t{rfc1123z(term.get('startedAt'))}\n")
        w.write(LEVEL_3, f"Finished:\t{rfc1123z(term.get('finishedAt'))}\n")
    else:
        w.write(LEVEL_2, f"{title}:\tWaiting\n")


def describe_probe(probe: Obj) -> str:
    """``DescribeProbe``: ``http-get http://:8080/healthz delay=0s timeout=1s period=10s …``."""
    attrs = (f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 1)}s "
             f"period={probe.get('periodSeconds', 10)}s #success={probe.get('successThreshold', 1)} "
             f"#failure={probe.get('failureThreshold', 3)}")
    if probe.get("exec") is not None:
        return f"exec {go_value(list(probe['exec'].get('command') or []))} {attrs}"
    if probe.get("httpGet") is not None:
        get = probe["httpGet"]
        scheme = str(get.get("scheme") or "").lower()
        port = str(get.get("port", ""))
        host = get.get("host") or ""
        if ":" in host:
            host = f"[{host}]"
        hostport = f"{host}:{port}" if port else host
        path = quote(get.get("path") or "", safe="/!$&'()*+,;=:@~")
        prefix = f"{scheme}:" if scheme else ""
        auth = f"//{hostport}" if hostport or path else ""
        return f"http-get {prefix}{auth}{path} {attrs}"
    if probe.get("tcpSocket") is not None:
        sock = probe["tcpSocket"]
        return f"tcp-socket {sock.get('host', '')}:{sock.get('port', '')} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"]
        return f"grpc <pod>:{grpc.get('port', 0)} {grpc.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _container_env_from(w: PrefixWriter, c: Obj) -> None:
    w.write(LEVEL_2, "Environment Variables from:\n")
    for e in c.get("envFrom") or []:
        source, name, optional = "", "", False
        if e.get("configMapRef") is not None:
            source, ref = "ConfigMap", e["configMapRef"]
            name, optional = ref.get("name", ""), bool(ref.get("optional"))
        elif e.get("secretRef") is not None:
            source, ref = "Secret", e["secretRef"]
            name, optional = ref.get("name", ""), bool(ref.get("optional"))
        if e.get("prefix"):
            w.write(LEVEL_3, f"{name}\t{source} with prefix '{e['prefix']}'\tOptional: {go_bool(optional)}\n")
        else:
            w.write(LEVEL_3, f"{name}\t{source}\tOptional: {go_bool(optional)}\n")


def _container_env(w: PrefixWriter, c: Obj, pod: Obj | None) -> None:
    env = c.get("env") or []
    w.write(LEVEL_2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
    for e in env:
        name, value_from = e.get("name", ""), e.get("valueFrom")
        if value_from is None:
            for i, line in enumerate(str(e.get("value", "")).split("\n")):
                w.write(LEVEL_3, f"{name}:\t{line}\n" if i == 0 else f"\t{line}\n")
            continue
        if value_from.get("fieldRef") is not None:
            ref = value_from["fieldRef"]
            value = _field_ref_value(pod, ref.get("fieldPath", "")) if pod is not None else ""
            w.write(LEVEL_3, f"{name}:\t{value} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})\n")
        elif value_from.get("resourceFieldRef") is not None:
            ref = value_from["resourceFieldRef"]
            resource = ref.get("resource", "")
            value = _resource_field_value(ref, c)
            if value == "0" and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(LEVEL_3, f"{name}:\t{value} ({resource})\n")
        elif value_from.get("secretKeyRef") is not None:
            ref = value_from["secretKeyRef"]
            w.write(LEVEL_3, f"{name}:\t<set to the key '{ref.get('key', '')}' in secret '{ref.get('name', '')}'>"
                             f"\tOptional: {go_bool(ref.get('optional'))}\n")
        elif value_from.get("configMapKeyRef") is not None:
            ref = value_from["configMapKeyRef"]
            w.write(LEVEL_3, f"{name}:\t<set to the key '{ref.get('key', '')}' of config map '{ref.get('name', '')}'>"
                             f"\tOptional: {go_bool(ref.get('optional'))}\n")


def _field_ref_value(pod: Obj, path: str) -> str:
    """``EnvValueRetriever``: kubectl itself only resolves the pod's name and namespace."""
    if path == "metadata.name":
        return name_of(pod)
    if path == "metadata.namespace":
        return namespace_of(pod)
    return ""


def _resource_field_value(ref: Obj, c: Obj) -> str:
    """``ExtractContainerResourceValue``: the container's request or limit over the divisor."""
    kind, _, resource = str(ref.get("resource", "")).partition(".")
    if kind not in ("limits", "requests") or (
            resource not in ("cpu", "memory", "ephemeral-storage") and not resource.startswith("hugepages-")):
        return ""
    divisor, _ = parse_quantity(ref.get("divisor") or "1")
    if divisor == 0:
        divisor = Fraction(1)
    amount, _ = parse_quantity(((c.get("resources") or {}).get(kind) or {}).get(resource, 0))
    if resource == "cpu":
        return str(math.ceil(math.ceil(amount * 1000) / math.ceil(divisor * 1000)))
    return str(math.ceil(math.ceil(amount) / math.ceil(divisor)))


def _container_mounts(w: PrefixWriter, c: Obj) -> None:
    mounts = c.get("volumeMounts") or []
    none = "" if mounts else "\t<none>"
    w.write(LEVEL_2, f"Mounts:{none}\n")
    for m in sorted(mounts, key=lambda m: m.get("mountPath", "")):
        flags = ["ro" if m.get("readOnly") else "rw"]
        if m.get("subPath"):
            flags.append(f'path="{m["subPath"]}"')
        w.write(LEVEL_3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")
    devices = c.get("volumeDevices") or []
    if devices:
        w.write(LEVEL_2, f"Devices:{none}\n")
        for d in sorted(devices, key=lambda d: d.get("devicePath", "")):
            w.write(LEVEL_3, f"{d.get('devicePath', '')} from {d.get('name', '')}\n")


# ------------------------------------------------------------------ volumes
def describe_volumes(w: PrefixWriter, volumes: list[Obj] | None, space: str) -> None:
    """``describeVolumes``: one block per volume, by source type."""
    if not volumes:
        w.write(LEVEL_0, f"{space}Volumes:\t<none>\n")
        return
    w.write(LEVEL_0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(LEVEL_1, f"{' ' if space else ''}{v.get('name', '')}:\n")
        for key, printer in _VOLUME_PRINTERS:
            if v.get(key) is not None:
                printer(w, v[key])
                break
        else:
            w.write(LEVEL_1, "<unknown>\n")


def _lines(w: PrefixWriter, type_text: str, *fields: tuple[str, Any]) -> None:
    """A ``Type:`` line then ``Field:`` lines, all at the volume's level."""
    w.write(LEVEL_2, f"Type:\t{type_text}\n")
    for title, value in fields:
        w.write(LEVEL_2, f"{title}:\t{value}\n")


def _host_path(w: PrefixWriter, src: Obj) -> None:
    hp_type = src.get("type")
    _lines(w, "HostPath (bare host directory volume)", ("Path", src.get("path", "")),
           ("HostPathType", "<none>" if hp_type is None else hp_type))


def _empty_dir(w: PrefixWriter, src: Obj) -> None:
    limit = src.get("sizeLimit")
    amount, _ = parse_quantity(limit)
    _lines(w, "EmptyDir (a temporary directory that shares a pod's lifetime)", ("Medium", src.get("medium", "")),
           ("SizeLimit", quantity_string(limit) if limit is not None and amount > 0 else "<unset>"))


def _git_repo(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "GitRepo (a volume that is pulled from git when the pod is created)",
           ("Repository", src.get("repository", "")), ("Revision", src.get("revision", "")))


def _secret(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "Secret (a volume populated by a Secret)", ("SecretName", src.get("secretName", "")),
           ("Optional", go_bool(src.get("optional"))))


def _config_map(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "ConfigMap (a volume populated by a ConfigMap)", ("Name", src.get("name", "")),
           ("Optional", go_bool(src.get("optional"))))


def _nfs(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "NFS (an NFS mount that lasts the lifetime of a pod)", ("Server", src.get("server", "")),
           ("Path", src.get("path", "")), ("ReadOnly", go_bool(src.get("readOnly"))))


def _pvc(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
           ("ClaimName", src.get("claimName", "")), ("ReadOnly", go_bool(src.get("readOnly"))))


def _ephemeral(w: PrefixWriter, src: Obj) -> None:
    w.write(LEVEL_2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted "
                     "with the pod)\n")
    tmpl = src.get("volumeClaimTemplate")
    if tmpl is None:
        return
    spec, meta = tmpl.get("spec") or {}, tmpl.get("metadata") or {}
    pad = "    "
    w.write(LEVEL_2, f"StorageClass:\t{spec.get('storageClassName', '')}\n")
    w.write(LEVEL_2, f"Volume:\t{spec.get('volumeName', '')}\n")
    print_labels_multiline(w, pad + "Labels", meta.get("labels"))
    print_annotations_multiline(w, pad + "Annotations", meta.get("annotations"))
    w.write(LEVEL_2, "Capacity:\t\n")
    w.write(LEVEL_2, "Access Modes:\t\n")
    if spec.get("volumeMode"):
        w.write(LEVEL_2, f"VolumeMode:\t{spec['volumeMode']}\n")


def _downward_api(w: PrefixWriter, src: Obj) -> None:
    w.write(LEVEL_2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
    for item in src.get("items") or []:
        if item.get("fieldRef") is not None:
            w.write(LEVEL_3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n")
        if item.get("resourceFieldRef") is not None:
            w.write(LEVEL_3, f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n")


def _projected(w: PrefixWriter, src: Obj) -> None:
    w.write(LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for s in src.get("sources") or []:
        if s.get("secret") is not None:
            w.write(LEVEL_2, f"SecretName:\t{s['secret'].get('name', '')}\n")
            w.write(LEVEL_2, f"Optional:\t{go_bool(s['secret'].get('optional'))}\n")
        elif s.get("downwardAPI") is not None:
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n")
        elif s.get("configMap") is not None:
            w.write(LEVEL_2, f"ConfigMapName:\t{s['configMap'].get('name', '')}\n")
            w.write(LEVEL_2, f"Optional:\t{go_bool(s['configMap'].get('optional'))}\n")
        elif s.get("serviceAccountToken") is not None:
            w.write(LEVEL_2, f"TokenExpirationSeconds:\t{s['serviceAccountToken'].get('expirationSeconds', 3600)}\n")


def _csi(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "CSI (a Container Storage Interface (CSI) volume source)", ("Driver", src.get("driver", "")),
           ("FSType", src.get("fsType") or ""), ("ReadOnly", go_bool(src.get("readOnly"))))
    attrs = src.get("volumeAttributes") or {}
    w.write(LEVEL_2, "VolumeAttributes:\t")
    if not attrs:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(attrs)):
        if i:
            w.write(LEVEL_2, "\t")
        line = f"{key}={attrs[key]}"
        w.write(LEVEL_2, f"{line[:140]}...\n" if len(line) > 140 else f"{line}\n")


def _image(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "Image (a container image or OCI artifact)", ("Reference", src.get("reference", "")),
           ("PullPolicy", src.get("pullPolicy", "")))


_VOLUME_PRINTERS = (
    ("hostPath", _host_path),
    ("emptyDir", _empty_dir),
    ("gitRepo", _git_repo),
    ("secret", _secret),
    ("configMap", _config_map),
    ("nfs", _nfs),
    ("persistentVolumeClaim", _pvc),
    ("ephemeral", _ephemeral),
    ("downwardAPI", _downward_api),
    ("projected", _projected),
    ("csi", _csi),
    ("image", _image),
)


def describe_topology_spread(w: PrefixWriter, constraints: list[Obj] | None, space: str) -> None:
    """``describeTopologySpreadConstraints``, sorted by topology key."""
    if not constraints:
        return
    w.write(LEVEL_0, f"{space}Topology Spread Constraints:\t")
    for i, tsc in enumerate(sorted(constraints, key=lambda t: t.get("topologyKey", ""))):
        if i:
            w.write(LEVEL_0, f"{space}\t")
        text = (f"{tsc.get('topologyKey', '')}:{tsc.get('whenUnsatisfiable', '')} "
                f"when max skew {tsc.get('maxSkew', 0)} is exceeded")
        if tsc.get("labelSelector") is not None:
            text += f" for selector {selector_string(tsc['labelSelector']) or '<none>'}"
        w.write(LEVEL_0, text + "\n")


# ------------------------------------------------------------- QoS, totals
def qos_class(pod: Obj) -> str:
    """``qos.GetPodQOS``: the recorded class, else computed from requests and limits."""
    recorded = (pod.get("status") or {}).get("qosClass")
    if recorded:
        return recorded
    spec = pod.get("spec") or {}
    requests: dict[str, Fraction] = {}
    limits: dict[str, Fraction] = {}
    guaranteed = True
    for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
        res = c.get("resources") or {}
        for name, q in (res.get("requests") or {}).items():
            amount, _ = parse_quantity(q)
            if name in ("cpu", "memory") and amount > 0:
                requests[name] = requests.get(name, Fraction(0)) + amount
        found = set()
        for name, q in (res.get("limits") or {}).items():
            amount, _ = parse_quantity(q)
            if name in ("cpu", "memory") and amount > 0:
                found.add(name)
                limits[name] = limits.get(name, Fraction(0)) + amount
        if found != {"cpu", "memory"}:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(limits.get(n) == v for n, v in requests.items()) and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


Totals = dict[str, tuple[Fraction, str]]


def add_totals(total: Totals, other: Totals) -> None:
    """``addResourceList``: sums keep the format of the quantity that came first."""
    for name, (amount, fmt) in other.items():
        if name in total:
            total[name] = (total[name][0] + amount, total[name][1])
        else:
            total[name] = (amount, fmt)


def _max(total: Totals, other: Totals) -> None:
    """``maxResourceList``: a larger quantity replaces the current one, format and all."""
    for name, (amount, fmt) in other.items():
        if name not in total or amount > total[name][0]:
            total[name] = (amount, fmt)


def _parsed(values: Obj | None) -> Totals:
    return {name: parse_quantity(q) for name, q in (values or {}).items()}


def pod_totals(pod: Obj, key: str) -> Totals:
    """``resourcehelper.PodRequests``/``PodLimits`` (``key`` is ``requests`` or ``limits``):
    app containers plus sidecars, at least the largest init container, pod-level values for
    cpu and memory, plus overhead."""
    spec = pod.get("spec") or {}
    total: Totals = {}
    for c in spec.get("containers") or []:
        add_totals(total, _parsed((c.get("resources") or {}).get(key)))
    sidecars: Totals = {}
    init_max: Totals = {}
    for c in spec.get("initContainers") or []:
        values = _parsed((c.get("resources") or {}).get(key))
        if c.get("restartPolicy") == "Always":
            add_totals(total, values)
            add_totals(sidecars, values)
            _max(init_max, sidecars)
        else:
            add_totals(values, sidecars)
            _max(init_max, values)
    _max(total, init_max)
    pod_level = _parsed((spec.get("resources") or {}).get(key))
    for name in ("cpu", "memory"):
        if name in pod_level:
            total[name] = pod_level[name]
    for name, value in _parsed(spec.get("overhead")).items():
        if key == "requests" or name in total:
            add_totals(total, {name: value})
    return total


def total_string(totals: Totals, name: str) -> str:
    """A total as ``Quantity.String()`` prints it (``0`` when absent)."""
    amount, fmt = totals.get(name, (Fraction(0), DECIMAL_SI))
    return format_quantity(amount, fmt)
