"""ResourceQuota and LimitRange admission, the quota controller, Secret type validation.
Written for k9play; messages are the apiserver's."""

from __future__ import annotations

import pytest

from k9play.api import errors
from k9play.kubectl.commands import Kubectl
from tests.helpers import new_cluster


def _pod(name: str, ns: str = "team", **resources: dict[str, str]) -> dict:
    container: dict = {"name": "app", "image": "nginx"}
    if resources:
        container["resources"] = resources
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [container]}}


def _cluster():
    c = new_cluster(1)
    c.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    return c


def _forbidden(c, obj: dict) -> str:
    with pytest.raises(errors.ApiError) as e:
        c.store.create(obj)
    assert e.value.reason == "Forbidden"
    return e.value.message


def test_quota_refuses_the_fourth_pod_and_frees_room_when_one_goes():
    c = _cluster()
    k = Kubectl(c)
    assert k.run_line("create quota q --hard=pods=3 -n team").out == "resourcequota/q created\n"
    c.advance_sync(1)
    for i in range(3):
        c.store.create(_pod(f"p{i}"))
    assert c.store.get("ResourceQuota", "q", "team")["status"] == {"hard": {"pods": "3"}, "used": {"pods": "3"}}
    assert _forbidden(c, _pod("p3")) == (
        'pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3')
    c.store.delete("Pod", "p0", "team", grace_period=0)
    c.advance_sync(1)
    assert c.store.get("ResourceQuota", "q", "team")["status"]["used"] == {"pods": "2"}
    c.store.create(_pod("p3"))


def test_a_quota_takes_part_once_its_status_is_written():
    c = _cluster()
    c.store.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "team"},
                    "spec": {"hard": {"pods": "0"}}})
    c.store.create(_pod("early"))  # the controller has not synced yet
    c.advance_sync(1)
    assert "exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=0" in _forbidden(c, _pod("late"))


def test_compute_quota_requires_requests_and_limits_and_counts_them():
    c = _cluster()
    c.store.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "compute", "namespace": "team"},
                    "spec": {"hard": {"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2",
                                      "limits.memory": "2Gi"}}})
    c.advance_sync(1)
    assert _forbidden(c, _pod("bare")) == (
        'pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: app; limits.memory for: app; '
        "requests.cpu for: app; requests.memory for: app")
    res = {"requests": {"cpu": "600m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}
    c.store.create(_pod("a", **res))
    used = c.store.get("ResourceQuota", "compute", "team")["status"]["used"]
    assert used == {"limits.cpu": "1", "limits.memory": "1Gi", "requests.cpu": "600m", "requests.memory": "512Mi"}
    assert _forbidden(c, _pod("b", **res)) == (
        'pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, '
        "limited: requests.cpu=1")


def test_scopes_select_pods():
    c = _cluster()
    c.store.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "be", "namespace": "team"},
                    "spec": {"hard": {"pods": "1"}, "scopes": ["BestEffort"]}})
    c.store.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "hi", "namespace": "team"},
                    "spec": {"hard": {"pods": "0"}, "scopeSelector": {"matchExpressions": [
                        {"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}]}}})
    c.store.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
                    "value": 1000})
    c.advance_sync(1)
    c.store.create(_pod("best-effort"))
    assert "exceeded quota: be" in _forbidden(c, _pod("best-effort-2"))
    c.store.create(_pod("burstable", requests={"cpu": "100m"}))  # NotBestEffort: not under "be"
    high = _pod("high", requests={"cpu": "100m"})
    high["spec"]["priorityClassName"] = "high"
    assert "exceeded quota: hi, requested: pods=1, used: pods=0, limited: pods=0" in _forbidden(c, high)
    c.advance_sync(1)
    assert c.store.get("ResourceQuota", "be", "team")["status"]["used"] == {"pods": "1"}


def test_object_count_quotas():
    c = _cluster()
    k = Kubectl(c)
    k.run_line("create quota objects --hard=count/configmaps=2,secrets=1 -n team")
    c.advance_sync(1)
    # kube-root-ca.crt is one of the two configmaps
    assert k.run_line("create configmap a --from-literal=x=y -n team").code == 0
    r = k.run_line("create configmap b --from-literal=x=y -n team")
    assert r.err == ('Error from server (Forbidden): configmaps "b" is forbidden: exceeded quota: objects, '
                     "requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2\n")
    assert k.run_line("create secret generic s --from-literal=x=y -n team").code == 0
    assert "exceeded quota: objects, requested: secrets=1" in k.run_line("create secret generic t -n team").err


def test_limit_range_defaults_are_applied_and_recorded():
    c = _cluster()
    c.store.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr", "namespace": "team"},
                    "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"},
                                         "defaultRequest": {"cpu": "100m"}}]}})
    lr = c.store.get("LimitRange", "lr", "team")
    assert lr["spec"]["limits"][0]["defaultRequest"] == {"cpu": "100m", "memory": "256Mi"}  # from default
    pod = c.store.create(_pod("p"))
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "500m", "memory": "256Mi"},
                                                         "requests": {"cpu": "100m", "memory": "256Mi"}}
    assert pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app")
    assert pod["status"]["qosClass"] == "Burstable"
    # a stated limit is kept, and its request follows it (pod defaulting runs first)
    pod = c.store.create(_pod("q", limits={"cpu": "200m"}))
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "200m", "memory": "256Mi"},
                                                         "requests": {"cpu": "200m", "memory": "256Mi"}}


