"""Cost of strict schema validation (official v1.34 schemas via kubernetes-validate).

Prints medians of: the import of our schema module, the first validation (loads and
compiles the 1.5 MB definitions), and the per-object cost for a Pod and a Deployment.
Run: .venv/bin/python benchmarks/schema_validation.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

COLD = """
import time
t0 = time.perf_counter()
from k9play.api import schema
t1 = time.perf_counter()
schema.validate({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
                 "spec": {"containers": [{"name": "a", "image": "nginx"}]}})
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "labels": {"app": "web"}},
       "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}],
                                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}}, "spec": POD["spec"]}}}


def main() -> None:
    imports, firsts = [], []
    for _ in range(7):
        out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True).stdout
        a, b = map(float, out.split())
        imports.append(a)
        firsts.append(b)
    print(f"import k9play.api.schema        median {statistics.median(imports) * 1000:7.1f} ms  (7 fresh processes)")
    print(f"first validation (load+compile) median {statistics.median(firsts) * 1000:7.1f} ms")
    from k9play.api import schema

    for name, obj in (("Pod", POD), ("Deployment", DEPLOYMENT)):
        schema.validate(obj)
        runs = []
        for _ in range(7):
            n = 500
            t = time.perf_counter()
            for _ in range(n):
                schema.validate(obj)
            runs.append((time.perf_counter() - t) / n)
        print(f"validate {name:<10}             median {statistics.median(runs) * 1e6:7.1f} µs per object")


if __name__ == "__main__":
    main()
