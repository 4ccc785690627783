import pytest

from k9play.api import errors
from k9play.api.store import ObjectStore
from k9play.clock import VirtualClock
from tests.helpers import deployment, pod


@pytest.fixture
def store() -> ObjectStore:
    return ObjectStore(VirtualClock())


def test_default_namespaces_exist(store):
    assert [n["metadata"]["name"] for n in store.list("Namespace")] == [
        "default", "kube-node-lease", "kube-public", "kube-system"]


def test_create_sets_server_fields(store):
    d = store.create(deployment())
    md = d["metadata"]
    assert md["namespace"] == "default"
    assert md["uid"] and md["creationTimestamp"] == "2026-01-01T00:00:00Z"
    assert md["generation"] == 1
    assert int(md["resourceVersion"]) == store.resource_version
    assert d["spec"]["strategy"] == {"type": "RollingUpdate",
                                     "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}


def test_generation_bumps_on_spec_change_only(store):
    d = store.create(deployment())
    new = {**d, "metadata": {**d["metadata"], "labels": {"app": "web", "tier": "x"}}}
    d2 = store.update(new)
    assert d2["metadata"]["generation"] == 1
    assert int(d2["metadata"]["resourceVersion"]) > int(d["metadata"]["resourceVersion"])
    spec = dict(d2["spec"], replicas=5)
    d3 = store.update({**d2, "spec": spec})
    assert d3["metadata"]["generation"] == 2
    d4 = store.update_status({**d3, "status": {"replicas": 5}})
    assert d4["metadata"]["generation"] == 2 and d4["status"] == {"replicas": 5}


def test_main_update_ignores_status_and_noop_update_keeps_version(store):
    d = store.create(deployment())
    d = store.update_status({**d, "status": {"replicas": 1}})
    same = store.update({**d, "status": {"replicas": 99}})
    assert same is d  # nothing changed: no new resourceVersion, no event


def test_optimistic_concurrency(store):
    d = store.create(deployment())
    store.update({**d, "metadata": {**d["metadata"], "labels": {"app": "web", "a": "b"}}})
    with pytest.raises(errors.ApiError) as e:
        store.update({**d, "metadata": {**d["metadata"], "labels": {"app": "web", "a": "c"}}})
    assert e.value.reason == "Conflict"
    assert "the object has been modified" in str(e.value)


def test_already_exists_and_not_found_messages(store):
    store.create(deployment())
    with pytest.raises(errors.ApiError, match=r'deployments.apps "web" already exists'):
        store.create(deployment())
    with pytest.raises(errors.ApiError, match=r'pods "nope" not found'):
        store.get("Pod", "nope")


def test_unknown_kind_and_namespace(store):
    with pytest.raises(errors.NoKindMatchError, match=r'no matches for kind "Widget" in version "example\.com/v1"'):
        store.create({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}})
    with pytest.raises(errors.ApiError, match='namespaces "dev" not found'):
        store.create({**pod(), "metadata": {"name": "p", "namespace": "dev"}})


def test_generate_name_is_seeded(store):
    p = store.create({**pod(), "metadata": {"generateName": "web-"}})
    other = ObjectStore(VirtualClock()).create({**pod(), "metadata": {"generateName": "web-"}})
    assert p["metadata"]["name"].startswith("web-") and len(p["metadata"]["name"]) == 9
    assert p["metadata"]["name"] == other["metadata"]["name"]


