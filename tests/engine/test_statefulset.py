"""StatefulSets on the manual clock, checked against the StatefulSet basics tutorial
(``application/web/web.yaml``: a headless Service ``nginx`` and StatefulSet ``web``) and the
real controller (``pkg/controller/statefulset``).

PersistentVolumeClaims are asserted as objects (names, labels, owners). Pods only schedule
once their claims are bound; while the cluster has no default StorageClass to provision
from, :class:`StandInBinder` binds each new claim to a pre-bound volume so the pods can run,
and once a default class exists it stands aside and the real provisioning path is used.
"""

from __future__ import annotations

from typing import Any

from k9play.api.meta import copy_obj
from k9play.api.pods import is_ready
from k9play.controllers import statefulset_util as su
from k9play.manifests.applier import apply_object
from tests.helpers import new_cluster

HEADLESS_SERVICE = {
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
    "spec": {"ports": [{"port": 80, "name": "web"}], "clusterIP": "None", "selector": {"app": "nginx"}},
}


def web(replicas: int = 2, image: str = "nginx:1.25", *, mount: bool = False, **spec: Any) -> dict[str, Any]:
    """The tutorial's StatefulSet ``web`` (nginx, one ``www`` claim template of 1Gi).

    ``mount=True`` adds the tutorial's ``volumeMounts`` of ``www``."""
    container: dict[str, Any] = {"name": "nginx", "image": image, "ports": [{"containerPort": 80, "name": "web"}]}
    if mount:
        container["volumeMounts"] = [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
    return {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [container]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {
                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}],
            **spec,
        },
    }


DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"