def test_limit_range_min_max_and_ratio_messages():
    c = _cluster()
    c.store.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "cpu", "namespace": "team"},
                    "spec": {"limits": [{"type": "Container", "min": {"cpu": "200m"}, "max": {"cpu": "800m"},
                                         "maxLimitRequestRatio": {"cpu": "2"}}]}})
    assert _forbidden(c, _pod("big", limits={"cpu": "1500m"}, requests={"cpu": "500m"})) == (
        'pods "big" is forbidden: [maximum cpu usage per Container is 800m, but limit is 1500m, cpu max limit to '
        "request ratio per Container is 2, but provided ratio is 3.000000]")
    assert _forbidden(c, _pod("small", limits={"cpu": "800m"}, requests={"cpu": "100m"})) == (
        'pods "small" is forbidden: [minimum cpu usage per Container is 200m, but request is 100m, cpu max limit to '
        "request ratio per Container is 2, but provided ratio is 8.000000]")
    c.store.create(_pod("ok", limits={"cpu": "800m"}, requests={"cpu": "500m"}))
    c.store.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "pvc", "namespace": "team"},
                    "spec": {"limits": [{"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"},
                                         "max": {"storage": "2Gi"}}]}})
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c", "namespace": "team"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}}}
    assert _forbidden(c, claim) == ('persistentvolumeclaims "c" is forbidden: maximum storage usage per '
                                    "PersistentVolumeClaim is 2Gi, but request is 5Gi")


def test_secret_types_are_validated():
    c = _cluster()

    def invalid(secret: dict) -> str:
        with pytest.raises(errors.ApiError) as e:
            c.store.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "team"},
                            **secret})
        return e.value.message

    assert invalid({"type": "kubernetes.io/tls", "data": {}}) == (
        'Secret "s" is invalid: [data[tls.crt]: Required value, data[tls.key]: Required value]')
    assert invalid({"type": "kubernetes.io/dockerconfigjson"}) == (
        'Secret "s" is invalid: data[.dockerconfigjson]: Required value')
    assert invalid({"type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": "{nope"}}) == (
        'Secret "s" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid '
        "character looking for beginning of value")
    assert invalid({"type": "kubernetes.io/basic-auth"}) == (
        'Secret "s" is invalid: [data[username]: Required value, data[password]: Required value]')
    assert invalid({"type": "kubernetes.io/ssh-auth"}) == (
        'Secret "s" is invalid: data[ssh-privatekey]: Required value')
    assert invalid({"type": "kubernetes.io/service-account-token"}) == (
        'Secret "s" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value')
    assert invalid({"data": {"bad key": "eA=="}}).startswith(
        'Secret "s" is invalid: data[bad key]: Invalid value: "bad key": a valid config key must consist of')
    created = c.store.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "ok", "namespace": "team"},
                              "type": "kubernetes.io/basic-auth", "stringData": {"username": "admin"}})
    assert created["data"] == {"username": "YWRtaW4="} and "stringData" not in created
    changed = {**created, "type": "Opaque"}
    with pytest.raises(errors.ApiError) as e:
        c.store.update(changed)
    assert e.value.message == 'Secret "ok" is invalid: type: Invalid value: "Opaque": field is immutable'
