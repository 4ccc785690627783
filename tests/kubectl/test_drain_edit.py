"""``kubectl drain``'s pod filters and ``kubectl edit``'s save path, below the TUI."""

from __future__ import annotations

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.kubectl.drain import Drain, DrainOptions
from k9play.kubectl.edit import EditSession

NODE = "k9play-worker"


def pod(name: str, **spec: object) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": NODE, "containers": [{"name": "c", "image": "nginx"}], **spec}}


def daemonset() -> Obj:
    labels = {"app": "agent"}
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "kube-system"},
            "spec": {"selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": {
                "containers": [{"name": "agent", "image": "busybox", "command": ["sleep", "3600"]}]}}}}


def drained(cluster: Cluster, opts: DrainOptions, seconds: float = 40) -> Drain:
    d = Drain(cluster.store, NODE, opts)
    d.start()
    cluster.advance_sync(seconds)
    d.poll()
    return d


def test_daemonset_pods_block_the_drain_unless_ignored_and_are_never_evicted() -> None:
    cluster = Cluster().start()
    cluster.store.create(daemonset())
    cluster.advance_sync(10)
    agent = next(p for p in cluster.store.pods_on_node(NODE) if p["metadata"]["name"].startswith("agent-"))
    proxy = next(p for p in cluster.store.pods_on_node(NODE) if p["metadata"]["name"].startswith("kube-proxy-"))
    ident = f"kube-system/{agent['metadata']['name']}, kube-system/{proxy['metadata']['name']}"
    d = drained(cluster, DrainOptions())
    assert d.failed
    assert d.lines[-1] == f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {ident}"
    assert cluster.store.get("Node", NODE)["spec"]["unschedulable"] is True, "cordoned all the same"
    d = drained(cluster, DrainOptions(ignore_daemonsets=True))
    assert not d.failed and d.lines == [f"node/{NODE} already cordoned",
                                        f"Warning: ignoring DaemonSet-managed Pods: {ident}", f"node/{NODE} drained"]
    assert cluster.store.try_get("Pod", agent["metadata"]["name"], "kube-system") is not None


def test_local_storage_mirror_and_finished_pods() -> None:
    cluster = Cluster().start()
    store = cluster.store
    store.create(pod("scratch", volumes=[{"name": "tmp", "emptyDir": {}}]))
    mirror = pod("static")
    mirror["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "abc"}
    store.create(mirror)
    cluster.advance_sync(10)
    d = drained(cluster, DrainOptions(force=True, ignore_daemonsets=True))
    assert d.failed and "cannot delete Pods with local storage (use --delete-emptydir-data to override): " \
                        "default/scratch" in d.lines
    d = drained(cluster, DrainOptions(force=True, delete_emptydir_data=True, ignore_daemonsets=True))
    assert "evicting pod default/scratch" in d.lines and "evicting pod default/static" not in d.lines
    assert d.lines[-1] == f"node/{NODE} drained" and store.try_get("Pod", "scratch", "default") is None
    assert store.try_get("Pod", "static", "default") is not None, "mirror pods are skipped"


def test_edit_patches_the_live_object_and_a_stale_resource_version_conflicts() -> None:
    cluster = Cluster().start()
    store = cluster.store
    store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}})
    session = EditSession(store, store.get("ConfigMap", "cfg", "default"))
    store.patch("ConfigMap", "cfg", "default", {"metadata": {"labels": {"meanwhile": "yes"}}})
    result = session.save(session.buffer().replace('a: "1"', 'a: "2"'))
    assert result.ok and result.message == "configmap/cfg edited"
    live = store.get("ConfigMap", "cfg", "default")
    assert live["data"] == {"a": "2"} and live["metadata"]["labels"] == {"meanwhile": "yes"}, "a patch, not a PUT"
    session = EditSession(store, live)
    rv = live["metadata"]["resourceVersion"]
    stale = session.buffer().replace(f'resourceVersion: "{rv}"', 'resourceVersion: "1"').replace('"2"', '"3"')
    result = session.save(stale)
    assert not result.ok and result.reopen is None
    assert result.message.startswith('error: configmaps "cfg" could not be patched: Operation cannot be fulfilled')
    renamed = session.save(session.buffer().replace("name: cfg", "name: other"))
    assert renamed.message == "error: At least one of apiVersion, kind and name was changed"
    assert session.save("# just comments\n").message == "Edit cancelled, saved file was empty."
