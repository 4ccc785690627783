"""Fault injection (``cluster.faults``): each fault acts like the real failure and the engine's
ordinary rules produce the consequences (kubelet restarts and probes, image back-off, the HPA)."""

from __future__ import annotations

import pytest

from k9play.faults import FaultError
from k9play.kubectl.columns import pod_ready, pod_status_reason
from k9play.kubectl.commands import Kubectl
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster, pod

WORKER = "k9play-worker"


def events(c, name: str, reason: str) -> list[dict]:
    return sorted((e for e in c.store.list("Event", "default")
                   if e["involvedObject"]["name"] == name and e["reason"] == reason),
                  key=lambda e: e["metadata"]["name"])


def status(c, name: str) -> dict:
    return c.store.get("Pod", name, "default")["status"]["containerStatuses"][0]


def probed(name: str = "web", **probes: dict) -> dict:
    p = pod(name, "nginx:1.25")
    p["spec"]["containers"][0].update(probes)
    return p


HTTP = {"httpGet": {"path": "/", "port": 80}}


def test_crash_exits_the_main_process_and_the_kubelet_restarts_it():
    c = new_cluster()
    apply_object(c.store, pod("solo", "nginx:1.25"))
    c.advance_sync(30)
    assert c.faults.crash("solo", "default") == 'container "main" of pod "solo" crashed with exit code 1 ' \
                                                "(restartPolicy Always)"
    c.advance_sync(1)
    st = status(c, "solo")
    assert st["restartCount"] == 1
    assert (st["lastState"]["terminated"]["exitCode"], st["lastState"]["terminated"]["reason"]) == (1, "Error")
    c.advance_sync(5)
    c.faults.crash("solo", "default", "main", exit_code=137)
    c.advance_sync(1)  # the second exit waits out the first back-off step (10 s)
    p = c.store.get("Pod", "solo", "default")
    assert pod_status_reason(p) == "CrashLoopBackOff"
    assert p["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"] == 137
    assert [e["message"] for e in events(c, "solo", "BackOff")] == [
        f"Back-off restarting failed container main in pod solo_default({p['metadata']['uid']})"]
    with pytest.raises(FaultError, match='container "nope" not found in pod "solo"'):
        c.faults.crash("solo", "default", "nope")
    with pytest.raises(FaultError, match='container "main" of pod "solo" is not running'):
        c.faults.crash("solo", "default")
    with pytest.raises(FaultError, match='pod "ghost" not found in namespace "default"'):
        c.faults.crash("ghost", "default")


def test_liveness_forced_to_fail_gives_unhealthy_then_killing_and_a_restart():
    c = new_cluster()
    apply_object(c.store, probed(livenessProbe={**HTTP, "initialDelaySeconds": 5, "periodSeconds": 10}))
    c.advance_sync(30)
    assert c.faults.probe("web", "default", "liveness", True) == 'liveness probes of pod "web" now fail (main)'
    c.advance_sync(24)  # failures at about 30, 40 and 50 s (failureThreshold 3, periodSeconds 10)
    unhealthy = events(c, "web", "Unhealthy")
    assert [(e["message"], e["count"]) for e in unhealthy] == [
        ("Liveness probe failed: HTTP probe failed with statuscode: 500", 3)]
    assert [e["message"] for e in events(c, "web", "Killing")] == [
        "Container main failed liveness probe, will be restarted"]
    assert status(c, "web")["restartCount"] == 1  # nginx stops on SIGTERM; the first restart is immediate
    c.faults.probe("web", "default", "liveness", False)
    c.advance_sync(120)
    assert status(c, "web")["restartCount"] == 1 and pod_status_reason(c.store.get("Pod", "web", "default")) == \
        "Running"


