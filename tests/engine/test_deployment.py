"""Deployments on the manual clock, checked against the behaviour the Kubernetes docs show."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k9play.api.pods import is_active, is_available
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster


def scaling_events(cluster, name="web"):
    evs = [e for e in cluster.store.list("Event", "default")
           if e["reason"] == "ScalingReplicaSet" and e["involvedObject"]["name"] == name]
    return [e["message"] for e in sorted(evs, key=lambda e: e["metadata"]["name"])]


def watch_pods(cluster, app="web", seconds=120.0, step=0.25, min_ready=0):
    """Advance in small steps, recording (total pods, available pods) after each step."""
    samples = []
    t = 0.0
    while t < seconds:
        cluster.advance_sync(step)
        t += step
        pods = [p for p in cluster.store.list("Pod", "default", f"app={app}") if is_active(p)]
        now = cluster.clock.now()
        samples.append((len(pods), sum(1 for p in pods if is_available(p, min_ready, now))))
    return samples


def test_nginx_rollout_reaches_3_of_3():
    c = new_cluster()
    apply_object(c.store, deployment())
    c.advance_sync(60)
    d = c.store.get("Deployment", "web", "default")
    st_ = d["status"]
    assert (st_["readyReplicas"], st_["updatedReplicas"], st_["availableReplicas"]) == (3, 3, 3)
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    conds = {c_["type"]: (c_["status"], c_["reason"]) for c_ in st_["conditions"]}
    assert conds == {"Available": ("True", "MinimumReplicasAvailable"),
                     "Progressing": ("True", "NewReplicaSetAvailable")}
    rs = c.store.list("ReplicaSet", "default")
    assert len(rs) == 1
    assert re.fullmatch(r"web-[4-9bcdf]{1,10}", rs[0]["metadata"]["name"])
    pods = c.store.list("Pod", "default")
    assert len(pods) == 3
    for p in pods:
        assert p["metadata"]["name"].startswith(rs[0]["metadata"]["name"] + "-")
        assert re.fullmatch(r"[bcdfghjklmnpqrstvwxz2456789]{5}", p["metadata"]["name"].rsplit("-", 1)[1])
        assert p["status"]["phase"] == "Running"
        assert p["spec"]["nodeName"] in ("k9play-worker", "k9play-worker2")
        assert p["metadata"]["labels"]["pod-template-hash"] == rs[0]["spec"]["selector"]["matchLabels"][
            "pod-template-hash"]
    assert scaling_events(c) == [f"Scaled up replica set {rs[0]['metadata']['name']} from 0 to 3"]


def test_image_update_rolls_one_step_at_a_time():
    c = new_cluster()
    apply_object(c.store, deployment())
    c.advance_sync(60)
    old_rs = c.store.list("ReplicaSet", "default")[0]["metadata"]["name"]
    apply_object(c.store, deployment(image="nginx:1.16.1"))
    samples = watch_pods(c, seconds=90)
    assert max(total for total, _ in samples) == 4  # never above replicas + maxSurge (1)
    assert min(avail for _, avail in samples) >= 3  # maxUnavailable 0: never below 3 available
    new_rs = next(r for r in c.store.list("ReplicaSet", "default") if r["metadata"]["name"] != old_rs)["metadata"][
        "name"]
    assert scaling_events(c)[1:] == [
        f"Scaled up replica set {new_rs} from 0 to 1",
        f"Scaled down replica set {old_rs} from 3 to 2",
        f"Scaled up replica set {new_rs} from 1 to 2",
        f"Scaled down replica set {old_rs} from 2 to 1",
        f"Scaled up replica set {new_rs} from 2 to 3",
        f"Scaled down replica set {old_rs} from 1 to 0",
    ]
    d = c.store.get("Deployment", "web", "default")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    old = c.store.get("ReplicaSet", old_rs, "default")
    assert old["spec"]["replicas"] == 0 and old["status"].get("replicas", 0) == 0
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.16.1" for p in c.store.list("Pod", "default"))


def test_recreate_scales_old_down_before_new_up():
    c = new_cluster()
    apply_object(c.store, deployment(strategy={"type": "Recreate"}))
    c.advance_sync(30)
    apply_object(c.store, deployment(image="nginx:1.16.1", strategy={"type": "Recreate"}))
    samples = watch_pods(c, seconds=60)
    # the old pods must all be gone before any new pod exists: total never exceeds 3
    assert max(total for total, _ in samples) <= 3
    assert 0 in [avail for _, avail in samples]
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.16.1" for p in c.store.list("Pod", "default"))
    assert len(c.store.list("Pod", "default")) == 3


def test_scale_and_delete_cascade():
    c = new_cluster()
    apply_object(c.store, deployment())
    c.advance_sync(20)
    d = c.store.get("Deployment", "web", "default")
    c.store.update({**d, "spec": {**d["spec"], "replicas": 5}})
    c.advance_sync(20)
    assert len(c.store.list("Pod", "default")) == 5
    c.store.delete("Deployment", "web", "default")
    c.advance_sync(40)
    assert c.store.list("ReplicaSet", "default") == []
    assert c.store.list("Pod", "default") == []


def test_paused_deployment_does_not_roll_until_resumed():
    c = new_cluster()
    apply_object(c.store, deployment())
    c.advance_sync(30)
    apply_object(c.store, deployment(paused=True))
    apply_object(c.store, deployment(image="nginx:1.16.1", paused=True))
    c.advance_sync(30)
    assert len(c.store.list("ReplicaSet", "default")) == 1
    d = c.store.get("Deployment", "web", "default")
    assert {x["type"]: x["reason"] for x in d["status"]["conditions"]}["Progressing"] == "DeploymentPaused"
    apply_object(c.store, deployment(image="nginx:1.16.1"))
    c.advance_sync(60)
    assert len(c.store.list("ReplicaSet", "default")) == 2
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.16.1" for p in c.store.list("Pod", "default"))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replicas=st.integers(1, 8), surge=st.sampled_from([0, 1, 2, "25%", "50%"]),
       unavailable=st.sampled_from([0, 1, 2, "25%", "50%"]))
def test_rolling_update_respects_surge_and_unavailable(replicas, surge, unavailable):
    from k9play.controllers.deployment_util import resolve_fenceposts

    if surge in (0, "0%") and unavailable in (0, "0%"):
        unavailable = 1
    max_surge, max_unavailable = resolve_fenceposts(surge, unavailable, replicas)
    c = new_cluster(workers=3)
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}
    apply_object(c.store, deployment(replicas=replicas, strategy=strategy))
    c.advance_sync(30)
    apply_object(c.store, deployment(replicas=replicas, image="nginx:1.16.1", strategy=strategy))
    samples = watch_pods(c, seconds=90, step=0.5)
    assert max(total for total, _ in samples) <= replicas + max_surge
    assert min(avail for _, avail in samples) >= replicas - min(max_unavailable, replicas)
    pods = c.store.list("Pod", "default")
    assert len(pods) == replicas
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.16.1" for p in pods)


@pytest.mark.parametrize("replicas", [10])
def test_proportional_scaling_during_stuck_rollout(replicas):
    """docs: 10 replicas, surge 3, unavailable 2, an image that never becomes ready, then scale to 15."""
    c = new_cluster(workers=3)
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}
    apply_object(c.store, deployment(replicas=replicas, strategy=strategy))
    c.advance_sync(30)
    bad = deployment(replicas=replicas, strategy=strategy)
    bad["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {"exec": {"command": ["false"]}}
    apply_object(c.store, bad)
    c.advance_sync(60)
    sizes = sorted((r["spec"]["replicas"], r["metadata"]["creationTimestamp"])
                   for r in c.store.list("ReplicaSet", "default"))
    assert [s for s, _ in sizes] == [5, 8]
    bad["spec"]["replicas"] = 15
    apply_object(c.store, bad)
    c.advance_sync(5)
    rs = sorted(c.store.list("ReplicaSet", "default"), key=lambda r: r["metadata"]["creationTimestamp"])
    assert [r["spec"]["replicas"] for r in rs] == [11, 7]


def test_progress_deadline_exceeded_with_an_unpullable_image():
    c = new_cluster()
    apply_object(c.store, deployment(progressDeadlineSeconds=60))
    c.advance_sync(30)
    apply_object(c.store, deployment(image="nginx:1.161", progressDeadlineSeconds=60))
    c.advance_sync(30)
    cond = {x["type"]: x for x in c.store.get("Deployment", "web", "default")["status"]["conditions"]}
    assert (cond["Progressing"]["status"], cond["Progressing"]["reason"]) == ("True", "ReplicaSetUpdated")
    c.advance_sync(60)
    cond = {x["type"]: x for x in c.store.get("Deployment", "web", "default")["status"]["conditions"]}
    assert (cond["Progressing"]["status"], cond["Progressing"]["reason"]) == ("False", "ProgressDeadlineExceeded")
    assert cond["Progressing"]["message"].endswith("has timed out progressing.")
    assert cond["Available"]["status"] == "True"  # the old pods still serve


def test_revision_history_limit_trims_old_replicasets():
    c = new_cluster()
    for tag in ["1.14.2", "1.16.1", "1.17.0", "1.18.0"]:
        apply_object(c.store, deployment(image=f"nginx:{tag}", revisionHistoryLimit=1))
        c.advance_sync(60)
    rss = c.store.list("ReplicaSet", "default")
    assert len(rss) == 2  # the current one and one old revision
    revisions = sorted(int(r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]) for r in rss)
    assert revisions == [3, 4]
