"""``kubectl describe node`` (kubectl v1.34's ``describeNode`` and ``describeNodeResource``)."""

from __future__ import annotations

import math
from fractions import Fraction

from k9play.api.meta import Obj, annotations_of, labels_of, name_of
from k9play.api.store import ObjectStore
from k9play.kubectl.columns import node_roles
from k9play.kubectl.describe_pod import Totals, add_totals, pod_totals, total_string
from k9play.kubectl.describe_util import (
    LEVEL_0,
    LEVEL_1,
    PrefixWriter,
    describe_events,
    go_bool,
    parse_quantity,
    print_annotations_multiline,
    print_labels_multiline,
    print_taints_multiline,
    quantity_string,
    rfc1123z,
    since,
)

NODE_LEASE_NAMESPACE = "kube-node-lease"
#: ``int64(float64)`` of ±Inf/NaN on amd64, what kubectl prints when allocatable is zero
_GO_INT64_OVERFLOW = -(2**63)


def describe_node(store: ObjectStore, node: Obj, events: list[Obj], now: float) -> str:
    spec, status = node.get("spec") or {}, node.get("status") or {}
    name = name_of(node)
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name}\n")
    w.write(LEVEL_0, f"Roles:\t{node_roles(node)}\n")
    print_labels_multiline(w, "Labels", labels_of(node))
    print_annotations_multiline(w, "Annotations", annotations_of(node))
    w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(node['metadata'].get('creationTimestamp'))}\n")
    print_taints_multiline(w, "Taints", spec.get("taints"))
    w.write(LEVEL_0, f"Unschedulable:\t{go_bool(spec.get('unschedulable'))}\n")
    _lease(w, store.try_get("Lease", name, NODE_LEASE_NAMESPACE))
    conditions = status.get("conditions") or []
    if conditions:
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastHeartbeatTime'))} "
                             f"\t{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} "
                             f"\t{c.get('message', '')}\n")
    w.write(LEVEL_0, "Addresses:\n")
    for addr in status.get("addresses") or []:
        w.write(LEVEL_1, f"{addr.get('type', '')}:\t{addr.get('address', '')}\n")
    for key, title in (("capacity", "Capacity"), ("allocatable", "Allocatable")):
        values = status.get(key) or {}
        if values:
            w.write(LEVEL_0, f"{title}:\n")
            for res in sorted(values):
                w.write(LEVEL_0, f"  {res}:\t{quantity_string(values[res])}\n")
    info = status.get("nodeInfo") or {}
    w.write(LEVEL_0, "System Info:\n")
    for title, field in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                         ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                         ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                         ("Container Runtime Version", "containerRuntimeVersion"),
                         ("Kubelet Version", "kubeletVersion")):
        w.write(LEVEL_0, f"  {title}:\t{info.get(field, '')}\n")
    if spec.get("podCIDR"):
        w.write(LEVEL_0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(LEVEL_0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(LEVEL_0, f"ProviderID:\t{spec['providerID']}\n")
    pods = [p for p in store.pods_on_node(name)
            if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    _node_resources(w, node, pods, now)
    describe_events(w, events, now)
    return w.render()


def _lease(w: PrefixWriter, lease: Obj | None) -> None:
    """``describeNodeLease``; without a Lease object every field is ``<unset>``."""
    spec = (lease or {}).get("spec") or {}
    w.write(LEVEL_0, "Lease:\n")
    w.write(LEVEL_1, f"HolderIdentity:\t{spec.get('holderIdentity') or '<unset>'}\n")
    acquire, renew = spec.get("acquireTime"), spec.get("renewTime")
    w.write(LEVEL_1, f"AcquireTime:\t{rfc1123z(acquire) if acquire else '<unset>'}\n")
    w.write(LEVEL_1, f"RenewTime:\t{rfc1123z(renew) if renew else '<unset>'}\n")


def _milli(value: object) -> int:
    """``Quantity.MilliValue()`` (rounded up)."""
    amount, _ = parse_quantity(value)
    return math.ceil(amount * 1000)


def _whole(value: object) -> int:
    """``Quantity.Value()`` (rounded up)."""
    amount, _ = parse_quantity(value)
    return math.ceil(amount)


def _percent(used: int, total: int) -> int:
    """``int64(float64(used) / float64(total) * 100)``, as kubectl computes it."""
    if total == 0:
        return _GO_INT64_OVERFLOW
    return int(float(used) / float(total) * 100)


def _total_milli(totals: Totals, name: str) -> int:
    return math.ceil(totals.get(name, (Fraction(0), ""))[0] * 1000)


def _total_whole(totals: Totals, name: str) -> int:
    return math.ceil(totals.get(name, (Fraction(0), ""))[0])


def _node_resources(w: PrefixWriter, node: Obj, pods: list[Obj], now: float) -> None:
    """``describeNodeResource``: the non-terminated pods table and the allocated totals."""
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    cpu_alloc, mem_alloc = _milli(allocatable.get("cpu", 0)), _whole(allocatable.get("memory", 0))
    w.write(LEVEL_0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(LEVEL_1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(LEVEL_1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    reqs: Totals = {}
    limits: Totals = {}
    for pod in pods:
        req, lim = pod_totals(pod, "requests"), pod_totals(pod, "limits")
        cells = [
            f"{total_string(req, 'cpu')} ({_percent(_total_milli(req, 'cpu'), cpu_alloc)}%)",
            f"{total_string(lim, 'cpu')} ({_percent(_total_milli(lim, 'cpu'), cpu_alloc)}%)",
            f"{total_string(req, 'memory')} ({_percent(_total_whole(req, 'memory'), mem_alloc)}%)",
            f"{total_string(lim, 'memory')} ({_percent(_total_whole(lim, 'memory'), mem_alloc)}%)",
        ]
        meta = pod.get("metadata") or {}
        w.write(LEVEL_1, f"{meta.get('namespace', '')}\t{meta.get('name', '')}\t\t" + "\t".join(cells)
                + f"\t{since(meta.get('creationTimestamp'), now)}\n")
        add_totals(reqs, req)
        add_totals(limits, lim)

    w.write(LEVEL_0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n")
    w.write(LEVEL_1, "--------\t--------\t------\n")
    eph_alloc = _whole(allocatable.get("ephemeral-storage", 0))
    for res, used, total in (("cpu", _total_milli, cpu_alloc), ("memory", _total_whole, mem_alloc),
                             ("ephemeral-storage", _total_whole, eph_alloc)):
        req_pct = _percent(used(reqs, res), total) if total else 0
        lim_pct = _percent(used(limits, res), total) if total else 0
        w.write(LEVEL_1, f"{res}\t{total_string(reqs, res)} ({req_pct}%)\t{total_string(limits, res)} ({lim_pct}%)\n")
    hugepages = sorted(r for r in allocatable if r.startswith("hugepages-"))
    extended = sorted(r for r in allocatable if not r.startswith("hugepages-")
                      and r not in ("cpu", "memory", "ephemeral-storage", "pods"))
    for res in hugepages:
        total = _whole(allocatable[res])
        req_pct = _percent(_total_whole(reqs, res), total) if total else 0
        lim_pct = _percent(_total_whole(limits, res), total) if total else 0
        w.write(LEVEL_1, f"{res}\t{total_string(reqs, res)} ({req_pct}%)\t{total_string(limits, res)} ({lim_pct}%)\n")
    for res in extended:
        w.write(LEVEL_1, f"{res}\t{total_string(reqs, res)}\t{total_string(limits, res)}\n")