def test_readiness_forced_to_fail_takes_the_pod_out_of_the_available_replicas():
    c = new_cluster()
    d = deployment(replicas=2)
    d["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {**HTTP, "periodSeconds": 5}
    apply_object(c.store, d)
    c.advance_sync(60)
    victim = sorted(p["metadata"]["name"] for p in c.store.list("Pod", "default"))[0]
    c.faults.probe(victim, "default", "readiness", True)
    c.advance_sync(15)  # failureThreshold 3 × periodSeconds 5
    p = c.store.get("Pod", victim, "default")
    assert pod_ready(p) == "0/1" and pod_status_reason(p) == "Running"
    assert c.store.get("Deployment", "web", "default")["status"]["availableReplicas"] == 1
    assert status(c, victim)["restartCount"] == 0  # readiness never restarts
    c.faults.probe(victim, "default", "readiness", False)
    c.advance_sync(5)
    assert pod_ready(c.store.get("Pod", victim, "default")) == "1/1"
    assert c.store.get("Deployment", "web", "default")["status"]["availableReplicas"] == 2
    with pytest.raises(FaultError, match='pod "' + victim + '" has no container with a startup probe'):
        c.faults.probe(victim, "default", "startup", True)


def test_startup_probe_forced_to_fail_kills_the_starting_container():
    c = new_cluster()
    apply_object(c.store, probed(startupProbe={**HTTP, "periodSeconds": 2, "failureThreshold": 3}))
    c.advance_sync(1)  # the kubelet has the pod; the image is still being pulled
    assert c.faults.probe("web", "default", "startup", True).endswith(
        "(startup probes run only while a container starts)")
    c.advance_sync(15)
    assert [e["message"] for e in events(c, "web", "Killing")] == [
        "Container main failed startup probe, will be restarted"]
    assert events(c, "web", "Unhealthy")[0]["message"] == "Startup probe failed: HTTP probe failed with statuscode: 500"


def test_unpullable_image_stalls_a_rollout_but_cached_images_still_start():
    c = new_cluster()
    apply_object(c.store, deployment(replicas=2))
    c.advance_sync(30)
    kubectl = Kubectl(c)
    assert c.faults.image_unpullable("nginx:1.16.1").startswith("pulls of docker.io/library/nginx:1.16.1 now fail")
    kubectl.run(["set", "image", "deployment/web", "app=nginx:1.16.1"])
    c.advance_sync(5)
    new = [p for p in c.store.list("Pod", "default") if p["spec"]["containers"][0]["image"] == "nginx:1.16.1"]
    assert len(new) == 1
    waiting = new[0]["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "ImagePullBackOff"
    assert waiting["message"].endswith(
        'failed to resolve reference "docker.io/library/nginx:1.16.1": unexpected status from HEAD request to '
        "https://registry-1.docker.io/v2/library/nginx/manifests/1.16.1: 503 Service Unavailable")
    # a registry outage does not stop images already on a node (imagePullPolicy IfNotPresent)
    c.faults.image_unpullable("nginx:1.14.2")
    old = next(p for p in c.store.list("Pod", "default") if p["spec"]["containers"][0]["image"] == "nginx:1.14.2")
    apply_object(c.store, pod("cached", "nginx:1.14.2", nodeName=old["spec"]["nodeName"]))
    c.advance_sync(5)
    assert pod_status_reason(c.store.get("Pod", "cached", "default")) == "Running"
    assert c.faults.image_pullable("nginx:1.16.1") == "pulls of docker.io/library/nginx:1.16.1 work again"
    c.advance_sync(60)  # the next retry of the back-off pulls it
    assert kubectl.run(["rollout", "status", "deployment/web"]).out.endswith('"web" successfully rolled out\n')
    with pytest.raises(FaultError, match="were not failing"):
        c.faults.image_pullable("redis")


def test_load_on_a_deployment_makes_the_hpa_scale_up():
    c = new_cluster()
    apply_object(c.store, {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "php-apache"},
        "spec": {"selector": {"matchLabels": {"run": "php-apache"}}, "template": {
            "metadata": {"labels": {"run": "php-apache"}},
            "spec": {"containers": [{"name": "php-apache", "image": "registry.k8s.io/hpa-example",
                                     "resources": {"requests": {"cpu": "200m"}}}]}}}})
    c.advance_sync(60)
    Kubectl(c).run(["autoscale", "deployment", "php-apache", "--cpu-percent=50", "--min=1", "--max=10"])
    c.advance_sync(30)
    assert c.faults.load("deployment", "php-apache", "default", "610m") == (
        "load of 610m CPU on deployment/php-apache, spread over its ready pods")
    c.advance_sync(45)
    assert c.store.get("Deployment", "php-apache", "default")["spec"]["replicas"] > 1
    assert c.faults.load("deployment", "php-apache", "default", "0") == "load removed from deployment/php-apache"
    with pytest.raises(FaultError, match='deployment "nope" not found in namespace "default"'):
        c.faults.load("deploy", "nope", "default", "1")
    with pytest.raises(FaultError, match="cannot put load on 'secret'"):
        c.faults.load("secret", "x", "default", "1")


def test_kill_deletes_with_a_one_second_grace_period():
    c = new_cluster()
    apply_object(c.store, deployment(replicas=1))
    c.advance_sync(30)
    name = c.store.list("Pod", "default")[0]["metadata"]["name"]
    assert c.faults.kill(name, "default") == f'pod "{name}" killed (deleted with a 1s grace period)'
    assert c.store.get("Pod", name, "default")["metadata"]["deletionGracePeriodSeconds"] == 1
    c.advance_sync(1.5)
    assert c.store.try_get("Pod", name, "default") is None
    assert len(c.store.list("Pod", "default")) == 1  # the ReplicaSet's replacement


def test_node_faults_refuse_what_cannot_happen():
    c = new_cluster()
    apply_object(c.store, pod("solo", nodeName=WORKER))
    c.advance_sync(10)
    with pytest.raises(FaultError, match='node "nope" not found'):
        c.faults.node_down("nope")
    with pytest.raises(FaultError, match=f'node "{WORKER}" is not down'):
        c.faults.node_up(WORKER)
    c.faults.node_down(WORKER)
    with pytest.raises(FaultError, match=f'node "{WORKER}" is already down'):
        c.faults.node_down(WORKER)
    with pytest.raises(FaultError, match=f'node "{WORKER}" of pod "solo" is down'):
        c.faults.crash("solo", "default")
    with pytest.raises(FaultError, match="unknown pressure"):
        c.faults.pressure("k9play-worker2", "cpu")  # type: ignore[arg-type]
    c.advance_sync(60)
    # metrics-server cannot scrape a node that is down
    assert WORKER not in {m["metadata"]["name"] for m in c.metrics.list_node_metrics()}
