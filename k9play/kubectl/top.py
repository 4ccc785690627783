"""``kubectl top nodes|pods`` over the simulated metrics-server (``cluster.metrics``).

kubectl v1.34's ``pkg/cmd/top`` and ``pkg/metricsutil``: CPU printed as ``<milli>m`` and
memory as ``<bytes / 2^20>Mi``; a node's percentages against its allocatable; every cell
tab-terminated (so lines end in padding); rows sorted by name (namespace first with ``-A``)
or by ``--sort-by=cpu|memory``, largest first; nodes without metrics as ``<unknown>``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.meta import Obj, parse_time
from k9play.api.quantity import QuantityError, parse_quantity
from k9play.api.selectors import SelectorError, parse_label_selector
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_type
from k9play.kubectl.printers import tabulate

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

#: ``metricsCreationDelay``: younger pods may simply not have metrics yet
METRICS_CREATION_DELAY = 120.0


def _milli(q: object) -> int:
    """``Quantity.MilliValue()`` (rounded up)."""
    try:
        return math.ceil(parse_quantity(q) * 1000)  # type: ignore[arg-type]
    except (QuantityError, TypeError):
        return 0


def _value(q: object) -> int:
    try:
        return math.ceil(parse_quantity(q))  # type: ignore[arg-type]
    except (QuantityError, TypeError):
        return 0


def _cells(usage: Obj, available: Obj | None) -> list[str]:
    """``printAllResourceUsages``."""
    out = []
    for res in ("cpu", "memory"):
        q = usage.get(res, 0)
        out.append(f"{_milli(q)}m" if res == "cpu" else f"{_value(q) // (1024 * 1024)}Mi")
        if available is not None and res in available:
            total = _milli(available[res])
            out.append(f"{int(_milli(q) / total * 100) if total else 0}%")
    return out


def _sort_key(sort_by: str, usage: Obj) -> int:
    return -(_milli(usage.get("cpu", 0)) if sort_by == "cpu" else _value(usage.get("memory", 0)))


def go_duration(seconds: float) -> str:
    """``time.Duration.String()`` for whole seconds: ``45s``, ``5m3s``, ``1h2m0s``."""
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{h}h{m}m{sec}s"
    return f"{m}m{sec}s" if m else f"{sec}s"


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    if not flags.args:
        raise CommandError('You must specify a resource type: "node" or "pod"')
    what, names = flags.args[0], flags.args[1:]
    sort_by = flags.get("sort-by") or ""
    if sort_by not in ("", "cpu", "memory"):
        raise CommandError("--sort-by accepts only cpu or memory")
    try:
        selector = parse_label_selector(flags.get("selector")) if flags.get("selector") else None
    except SelectorError as e:
        raise CommandError(str(e)) from None
    kind = resolve_type(what).kind if what not in ("node", "nodes", "no", "pod", "pods", "po") else (
        "Node" if what in ("node", "nodes", "no") else "Pod")
    if kind == "Node":
        _nodes(k, names, selector, sort_by, flags.has("no-headers"), result)
    elif kind == "Pod":
        _pods(k, flags, names, selector, sort_by, result)
    else:
        raise CommandError(f'unknown command "{what}" for "kubectl top"')


def _nodes(k: Kubectl, names: list[str], selector, sort_by: str, no_headers: bool, result: Result) -> None:
    store = k.store
    metrics = {m["metadata"]["name"]: m for m in k.cluster.metrics.list_node_metrics()}
    if names:  # the metrics API is asked first
        if names[0] not in metrics:
            raise CommandError(f'Error from server (NotFound): nodemetrics.metrics.k8s.io "{names[0]}" not found',
                               verbatim=True)
        node = store.try_get("Node", names[0])
        if node is None:
            raise CommandError(errors.not_found("nodes", names[0]).kubectl_text(), verbatim=True)
        nodes = [node]
    else:
        nodes = store.list("Node", label_selector=selector)
    wanted = [n for n in nodes if n["metadata"]["name"] in metrics]
    if not wanted:
        raise CommandError("metrics not available yet")
    alloc = {n["metadata"]["name"]: (n.get("status") or {}).get("allocatable") or {} for n in nodes}
    if sort_by:
        wanted.sort(key=lambda n: (_sort_key(sort_by, metrics[n["metadata"]["name"]]["usage"]), n["metadata"]["name"]))
    rows = [] if no_headers else [["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)", ""]]
    for n in wanted:
        name = n["metadata"]["name"]
        rows.append([name, *_cells(metrics[name]["usage"], alloc[name]), ""])
    for n in nodes:  # nodes metrics-server cannot reach
        if n["metadata"]["name"] not in metrics:
            rows.append([n["metadata"]["name"], *["<unknown>"] * 4, ""])
    result.write(tabulate(rows))


def _pods(k: Kubectl, flags: Flags, names: list[str], selector, sort_by: str, result: Result) -> None:
    store = k.store
    all_ns = flags.has("all-namespaces")
    ns = None if all_ns else k.namespace_of(flags)
    metrics_api = k.cluster.metrics
    if names:
        m = metrics_api.get_pod_metrics(names[0], ns or "default")
        if m is None:
            raise CommandError(f'Error from server (NotFound): podmetrics.metrics.k8s.io "{ns}/{names[0]}" not found',
                               verbatim=True)
        items = [m]
    else:
        items = metrics_api.list_pod_metrics(ns, selector)
    if not items:
        for pod in store.list("Pod", ns, label_selector=selector):
            _check_age(k, pod)
        if store.list("Pod", ns, label_selector=selector):
            raise CommandError("metrics not available yet")
        result.error("No resources found" if all_ns else f"No resources found in {ns} namespace.")
        return
    containers = flags.has("containers")

    def pod_usage(m: Obj) -> Obj:
        return {"cpu": f"{sum(_milli(c['usage'].get('cpu', 0)) for c in m['containers'])}m",
                "memory": str(sum(_value(c["usage"].get("memory", 0)) for c in m["containers"]))}

    if sort_by:
        items.sort(key=lambda m: _sort_key(sort_by, pod_usage(m)))
    else:
        items.sort(key=lambda m: ((m["metadata"]["namespace"] if all_ns else ""), m["metadata"]["name"]))
    header = (["NAMESPACE"] if all_ns else []) + (["POD"] if containers else []) + \
        ["NAME", "CPU(cores)", "MEMORY(bytes)", ""]
    rows = [] if flags.has("no-headers") else [header]
    for m in items:
        prefix = [m["metadata"]["namespace"]] if all_ns else []
        if containers:
            cs = list(m["containers"])
            cs.sort(key=(lambda c: _sort_key(sort_by, c["usage"])) if sort_by else (lambda c: c["name"]))
            for c in cs:
                rows.append([*prefix, m["metadata"]["name"], c["name"], *_cells(c["usage"], None), ""])
        else:
            rows.append([*prefix, m["metadata"]["name"], *_cells(pod_usage(m), None), ""])
    result.write(tabulate(rows))


def _check_age(k: Kubectl, pod: Obj) -> None:
    """``checkPodAge``: a pod old enough should have metrics by now."""
    created = pod["metadata"].get("creationTimestamp")
    age = k.now() - parse_time(created) if created else 0.0
    if age > METRICS_CREATION_DELAY:
        md = pod["metadata"]
        raise CommandError(f"Metrics not available for pod {md.get('namespace', '')}/{md['name']}, "
                           f"age: {go_duration(age)}")
