"""Volumes and configuration as a pod sees them: shared emptyDir, hostPath types, NFS, PV data
and reclaim, ConfigMap/Secret references and updates. Written for k9play."""

from __future__ import annotations

from typing import Any

from k9play.kubectl.commands import Kubectl
from k9play.kubectl.exec import run_line
from tests.helpers import new_cluster

BUSY = "busybox:1.36"


def _pod(name: str, containers: list[dict[str, Any]], volumes: list[dict[str, Any]], **spec: Any) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": containers, "volumes": volumes, **spec}}


def _sleeper(name: str, mounts: list[dict[str, Any]], script: str = "", **extra: Any) -> dict:
    return {"name": name, "image": BUSY, "command": ["sh", "-c", f"{script}sleep 3600"], "volumeMounts": mounts,
            **extra}


def _sh(c, pod: str, container: str, line: str) -> str:
    return run_line(c, c.store.get("Pod", pod, "default"), container, line).output


def _events(c, pod: str) -> list[tuple[str, str]]:
    return [(e["reason"], e["message"]) for e in c.store.list("Event", "default")
            if e["involvedObject"]["name"] == pod]


def test_two_containers_share_an_empty_dir_that_dies_with_the_pod():
    c = new_cluster(1)
    mount = [{"name": "shared", "mountPath": "/data"}]
    c.store.create(_pod("pair", [_sleeper("writer", mount, "echo hello > /data/msg; "),
                                 _sleeper("reader", [{"name": "shared", "mountPath": "/in"}])],
                        [{"name": "shared", "emptyDir": {}}]))
    c.advance_sync(30)
    assert _sh(c, "pair", "reader", "cat /in/msg") == "hello\n"
    c.store.delete("Pod", "pair", "default", grace_period=0)
    c.advance_sync(5)
    c.store.create(_pod("pair", [_sleeper("reader", [{"name": "shared", "mountPath": "/in"}])],
                        [{"name": "shared", "emptyDir": {}}]))
    c.advance_sync(30)
    assert "No such file" in _sh(c, "pair", "reader", "cat /in/msg")


def test_host_path_types():
    c = new_cluster(1)
    vols = [{"name": "made", "hostPath": {"path": "/srv/app", "type": "DirectoryOrCreate"}},
            {"name": "logs", "hostPath": {"path": "/var/log", "type": "Directory"}},
            {"name": "conf", "hostPath": {"path": "/etc/app.conf", "type": "FileOrCreate"}}]
    mounts = [{"name": "made", "mountPath": "/app"}, {"name": "logs", "mountPath": "/logs"},
              {"name": "conf", "mountPath": "/app.conf"}]
    c.store.create(_pod("ok", [_sleeper("main", mounts, "echo x > /app/out; ")], vols))
    c.advance_sync(30)
    assert c.store.get("Pod", "ok", "default")["status"]["phase"] == "Running"
    node = c.kubelets.kubelets["k9play-worker"].node_fs
    assert node.files["/srv/app/out"] == "x\n" and node.files["/etc/app.conf"] == ""
    c.store.create(_pod("bad", [_sleeper("main", [{"name": "d", "mountPath": "/d"}, {"name": "f", "mountPath": "/f"}])],
                        [{"name": "d", "hostPath": {"path": "/etc/hostname", "type": "Directory"}},
                         {"name": "f", "hostPath": {"path": "/nope", "type": "File"}}]))
    c.advance_sync(10)
    pod = c.store.get("Pod", "bad", "default")
    assert pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "ContainerCreating"
    assert ("FailedMount", 'MountVolume.SetUp failed for volume "d" : hostPath type check failed: /etc/hostname is '
            "not a directory, it's a File") in _events(c, "bad")
    c.store.delete("Pod", "bad", "default", grace_period=0)
    c.store.create(_pod("bad", [_sleeper("main", [{"name": "f", "mountPath": "/f"}])],
                        [{"name": "f", "hostPath": {"path": "/nope", "type": "File"}}]))
    c.advance_sync(10)
    assert ("FailedMount", 'MountVolume.SetUp failed for volume "f" : hostPath /nope doesn\'t exist') \
        in _events(c, "bad")