class StandInBinder:
    """Binds new class-less claims to a volume made for them, as a static volume plus the
    binder would — only while no default StorageClass exists (so no provisioner would).

    It reacts like any component here: the handler only schedules, the write runs on the clock.
    """

    def __init__(self, cluster) -> None:
        self.store, self.clock = cluster.store, cluster.clock
        self.store.add_handler("PersistentVolumeClaim", self._on_claim)

    def _on_claim(self, ev) -> None:
        if ev.type == "ADDED":
            meta = ev.object["metadata"]
            self.clock.call_soon(self._bind, meta["namespace"], meta["name"])

    def _bind(self, namespace: str, name: str) -> None:
        store = self.store
        if any((sc["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"
               for sc in store.list("StorageClass")):
            return
        pvc = store.try_get("PersistentVolumeClaim", name, namespace)
        if pvc is None or pvc["metadata"].get("deletionTimestamp") or pvc["spec"].get("volumeName") \
                or pvc["spec"].get("storageClassName") or (pvc["metadata"].get("annotations") or {}).get(
                    "volume.beta.kubernetes.io/storage-class"):
            return
        size = pvc["spec"]["resources"]["requests"]["storage"]
        modes = list(pvc["spec"].get("accessModes") or ["ReadWriteOnce"])
        pv_name = f"pvc-{pvc['metadata']['uid']}"
        pv = store.create({
            "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": pv_name},
            "spec": {"capacity": {"storage": size}, "accessModes": modes, "hostPath": {"path": f"/data/{pv_name}"},
                     "claimRef": {"kind": "PersistentVolumeClaim", "namespace": namespace, "name": name,
                                  "uid": pvc["metadata"]["uid"], "apiVersion": "v1"}},
        })
        store.update_status({**pv, "status": {"phase": "Bound"}})
        new = copy_obj(pvc)
        new["spec"]["volumeName"] = pv_name
        new["metadata"].setdefault("annotations", {}).update(
            {"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes"})
        stored = store.update(new)
        store.update_status({**stored, "status": {"phase": "Bound", "accessModes": modes,
                                                  "capacity": {"storage": size}}})


class PodLog:
    """Records pod lifecycle steps in order, from an informer-style handler (it only records)."""

    def __init__(self, cluster) -> None:
        self.steps: list[tuple[str, str]] = []
        self.times: dict[tuple[str, str], float] = {}
        self.clock = cluster.clock
        cluster.store.add_handler("Pod", self._on_pod)

    def _add(self, kind: str, name: str) -> None:
        self.steps.append((kind, name))
        self.times.setdefault((kind, name), self.clock.now())

    def _on_pod(self, ev) -> None:
        pod, old = ev.object, ev.old
        name = pod["metadata"]["name"]
        if ev.type == "ADDED":
            self._add("created", name)
        elif ev.type == "DELETED":
            self._add("gone", name)
        else:
            if pod["metadata"].get("deletionTimestamp") and not old["metadata"].get("deletionTimestamp"):
                self._add("deleting", name)
            if is_ready(pod) and not is_ready(old) and pod["status"].get("phase") == "Running":
                self._add("ready", name)

    def index(self, kind: str, name: str) -> int:
        return self.steps.index((kind, name))

    def of(self, kind: str) -> list[str]:
        return [n for k, n in self.steps if k == kind]


def start(replicas: int = 2, **kw: Any):
    c = new_cluster()
    StandInBinder(c)
    log = PodLog(c)
    apply_object(c.store, HEADLESS_SERVICE)
    apply_object(c.store, web(replicas, **kw))
    return c, log


def pod_names(c) -> list[str]:
    return [p["metadata"]["name"] for p in c.store.list("Pod", "default", "app=nginx")]


def claims(c) -> list[str]:
    return [p["metadata"]["name"] for p in c.store.list("PersistentVolumeClaim", "default")]


def sts_events(c) -> list[tuple[str, str, str]]:
    evs = [e for e in c.store.list("Event", "default")
           if e["involvedObject"]["kind"] == "StatefulSet" and e["involvedObject"]["name"] == "web"]
    evs.sort(key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
    return [(e["type"], e["reason"], e["message"]) for e in evs]


def status(c) -> dict[str, Any]:
    return c.store.get("StatefulSet", "web", "default")["status"]


def image_of(c, name: str) -> str:
    return c.store.get("Pod", name, "default")["spec"]["containers"][0]["image"]


# ------------------------------------------------------------ ordered create
def test_web_0_is_running_and_ready_before_web_1_is_created():
    c, log = start()
    c.advance_sync(0)
    assert pod_names(c) == ["web-0"]
    assert claims(c) == ["www-web-0"]  # the claim exists before its pod
    c.advance_sync(60)
    assert pod_names(c) == ["web-0", "web-1"]
    assert log.index("ready", "web-0") < log.index("created", "web-1")
    for name in ("web-0", "web-1"):
        pod = c.store.get("Pod", name, "default")
        assert pod["status"]["phase"] == "Running" and is_ready(pod)
    assert claims(c) == ["www-web-0", "www-web-1"]
    assert sts_events(c) == [
        ("Normal", "SuccessfulCreate", "create Claim www-web-0 Pod web-0 in StatefulSet web success"),
        ("Normal", "SuccessfulCreate", "create Pod web-0 in StatefulSet web successful"),
        ("Normal", "SuccessfulCreate", "create Claim www-web-1 Pod web-1 in StatefulSet web success"),
        ("Normal", "SuccessfulCreate", "create Pod web-1 in StatefulSet web successful"),
    ]


def test_pods_have_stable_identity_and_claim_volumes():
    c, _ = start()
    c.advance_sync(60)
    sts = c.store.get("StatefulSet", "web", "default")
    rev = sts["status"]["currentRevision"]
    for i in range(2):
        pod = c.store.get("Pod", f"web-{i}", "default")
        meta, spec = pod["metadata"], pod["spec"]
        assert meta["generateName"] == "web-"
        assert meta["labels"] == {"app": "nginx", "statefulset.kubernetes.io/pod-name": f"web-{i}",
                                  "apps.kubernetes.io/pod-index": str(i), "controller-revision-hash": rev}
        ref = meta["ownerReferences"][0]
        assert (ref["apiVersion"], ref["kind"], ref["name"], ref["uid"], ref["controller"]) == (
            "apps/v1", "StatefulSet", "web", sts["metadata"]["uid"], True)
        assert (spec["hostname"], spec["subdomain"]) == (f"web-{i}", "nginx")
        assert spec["volumes"][0] == {"name": "www", "persistentVolumeClaim": {"claimName": f"www-web-{i}"}}
        claim = c.store.get("PersistentVolumeClaim", f"www-web-{i}", "default")
        assert claim["metadata"]["labels"] == {"app": "nginx"}
        assert "ownerReferences" not in claim["metadata"]  # Retain/Retain: claims are nobody's dependents
        assert claim["spec"]["resources"] == {"requests": {"storage": "1Gi"}}
        assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]


def test_status_and_revision_after_the_rollout():
    c, _ = start()
    c.advance_sync(60)
    revs = c.store.list("ControllerRevision", "default")
    assert len(revs) == 1
    rev = revs[0]
    hash_ = rev["metadata"]["labels"]["controller.kubernetes.io/hash"]
    assert rev["metadata"]["name"] == f"web-{hash_}"
    assert rev["metadata"]["labels"]["app"] == "nginx"
    assert rev["revision"] == 1
    assert rev["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"
    assert rev["data"]["spec"]["template"]["$patch"] == "replace"
    assert status(c) == {"observedGeneration": 1, "replicas": 2, "readyReplicas": 2, "currentReplicas": 2,
                         "updatedReplicas": 2, "currentRevision": f"web-{hash_}", "updateRevision": f"web-{hash_}",
                         "collisionCount": 0, "availableReplicas": 2}


def test_scaling_up_creates_one_pod_at_a_time():
    c, log = start()
    c.advance_sync(60)
    apply_object(c.store, web(5))
    c.advance_sync(90)
    assert pod_names(c) == [f"web-{i}" for i in range(5)]
    for i in range(1, 5):
        assert log.index("ready", f"web-{i - 1}") < log.index("created", f"web-{i}")
    assert log.of("created") == [f"web-{i}" for i in range(5)]
    assert status(c)["readyReplicas"] == 5


def test_an_unhealthy_pod_halts_ordered_creation():
    c, _ = start(3, image="nginx:nosuchtag")
    c.advance_sync(120)
    assert pod_names(c) == ["web-0"]
    st = status(c)
    assert (st["replicas"], st.get("readyReplicas", 0)) == (1, 0)


def test_scaling_down_deletes_the_highest_ordinal_first_and_waits_for_it():
    c, log = start(5)
    c.advance_sync(120)
    assert pod_names(c) == [f"web-{i}" for i in range(5)]
    apply_object(c.store, web(3))
    c.advance_sync(0)
    assert [p["metadata"]["name"] for p in c.store.list("Pod", "default", "app=nginx")
            if p["metadata"].get("deletionTimestamp")] == ["web-4"]
    c.advance_sync(60)
    assert pod_names(c) == ["web-0", "web-1", "web-2"]
    assert log.of("deleting") == ["web-4", "web-3"]
    assert log.index("gone", "web-4") < log.index("deleting", "web-3")
    deletes = [m for _, r, m in sts_events(c) if r == "SuccessfulDelete"]
    assert deletes == ["delete Pod web-4 in StatefulSet web successful",
                       "delete Pod web-3 in StatefulSet web successful"]
    # claims are never deleted on scale-down (whenScaled: Retain)
    assert claims(c) == [f"www-web-{i}" for i in range(5)]
    assert status(c)["replicas"] == 3


def test_scale_up_again_reuses_the_retained_claims():
    c, _ = start(3)
    c.advance_sync(60)
    apply_object(c.store, web(1))
    c.advance_sync(60)
    uid_before = c.store.get("PersistentVolumeClaim", "www-web-2", "default")["metadata"]["uid"]
    apply_object(c.store, web(3))
    c.advance_sync(60)
    assert pod_names(c) == ["web-0", "web-1", "web-2"]
    assert c.store.get("PersistentVolumeClaim", "www-web-2", "default")["metadata"]["uid"] == uid_before
    assert [m for _, r, m in sts_events(c) if m.startswith("create Claim")] == [
        f"create Claim www-web-{i} Pod web-{i} in StatefulSet web success" for i in range(3)]


def test_parallel_creates_and_deletes_all_at_once():
    c, log = start(4, podManagementPolicy="Parallel")
    c.advance_sync(0)
    assert pod_names(c) == [f"web-{i}" for i in range(4)]
    assert claims(c) == [f"www-web-{i}" for i in range(4)]
    c.advance_sync(30)
    assert status(c)["readyReplicas"] == 4
    apply_object(c.store, web(1, podManagementPolicy="Parallel"))
    c.advance_sync(0)
    assert sorted(log.of("deleting")) == ["web-1", "web-2", "web-3"]


def test_a_deleted_pod_comes_back_with_the_same_name_and_claim():
    c, _ = start()
    c.advance_sync(60)
    old_uid = c.store.get("Pod", "web-1", "default")["metadata"]["uid"]
    c.store.delete("Pod", "web-1", "default")
    c.advance_sync(60)
    pod = c.store.get("Pod", "web-1", "default")
    assert pod["metadata"]["uid"] != old_uid and is_ready(pod)
    assert pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "www-web-1"
    assert claims(c) == ["www-web-0", "www-web-1"]


def test_a_lost_identity_label_is_restored():
    c, _ = start(1)
    c.advance_sync(30)
    c.store.patch("Pod", "web-0", "default", {"metadata": {"labels": {"statefulset.kubernetes.io/pod-name": None}}})
    c.advance_sync(0)
    labels = c.store.get("Pod", "web-0", "default")["metadata"]["labels"]
    assert labels["statefulset.kubernetes.io/pod-name"] == "web-0"
    assert sts_events(c)[-1] == ("Normal", "SuccessfulUpdate", "update Pod web-0 in StatefulSet web successful")


# --------------------------------------------------------------- updates
def test_rolling_update_replaces_pods_in_reverse_ordinal_order():
    c, log = start(3)
    c.advance_sync(90)
    first_rev = status(c)["currentRevision"]
    apply_object(c.store, web(3, image="nginx:1.26"))
    c.advance_sync(0)
    st = status(c)
    assert st["updateRevision"] != first_rev and st["currentRevision"] == first_rev
    c.advance_sync(120)
    assert log.of("deleting") == ["web-2", "web-1", "web-0"]
    # one at a time: the replacement is ready before the next pod goes
    assert log.index("ready", "web-2") < log.index("deleting", "web-1") < log.index("deleting", "web-0")
    assert all(image_of(c, f"web-{i}") == "nginx:1.26" for i in range(3))
    st = status(c)
    assert st["currentRevision"] == st["updateRevision"] != first_rev
    assert (st["currentReplicas"], st["updatedReplicas"], st["observedGeneration"]) == (3, 3, 2)
    assert sorted(r["revision"] for r in c.store.list("ControllerRevision", "default")) == [1, 2]
    assert claims(c) == ["www-web-0", "www-web-1", "www-web-2"]


def test_partition_limits_the_update_to_higher_ordinals():
    c, log = start(3)
    c.advance_sync(90)
    old_rev = status(c)["currentRevision"]
    staged = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}
    apply_object(c.store, web(3, image="nginx:1.26", updateStrategy=staged))
    c.advance_sync(90)
    assert [image_of(c, f"web-{i}") for i in range(3)] == ["nginx:1.25", "nginx:1.25", "nginx:1.26"]
    st = status(c)
    assert (st["currentReplicas"], st["updatedReplicas"]) == (2, 1)
    assert st["currentRevision"] == old_rev != st["updateRevision"]
    # a pod below the partition is recreated at the current revision
    c.store.delete("Pod", "web-0", "default")
    c.advance_sync(60)
    assert image_of(c, "web-0") == "nginx:1.25"
    assert c.store.get("Pod", "web-0", "default")["metadata"]["labels"]["controller-revision-hash"] == old_rev
    # lowering the partition rolls out the rest
    apply_object(c.store, web(3, image="nginx:1.26",
                              updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}))
    c.advance_sync(90)
    assert [image_of(c, f"web-{i}") for i in range(3)] == ["nginx:1.26"] * 3
    assert log.of("deleting") == ["web-2", "web-0", "web-1", "web-0"]
    st = status(c)
    assert st["currentRevision"] == st["updateRevision"] and st["currentReplicas"] == 3


