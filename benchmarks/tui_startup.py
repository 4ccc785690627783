"""TUI launch cost and store memory per pod.

1. **Launch to first frame**: each run is a fresh interpreter (so imports count) that builds
   a real-time ``Cluster``, a ``FolderSync`` over a folder of a few manifests (``sync_all``),
   the ``K9playApp``, and runs it headless until Textual's ``Ready`` event (DOM composed and
   first frame rendered). The parent measures from spawn to that moment (``CLOCK_MONOTONIC``
   is system-wide); the child also reports its own split. Median of ``RUNS``.
2. **Store memory per pod**: in a fresh interpreter per run, a manual-clock cluster rolls out
   one Deployment of ``--pods`` replicas until all run; ``tracemalloc`` measures what the store
   (objects, indexes, the events they caused) still holds per pod afterwards. Also the TUI
   view-model's cost per row once all pods are listed. Median of 3 runs, which go in parallel
   (memory is not timed; tracemalloc makes a 10k-pod rollout take about a minute).

Run: .venv/bin/python benchmarks/tui_startup.py [--runs N] [--pods N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MANIFESTS = {
    "web.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
""",
    "config.yaml": """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: demo
""",
    "team.yaml": """\
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: team-a
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "busybox:1.36", command: [sleep, "3600"]}]
""",
}


# ---------------------------------------------------------------- children
def child_startup(folder: str) -> None:
    t0 = time.monotonic()
    from k9play.cluster import Cluster
    from k9play.manifests.sync import FolderSync
    from k9play.tui.app import K9playApp

    t_import = time.monotonic()
    cluster = Cluster(mode="realtime").start()
    sync = FolderSync(cluster.store, [folder])
    report = sync.sync_all()
    assert report.ok, report.errors
    t_built = time.monotonic()

    class Probe(K9playApp):
        def on_ready(self) -> None:
            now = time.monotonic()
            print(json.dumps({"ready": now, "imports": t_import - t0, "build": t_built - t_import,
                              "app": now - t_built}), flush=True)
            self.exit()

    Probe(cluster, sync, realtime=True).run(headless=True, size=(120, 40))


def child_memory(pods: int) -> None:
    import gc
    import tracemalloc

    from k9play.api.resources import by_kind
    from k9play.cluster import Cluster
    from k9play.manifests.applier import apply_object
    from k9play.tui.viewmodels import ResourceTableModel

    manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bench"},
                "spec": {"replicas": pods, "selector": {"matchLabels": {"app": "bench"}},
                         "template": {"metadata": {"labels": {"app": "bench"}},
                                      "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                                                               "resources": {"requests": {"cpu": "10m"}}}]}}}}
    cluster = Cluster(workers=max(2, pods // 100)).start()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    apply_object(cluster.store, manifest)
    cluster.advance_sync(120)
    running = sum(1 for p in cluster.store.list("Pod") if p["status"].get("phase") == "Running")
    assert running == pods, f"{running}/{pods} running"
    gc.collect()
    store = tracemalloc.get_traced_memory()[0] - base
    model = ResourceTableModel(cluster.store, by_kind("Pod"), None)
    gc.collect()
    rows = tracemalloc.get_traced_memory()[0] - base - store
    tracemalloc.stop()
    print(json.dumps({"store": store / pods, "row": rows / len(model)}))


# ------------------------------------------------------------------ parent
def spawn(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)


def result(proc: subprocess.Popen[str]) -> dict[str, float]:
    out, _ = proc.communicate(timeout=900)
    if proc.returncode:
        raise SystemExit(f"child failed ({proc.returncode})")
    return json.loads(next(ln for ln in out.splitlines()[::-1] if ln.startswith("{")))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--child", choices=["startup", "memory"])
    parser.add_argument("arg", nargs="?")
    opts = parser.parse_args()
    if opts.child == "startup":
        return child_startup(opts.arg)
    if opts.child == "memory":
        return child_memory(int(opts.arg))

    with tempfile.TemporaryDirectory() as tmp:
        for name, text in MANIFESTS.items():
            (Path(tmp) / name).write_text(text)
        launches, splits = [], []
        for _ in range(max(7, opts.runs)):
            start = time.monotonic()
            data = result(spawn(["--child", "startup", tmp]))
            launches.append((data["ready"] - start) * 1000)
            splits.append(data)
    med = {k: statistics.median(d[k] for d in splits) * 1000 for k in ("imports", "build", "app")}
    print(f"launch to first frame: median {statistics.median(launches):.0f} ms over {len(launches)} fresh "
          f"processes (min {min(launches):.0f}, max {max(launches):.0f})")
    print(f"  in-process split (median): imports {med['imports']:.0f} ms, cluster+sync {med['build']:.0f} ms, "
          f"app to first frame {med['app']:.0f} ms; the rest is interpreter start-up")

    print(f"rolling out {opts.pods} pods 3 times under tracemalloc …", file=sys.stderr, flush=True)
    mems = [result(p) for p in [spawn(["--child", "memory", str(opts.pods)]) for _ in range(3)]]
    print(f"store memory per pod ({opts.pods} pods rolled out by a Deployment, median of 3): "
          f"{statistics.median(m['store'] for m in mems):.0f} B (tracemalloc: objects, indexes, their events)")
    print(f"  view-model (all-namespaces pods table) per row: {statistics.median(m['row'] for m in mems):.0f} B traced")


if __name__ == "__main__":
    main()
