"""emptyDir sizes: ``dd`` output, ``medium: Memory`` charged to the writer's memory (and OOM),
tmpfs full at its size, and the kubelet evicting a pod whose emptyDir exceeds ``sizeLimit``.
Written for k9play; messages are busybox's and the kubelet's."""

from __future__ import annotations

from typing import Any

from k9play.api.quantity import whole
from k9play.kubectl.commands import Kubectl
from k9play.kubectl.exec import run_line
from tests.helpers import deployment, new_cluster

BUSY = "busybox:1.36"
MiB = 1 << 20


def _sleeper(name: str, limit: str | None = None) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": BUSY, "command": ["sh", "-c", "sleep 3600"],
                         "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]}
    if limit:
        c["resources"] = {"limits": {"memory": limit}}
    return c


def _pod(containers: list[dict[str, Any]], empty_dir: dict[str, Any], name: str = "app") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": containers, "volumes": [{"name": "cache", "emptyDir": empty_dir}]}}


def _sh(c, container: str, line: str, pod: str = "app") -> str:
    return run_line(c, c.store.get("Pod", pod, "default"), container, line).output


def _memory(c, container: str) -> int:
    usage = c.metrics.container_usage(c.store.get("Pod", "app", "default"))
    return next(u.memory for u in usage if u.name == container)


def test_dd_reports_like_busybox_and_files_have_sizes():
    c = new_cluster(1)
    c.store.create(_pod([_sleeper("main")], {}))
    c.advance_sync(30)
    assert _sh(c, "main", "dd if=/dev/zero of=/cache/blob bs=1M count=10") == (
        "10+0 records in\n10+0 records out\n10485760 bytes (10.0MB) copied, 0.009766 seconds, 1.0GB/s\n")
    worker = c.kubelets.worker(c.store.get("Pod", "app", "default"))
    assert worker.volumes["cache"][0].used_bytes() == 10 * MiB
    assert _sh(c, "main", "dd if=/nope of=/cache/x") == "dd: can't open '/nope': No such file or directory\n"
    c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}})
    c.advance_sync(30)
    assert _sh(c, "nginx", "dd if=/dev/zero of=/tmp/blob bs=1M count=10", "web") == (  # coreutils' wording
        "10+0 records in\n10+0 records out\n10485760 bytes (10 MB, 10 MiB) copied, 0.00976562 s, 1.1 GB/s\n")


def test_a_memory_empty_dir_counts_toward_the_writers_memory_only():
    c = new_cluster(1)
    c.store.create(_pod([_sleeper("writer"), _sleeper("reader")], {"medium": "Memory"}))
    c.advance_sync(30)
    before = _memory(c, "writer")
    _sh(c, "writer", "dd if=/dev/zero of=/cache/blob bs=1M count=64")
    assert _memory(c, "writer") == before + 64 * MiB, "tmpfs pages are charged to the cgroup that wrote them"
    assert _memory(c, "reader") == before
    _sh(c, "reader", "rm /cache/blob")
    assert _memory(c, "writer") == before


def test_a_disk_empty_dir_is_not_memory():
    c = new_cluster(1)
    c.store.create(_pod([_sleeper("writer")], {}))
    c.advance_sync(30)
    before = _memory(c, "writer")
    _sh(c, "writer", "dd if=/dev/zero of=/cache/blob bs=1M count=64")
    assert _memory(c, "writer") == before


def test_filling_a_memory_empty_dir_past_the_containers_limit_is_an_oom_kill():
    c = new_cluster(1)
    c.store.create(_pod([_sleeper("writer", "32Mi"), _sleeper("other", "64Mi")], {"medium": "Memory"}))
    c.advance_sync(30)
    _sh(c, "writer", "dd if=/dev/zero of=/cache/blob bs=1M count=50")
    c.advance_sync(1)
    status = next(s for s in c.store.get("Pod", "app", "default")["status"]["containerStatuses"]
                  if s["name"] == "writer")
    assert status["lastState"]["terminated"]["reason"] == "OOMKilled"
    assert status["lastState"]["terminated"]["exitCode"] == 137
    c.advance_sync(10)
    status = next(s for s in c.store.get("Pod", "app", "default")["status"]["containerStatuses"]
                  if s["name"] == "writer")
    assert "running" in status["state"] and status["restartCount"] == 1
    assert _memory(c, "writer") < 32 * MiB, "the pages went to the pod's cgroup with the old container's"
    worker = c.kubelets.worker(c.store.get("Pod", "app", "default"))
    assert worker.volumes["cache"][0].used_bytes() == 50 * MiB, "the tmpfs keeps them"