def test_on_delete_updates_only_pods_the_user_deletes():
    strategy = {"type": "OnDelete"}
    c, _ = start(2, updateStrategy=strategy)
    c.advance_sync(60)
    apply_object(c.store, web(2, image="nginx:1.26", updateStrategy=strategy))
    c.advance_sync(60)
    assert [image_of(c, f"web-{i}") for i in range(2)] == ["nginx:1.25", "nginx:1.25"]
    c.store.delete("Pod", "web-1", "default")
    c.advance_sync(60)
    assert [image_of(c, f"web-{i}") for i in range(2)] == ["nginx:1.25", "nginx:1.26"]
    st = status(c)
    assert (st["currentReplicas"], st["updatedReplicas"]) == (1, 1)
    assert st["currentRevision"] != st["updateRevision"]


def test_min_ready_seconds_delays_the_next_ordinal():
    c, log = start(2, minReadySeconds=15)
    c.advance_sync(120)
    assert pod_names(c) == ["web-0", "web-1"]
    assert log.times[("created", "web-1")] - log.times[("ready", "web-0")] >= 15
    assert status(c)["availableReplicas"] == 2


# ---------------------------------------------------- claim retention policy
def test_when_scaled_delete_removes_claims_of_condemned_pods():
    policy = {"whenDeleted": "Retain", "whenScaled": "Delete"}
    c, _ = start(3, persistentVolumeClaimRetentionPolicy=policy)
    c.advance_sync(90)
    apply_object(c.store, web(1, persistentVolumeClaimRetentionPolicy=policy))
    c.advance_sync(0)
    for i in (1, 2):  # condemned pods own their claims, so the garbage collector takes them along
        refs = c.store.get("PersistentVolumeClaim", f"www-web-{i}", "default")["metadata"]["ownerReferences"]
        assert [(r["kind"], r["name"], r["controller"]) for r in refs] == [("Pod", f"web-{i}", True)]
    assert "ownerReferences" not in c.store.get("PersistentVolumeClaim", "www-web-0", "default")["metadata"]
    c.advance_sync(90)
    assert pod_names(c) == ["web-0"]
    assert claims(c) == ["www-web-0"]