def test_finalizers_hold_deletion(store):
    cm = store.create({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": "c", "finalizers": ["example.com/hold"]}})
    deleted = store.delete("ConfigMap", "c")
    assert deleted["metadata"]["deletionTimestamp"]
    assert store.try_get("ConfigMap", "c") is not None
    cur = store.get("ConfigMap", "c")
    with pytest.raises(errors.ApiError, match="no new finalizers"):
        store.update({**cur, "metadata": {**cur["metadata"], "finalizers": ["example.com/hold", "x/y"]}})
    store.update({**cur, "metadata": {**cur["metadata"], "finalizers": []}})
    assert store.try_get("ConfigMap", "c") is None
    assert cm["metadata"]["uid"] not in store._by_uid


def test_pod_deletion_is_graceful_only_when_scheduled(store):
    store.create(pod("unscheduled"))
    store.delete("Pod", "unscheduled")
    assert store.try_get("Pod", "unscheduled") is None
    p = store.create(pod("bound"))
    store.bind(p, "node-a")
    d = store.delete("Pod", "bound")
    assert d["metadata"]["deletionGracePeriodSeconds"] == 30
    assert d["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:30Z"
    store.delete("Pod", "bound", grace_period=0)
    assert store.try_get("Pod", "bound") is None


def test_label_and_field_selectors_and_indexes(store):
    for i, tier in enumerate(["web", "web", "db"]):
        p = store.create({**pod(f"p{i}"), "metadata": {"name": f"p{i}", "labels": {"tier": tier, "i": str(i)}}})
        if i == 0:
            store.bind(p, "n1")
    names = lambda objs: [o["metadata"]["name"] for o in objs]
    assert names(store.list("Pod", label_selector="tier=web")) == ["p0", "p1"]
    assert names(store.list("Pod", label_selector="tier!=web")) == ["p2"]
    assert names(store.list("Pod", label_selector="tier in (db,cache),i")) == ["p2"]
    assert names(store.list("Pod", label_selector="!missing,i notin (0)")) == ["p1", "p2"]
    assert names(store.list("Pod", field_selector="spec.nodeName=n1")) == ["p0"]
    assert names(store.list("Pod", field_selector="metadata.name=p1")) == ["p1"]
    assert names(store.list("Pod", field_selector="status.phase=Pending,metadata.name!=p0")) == ["p1", "p2"]
    assert names(store.pods_on_node("n1")) == ["p0"]
    with pytest.raises(errors.ApiError, match=r"field label not supported: spec\.bogus"):
        store.list("Pod", field_selector="spec.bogus=1")


def test_owner_index(store):
    owner = store.create(deployment())
    ref = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": owner["metadata"]["uid"],
           "controller": True}
    store.create({**pod("child"), "metadata": {"name": "child", "ownerReferences": [ref]}})
    assert [o["metadata"]["name"] for o in store.dependents_of(owner["metadata"]["uid"])] == ["child"]


async def test_watch_streams_existing_then_changes_with_selector_transitions(store):
    store.create({**pod("a"), "metadata": {"name": "a", "labels": {"app": "x"}}})
    w = store.watch("Pod", selector="app=x")
    first = await w.__anext__()
    assert (first.type, first.object["metadata"]["name"]) == ("ADDED", "a")
    b = store.create({**pod("b"), "metadata": {"name": "b", "labels": {"app": "y"}}})
    store.update({**b, "metadata": {**b["metadata"], "labels": {"app": "x"}}})  # moves into the selector
    a = store.get("Pod", "a")
    store.update({**a, "metadata": {**a["metadata"], "labels": {"app": "z"}}})  # moves out
    store.delete("Pod", "b")
    got = [(e.type, e.object["metadata"]["name"]) for e in w.drain()]
    assert got == [("ADDED", "b"), ("DELETED", "a"), ("DELETED", "b")]
    w.close()


async def test_watch_since_resource_version_replays_history(store):
    rv = store.resource_version
    store.create(pod("late"))
    w = store.watch("Pod", since_rv=rv)
    assert [(e.type, e.object["metadata"]["name"]) for e in w.drain()] == [("ADDED", "late")]


def test_watch_from_a_version_older_than_history_is_expired():
    store = ObjectStore(VirtualClock(), history=3)
    for i in range(6):
        store.create(pod(f"p{i}"))
    with pytest.raises(errors.ApiError) as e:
        store.watch("Pod", since_rv=1)
    assert e.value.code == 410


def test_patches(store):
    store.create(deployment())
    d = store.patch("Deployment", "web", "default", {"spec": {"replicas": 5}, "metadata": {"labels": {"x": "1"}}})
    assert d["spec"]["replicas"] == 5 and d["metadata"]["labels"] == {"app": "web", "x": "1"}
    d = store.patch("Deployment", "web", "default", [{"op": "replace", "path": "/spec/replicas", "value": 2}], "json")
    assert d["spec"]["replicas"] == 2
    d = store.patch("Deployment", "web", "default", {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "nginx:1.16.1"}]}}}}, "strategic")
    c = d["spec"]["template"]["spec"]["containers"][0]
    assert c["image"] == "nginx:1.16.1" and c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_reads_return_stored_objects_and_writes_copy_input(store):
    obj = pod("x")
    created = store.create(obj)
    obj["metadata"]["name"] = "mutated"
    assert store.get("Pod", "x") is created


def test_update_keeps_a_null_in_the_stored_status(store):
    """A status written with ``lastProbeTime: null`` (as the kubelet does) is not the request's
    to decode: re-PUTting the stored object is a no-op, with no new resourceVersion."""
    created = store.create(pod())
    status = {"conditions": [{"type": "Ready", "status": "True", "lastProbeTime": None}]}
    live = store.update({**created, "status": status}, subresource="status")
    assert live["status"]["conditions"][0]["lastProbeTime"] is None
    assert store.update(live) is live
    assert store.get("Pod", "solo", "default")["metadata"]["resourceVersion"] == live["metadata"]["resourceVersion"]