def test_nfs_is_shared_by_pods_on_different_nodes():
    c = new_cluster(2)
    nfs = [{"name": "share", "nfs": {"server": "nfs.example", "path": "/exports/team"}}]
    for i, node in enumerate(("k9play-worker", "k9play-worker2")):
        script = "echo from-a > /mnt/a; " if i == 0 else ""
        c.store.create(_pod(f"p{i}", [_sleeper("main", [{"name": "share", "mountPath": "/mnt"}], script)], nfs,
                            nodeName=node))
    c.advance_sync(30)
    assert _sh(c, "p1", "main", "cat /mnt/a") == "from-a\n"
    assert c.kubelets.volume_data.nfs["nfs.example"].files["/exports/team/a"] == "from-a\n"


def _pv(name: str, policy: str, source: dict[str, Any]) -> dict:
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "manual",
                     "persistentVolumeReclaimPolicy": policy, **source}}


def _claim(name: str = "data") -> dict:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "manual",
                     "resources": {"requests": {"storage": "500Mi"}}}}


def test_claim_pending_until_a_volume_then_bound_then_released_keeping_its_data():
    c = new_cluster(1)
    k = Kubectl(c)
    c.store.create(_claim())
    c.store.create(_pod("db", [_sleeper("main", [{"name": "d", "mountPath": "/d"}], "echo rows > /d/table; ")],
                        [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]))
    c.advance_sync(5)
    assert k.run_line("get pvc data").out.splitlines()[1].split()[:2] == ["data", "Pending"]
    pod = c.store.get("Pod", "db", "default")
    assert pod["status"]["phase"] == "Pending" and "pod has unbound immediate PersistentVolumeClaims" in \
        pod["status"]["conditions"][0]["message"]
    c.store.create(_pv("pv1", "Retain", {"nfs": {"server": "nfs.example", "path": "/pv1"}}))
    c.advance_sync(40)
    assert k.run_line("get pvc data").out.splitlines()[1].split()[:3] == ["data", "Bound", "pv1"]
    assert c.store.get("Pod", "db", "default")["status"]["phase"] == "Running"
    c.store.delete("Pod", "db", "default", grace_period=0)
    c.store.delete("PersistentVolumeClaim", "data", "default")
    c.advance_sync(5)
    pv = c.store.get("PersistentVolume", "pv1")
    assert pv["status"]["phase"] == "Released" and "lastPhaseTransitionTime" in pv["status"]
    assert c.kubelets.volume_data.nfs["nfs.example"].files["/pv1/table"] == "rows\n"  # Retain keeps the data


def test_recycle_scrubs_the_data_and_makes_the_volume_available():
    c = new_cluster(1)
    c.store.create(_pv("pv1", "Recycle", {"nfs": {"server": "nfs.example", "path": "/pv1"}}))
    c.store.create(_claim())
    c.store.create(_pod("db", [_sleeper("main", [{"name": "d", "mountPath": "/d"}], "echo rows > /d/table; ")],
                        [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]))
    c.advance_sync(30)
    server = c.kubelets.volume_data.nfs["nfs.example"]
    assert server.files["/pv1/table"] == "rows\n"
    c.store.delete("Pod", "db", "default", grace_period=0)
    c.store.delete("PersistentVolumeClaim", "data", "default")
    c.advance_sync(120)
    assert c.store.get("PersistentVolume", "pv1")["status"]["phase"] == "Available"
    assert "/pv1/table" not in server.files