def test_when_deleted_delete_owns_claims_by_the_set():
    policy = {"whenDeleted": "Delete", "whenScaled": "Retain"}
    c, _ = start(2, persistentVolumeClaimRetentionPolicy=policy)
    c.advance_sync(60)
    uid = c.store.get("StatefulSet", "web", "default")["metadata"]["uid"]
    for name in claims(c):
        refs = c.store.get("PersistentVolumeClaim", name, "default")["metadata"]["ownerReferences"]
        assert [(r["kind"], r["name"], r["uid"]) for r in refs] == [("StatefulSet", "web", uid)]
    c.store.delete("StatefulSet", "web", "default")
    c.advance_sync(60)
    assert claims(c) == []


def test_deleting_the_set_retains_claims_by_default():
    c, _ = start(2)
    c.advance_sync(60)
    c.store.delete("StatefulSet", "web", "default")
    c.advance_sync(60)
    assert pod_names(c) == []
    assert claims(c) == ["www-web-0", "www-web-1"]


# ---------------------------------------------------------------- manifest
def test_tutorial_manifest_with_volume_mounts_is_accepted():
    c, _ = start(2, mount=True)
    c.advance_sync(60)
    assert pod_names(c) == ["web-0", "web-1"]
    mounts = c.store.get("Pod", "web-0", "default")["spec"]["containers"][0]["volumeMounts"]
    assert {"name": "www", "mountPath": "/usr/share/nginx/html"} in mounts


