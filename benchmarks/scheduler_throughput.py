"""Scheduler throughput (pods/s), after kube-scheduler's ``scheduler_perf`` workloads.

Only the apiserver (the store) and the scheduler run — no kubelets or controllers, like
``test/integration/scheduler_perf``. Nodes are ``node-default.yaml``'s shape (4 CPU, 32Gi,
110 pods); pods are ``pod-default.yaml``'s (100m CPU, 500Mi). For each workload the init
pods are scheduled first, then the measured pods are created and the clock runs until every
one is bound; the wall time of that run (binding and the Scheduled events included) gives
pods/s. Medians of 3 runs.

* ``basic``: 5,000 nodes, 1,000 init pods, 10,000 pods (SchedulingBasic; target ≥ 1,000/s);
* ``node-affinity``: the same with every pod requiring ``topology.kubernetes.io/zone In
  [zone1]`` (SchedulingNodeAffinity);
* ``anti-affinity``: 5,000 nodes, 1,000 init pods, 2,000 pods with required anti-affinity
  to each other per hostname (SchedulingPodAntiAffinity).

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/scheduler_throughput.py [--nodes N] [--pods N]``
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from typing import Any

from k9play.api.store import ObjectStore
from k9play.clock import VirtualClock
from k9play.scheduler.scheduler import Scheduler

Obj = dict[str, Any]


def node(i: int) -> Obj:
    name = f"node-{i}"
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                                  "topology.kubernetes.io/zone": "zone1"}},
            "status": {"capacity": {"cpu": "4", "memory": "32Gi", "pods": "110"},
                       "allocatable": {"cpu": "4", "memory": "32Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def pod(name: str, workload: str) -> Obj:
    spec: Obj = {"containers": [{"name": "pause", "image": "registry.k8s.io/pause:3.10",
                                 "resources": {"requests": {"cpu": "100m", "memory": "500Mi"},
                                               "limits": {"cpu": "100m", "memory": "500Mi"}}}]}
    labels = {"color": "green"} if workload == "anti-affinity" else {}
    if workload == "node-affinity":
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["zone1"]}]}]}}}
    elif workload == "anti-affinity":
        spec["affinity"] = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"color": "green"}}, "topologyKey": "kubernetes.io/hostname"}]}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels}, "spec": spec}


def run(workload: str, nodes: int, init: int, pods: int) -> float:
    gc.collect()
    clock = VirtualClock("manual", seed=0)
    store = ObjectStore(clock)
    sched = Scheduler(store)
    sched.start()
    for i in range(nodes):
        store.create(node(i))
    for i in range(init):
        store.create(pod(f"init-{i}", "basic"))
    clock.settle()
    assert sched.scheduled == init
    for i in range(pods):
        store.create(pod(f"pod-{i}", workload))
    t = time.perf_counter()
    clock.settle()
    elapsed = time.perf_counter() - t
    assert sched.scheduled == init + pods, f"{sched.scheduled - init} of {pods} scheduled"
    return pods / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods", type=int, default=10000, help="measured pods (anti-affinity: a fifth)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("basic", "node-affinity", "anti-affinity"))
    args = parser.parse_args()
    for workload in ("basic", "node-affinity", "anti-affinity"):
        if args.only and workload != args.only:
            continue
        pods = args.pods // 5 if workload == "anti-affinity" else args.pods
        rates = [run(workload, args.nodes, 1000, pods) for _ in range(args.runs)]
        print(f"{workload:<14} {args.nodes} nodes, {pods:>5} pods: median {statistics.median(rates):7.0f} pods/s "
              f"(runs: {', '.join(f'{r:.0f}' for r in rates)})")


if __name__ == "__main__":
    main()