def test_dynamic_provisioning_binds_on_first_consumer_and_delete_removes_the_data():
    c = new_cluster(1)
    claim = _claim()
    del claim["spec"]["storageClassName"]  # the default class: kind's standard (WaitForFirstConsumer)
    c.store.create(claim)
    c.advance_sync(5)
    assert c.store.get("PersistentVolumeClaim", "data", "default")["status"]["phase"] == "Pending"
    c.store.create(_pod("db", [_sleeper("main", [{"name": "d", "mountPath": "/d"}], "echo rows > /d/table; ")],
                        [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]))
    c.advance_sync(40)
    pvc = c.store.get("PersistentVolumeClaim", "data", "default")
    assert pvc["status"]["phase"] == "Bound"
    pv = c.store.get("PersistentVolume", pvc["spec"]["volumeName"])
    path = pv["spec"]["hostPath"]["path"]
    node = c.kubelets.kubelets["k9play-worker"].node_fs
    assert node.files[f"{path}/table"] == "rows\n"  # local-path keeps the data on the node
    c.store.delete("Pod", "db", "default", grace_period=0)
    c.store.delete("PersistentVolumeClaim", "data", "default")
    c.advance_sync(60)
    assert c.store.try_get("PersistentVolume", pv["metadata"]["name"]) is None
    assert f"{path}/table" not in node.files


def test_missing_config_map_is_a_config_error_until_it_appears():
    c = new_cluster(1)
    env = [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}}]
    c.store.create(_pod("app", [_sleeper("main", [], env=env)], []))
    c.advance_sync(20)
    waiting = c.store.get("Pod", "app", "default")["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting == {"reason": "CreateContainerConfigError", "message": 'configmap "cfg" not found'}
    c.store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"other": "x"}})
    c.advance_sync(20)
    waiting = c.store.get("Pod", "app", "default")["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["message"] == "couldn't find key mode in ConfigMap default/cfg"
    c.store.update({**c.store.get("ConfigMap", "cfg", "default"), "data": {"mode": "fast"}})
    c.advance_sync(20)
    assert c.store.get("Pod", "app", "default")["status"]["phase"] == "Running"
    assert _sh(c, "app", "main", "echo $MODE") == "fast\n"


def test_config_map_volume_updates_after_the_sync_period_but_env_and_sub_path_do_not():
    c = new_cluster(1)
    c.store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"color": "red"}})
    mounts = [{"name": "cfg", "mountPath": "/etc/cfg"},
              {"name": "cfg", "mountPath": "/etc/color", "subPath": "color"}]
    env = [{"name": "COLOR", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "color"}}}]
    c.store.create(_pod("app", [_sleeper("main", mounts, env=env)], [{"name": "cfg", "configMap": {"name": "cfg"}}]))
    c.advance_sync(30)
    assert _sh(c, "app", "main", "cat /etc/cfg/color") == "red"
    assert _sh(c, "app", "main", "echo x > /etc/cfg/color") == \
        "sh: can't create /etc/cfg/color: Read-only file system\n"  # configMap volumes are read-only
    c.store.update({**c.store.get("ConfigMap", "cfg", "default"), "data": {"color": "blue"}})
    c.advance_sync(5)
    assert _sh(c, "app", "main", "cat /etc/cfg/color") == "red"  # not before the kubelet's next sync
    c.advance_sync(60)
    assert _sh(c, "app", "main", "cat /etc/cfg/color") == "blue"
    assert _sh(c, "app", "main", "cat /etc/color") == "red"
    assert _sh(c, "app", "main", "echo $COLOR") == "red\n"


def test_optional_references_and_env_from_prefix():
    c = new_cluster(1)
    c.store.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"},
                    "stringData": {"user": "admin"}})
    container = _sleeper("main", [{"name": "maybe", "mountPath": "/maybe"}],
                         envFrom=[{"prefix": "DB_", "secretRef": {"name": "creds"}},
                                  {"configMapRef": {"name": "absent", "optional": True}}])
    c.store.create(_pod("app", [container], [{"name": "maybe", "configMap": {"name": "absent", "optional": True}}]))
    c.advance_sync(30)
    assert c.store.get("Pod", "app", "default")["status"]["phase"] == "Running"
    assert _sh(c, "app", "main", "echo $DB_user") == "admin\n"