# ------------------------------------------------------------------ helpers
def test_ordinals_and_claim_names():
    assert su.parent_and_ordinal({"metadata": {"name": "web-12"}}) == ("web", 12)
    assert su.parent_and_ordinal({"metadata": {"name": "my-web-0"}}) == ("my-web", 0)
    assert su.parent_and_ordinal({"metadata": {"name": "web"}}) == ("", -1)
    sts = web(3)
    sts["metadata"]["namespace"] = "default"
    assert su.claim_name(sts, sts["spec"]["volumeClaimTemplates"][0], 4) == "www-web-4"
    sts["spec"]["ordinals"] = {"start": 5}
    assert (su.start_ordinal(sts), su.end_ordinal(sts)) == (5, 7)
    assert su.in_ordinal_range({"metadata": {"name": "web-5"}}, sts)
    assert not su.in_ordinal_range({"metadata": {"name": "web-0"}}, sts)


def test_claim_owner_policy_matrix():
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "uid": "s1"},
           "spec": {"replicas": 1}}
    pod_in = {"metadata": {"name": "web-0", "uid": "p0"}}
    pod_out = {"metadata": {"name": "web-3", "uid": "p3"}}
    cases = {
        ("Retain", "Retain"): ([], []),
        ("Delete", "Retain"): (["s1"], ["s1"]),
        ("Retain", "Delete"): ([], ["p3"]),
        ("Delete", "Delete"): (["s1"], ["p3"]),
    }
    for (when_deleted, when_scaled), (want_in, want_out) in cases.items():
        sts["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": when_deleted, "whenScaled": when_scaled}
        for pod, want in ((pod_in, want_in), (pod_out, want_out)):
            claim = {"metadata": {"name": "www-" + pod["metadata"]["name"]}}
            su.update_claim_owner_refs(claim, sts, pod)
            assert [r["uid"] for r in claim["metadata"].get("ownerReferences", [])] == want
            assert su.is_claim_owner_up_to_date(claim, sts, pod)
