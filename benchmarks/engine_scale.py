"""Engine cost: simulated-cluster time to roll out N pods, and store memory per pod.

For N in (1000, 5000): build a manual-clock cluster with N/100 workers, apply one
Deployment of N replicas, advance until every pod runs. Prints the median wall time of 3
runs and the median traced memory per pod (store objects, indexes and their events).
Run: .venv/bin/python benchmarks/engine_scale.py
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc

from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object

SIZES = (1000, 5000)


def manifest(n: int) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bench"},
            "spec": {"replicas": n, "selector": {"matchLabels": {"app": "bench"}},
                     "template": {"metadata": {"labels": {"app": "bench"}},
                                  "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                                                           "resources": {"requests": {"cpu": "10m"}}}]}}}}


def rollout(n: int, trace: bool) -> tuple[float, float, float]:
    gc.collect()
    cluster = Cluster(workers=max(2, n // 100)).start()
    if trace:
        tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0] if trace else 0
    t = time.perf_counter()
    apply_object(cluster.store, manifest(n))
    cluster.advance_sync(120)
    elapsed = time.perf_counter() - t
    pods = cluster.store.list("Pod")
    assert len(pods) == n and all(p["status"]["phase"] == "Running" for p in pods)
    per_pod = per_pod_no_events = 0.0
    if trace:
        used = tracemalloc.get_traced_memory()[0] - base
        per_pod = used / n
        events = cluster.store.count("Event")
        for ev in cluster.store.list("Event"):
            cluster.store.delete("Event", ev["metadata"]["name"], ev["metadata"]["namespace"])
        cluster.store._history.clear()
        gc.collect()
        per_pod_no_events = (tracemalloc.get_traced_memory()[0] - base) / n
        tracemalloc.stop()
        print(f"    ({events} events kept for the pods)")
    return elapsed, per_pod, per_pod_no_events


def main() -> None:
    for n in SIZES:
        times = [rollout(n, trace=False)[0] for _ in range(3)]
        mem = [rollout(n, trace=True) for _ in range(3)]
        print(f"N={n:>5}: create→all Running  median {statistics.median(times):6.2f} s wall "
              f"({n / statistics.median(times):6.0f} pods/s)")
        print(f"         memory per pod        median {statistics.median(m[1] for m in mem) / 1024:6.1f} KiB "
              f"with events and watch history, {statistics.median(m[2] for m in mem) / 1024:6.1f} KiB without")


if __name__ == "__main__":
    main()