def test_a_memory_empty_dir_is_a_tmpfs_of_its_size_limit():
    c = new_cluster(1)
    c.store.create(_pod([_sleeper("main")], {"medium": "Memory", "sizeLimit": "16Mi"}))
    c.advance_sync(30)
    out = _sh(c, "main", "dd if=/dev/zero of=/cache/blob bs=1M count=20; echo $?")
    assert out.startswith("dd: error writing '/cache/blob': No space left on device\n17+0 records in\n"
                          "16+0 records out\n16777216 bytes (16.0MB) copied")
    assert out.endswith("\n1\n")
    c.advance_sync(120)
    assert c.store.get("Pod", "app", "default")["status"]["phase"] == "Running", "full, never over its limit"


def test_tmpfs_size_follows_the_pods_memory_limit():
    from k9play.kubelet.volumes import tmpfs_size

    c = new_cluster(1)
    pod = _pod([_sleeper("a", "100Mi"), _sleeper("b", "28Mi")], {"medium": "Memory"})
    pod["spec"]["nodeName"] = "k9play-worker"
    c.advance_sync(5)
    assert tmpfs_size(c.store, pod, {}) == 128 * MiB
    assert tmpfs_size(c.store, pod, {"sizeLimit": "64Mi"}) == 64 * MiB
    pod["spec"]["containers"][1].pop("resources")  # a container without a limit: the node's allocatable
    node = c.store.get("Node", "k9play-worker")
    assert tmpfs_size(c.store, pod, {}) == whole(node["status"]["allocatable"]["memory"])


def test_an_empty_dir_over_its_size_limit_gets_the_pod_evicted_and_replaced():
    c = new_cluster(1)
    k = Kubectl(c)
    d = deployment("cache", 1, image=BUSY)
    spec = d["spec"]["template"]["spec"]
    spec["containers"][0].update(command=["sh", "-c", "sleep 3600"],
                                 volumeMounts=[{"name": "scratch", "mountPath": "/scratch"}])
    spec["volumes"] = [{"name": "scratch", "emptyDir": {"sizeLimit": "10Mi"}}]
    c.store.create(d)
    c.advance_sync(30)
    (pod,) = c.store.list("Pod", "default", "app=cache")
    name = pod["metadata"]["name"]
    _sh(c, "app", "dd if=/dev/zero of=/scratch/fill bs=1M count=8", name)
    c.advance_sync(80)
    assert c.store.get("Pod", name, "default")["status"]["phase"] == "Running", "under the limit"
    _sh(c, "app", "dd if=/dev/zero of=/scratch/more bs=1M count=4", name)
    c.advance_sync(80)
    pod = c.store.get("Pod", name, "default")
    message = 'Usage of EmptyDir volume "scratch" exceeds the limit "10Mi". '
    assert (pod["status"]["phase"], pod["status"]["reason"], pod["status"]["message"]) == (
        "Failed", "Evicted", message)
    assert pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 137
    events = [(e["type"], e["reason"], e["message"]) for e in c.store.list("Event", "default")
              if e["involvedObject"]["name"] == name]
    assert ("Warning", "Evicted", message) in events
    pods = c.store.list("Pod", "default", "app=cache")
    assert len(pods) == 2 and sum(p["status"].get("phase") == "Running" for p in pods) == 1
    assert k.run_line(f"delete pod {name}").code == 0
    c.advance_sync(5)
    assert c.store.try_get("Pod", name, "default") is None
