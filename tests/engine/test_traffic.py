"""Traffic as load: the HPA walkthrough driven by a busybox wget loop, and synthetic clients."""

from __future__ import annotations

from typing import Any

from k9play.api.meta import name_of
from k9play.cluster import Cluster
from k9play.kubectl.commands import Kubectl
from k9play.manifests.applier import apply_object

Obj = dict[str, Any]


def php_apache() -> list[Obj]:
    """The walkthrough's php-apache Deployment and Service (docs application/php-apache.yaml)."""
    return [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "php-apache"}, "spec": {
            "selector": {"matchLabels": {"run": "php-apache"}},
            "template": {"metadata": {"labels": {"run": "php-apache"}}, "spec": {"containers": [{
                "name": "php-apache", "image": "registry.k8s.io/hpa-example", "ports": [{"containerPort": 80}],
                "resources": {"limits": {"cpu": "500m"}, "requests": {"cpu": "200m"}}}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "php-apache", "labels": {"run": "php-apache"}},
         "spec": {"ports": [{"port": 80}], "selector": {"run": "php-apache"}}},
    ]


LOAD_GENERATOR = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "load-generator"}, "spec": {
    "restartPolicy": "Never", "containers": [{
        "name": "load-generator", "image": "busybox:1.28",
        "command": ["/bin/sh", "-c", "while sleep 0.01; do wget -q -O- http://php-apache; done"]}]}}


def replicas(c: Cluster) -> int:
    return int(c.store.get("Deployment", "php-apache", "default")["spec"]["replicas"])


def test_hpa_walkthrough_scales_up_under_the_load_generator_and_back_down():
    c = Cluster(workers=2).start()
    k = Kubectl(c)
    for obj in php_apache():
        apply_object(c.store, obj)
    c.advance_sync(60)
    assert k.run_line("kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10").code == 0
    c.advance_sync(60)
    assert replicas(c) == 1
    apply_object(c.store, LOAD_GENERATOR)
    seen = []
    for _ in range(12):
        c.advance_sync(15)
        seen.append(replicas(c))
    assert seen[-1] == 7 and max(seen) == 7, seen  # the docs end at 7 replicas
    assert next(n for n in seen if n > 1) == 4, seen  # the first step is the 4-pod scale-up limit
    served = c.network.traffic.counts()
    php = [n for ns, n in served if n.startswith("php-apache-")]
    assert len(php) == 7 and all(served[("default", n)] > 0 for n in php)
    hpa = c.store.get("HorizontalPodAutoscaler", "php-apache", "default")
    util = hpa["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"]
    assert 40 <= util <= 55

    c.store.delete("Pod", "load-generator", "default")
    t_off = c.clock.now()
    while replicas(c) == 7 and c.clock.now() - t_off < 600:
        c.advance_sync(15)
    assert replicas(c) == 1
    assert 300 <= c.clock.now() - t_off <= 360, "the 5-minute scale-down stabilization"


def test_load_annotation_and_rate_generator_spread_over_ready_endpoints():
    c = Cluster(workers=2).start()
    deploy, svc = php_apache()
    deploy["spec"]["replicas"] = 2
    svc["metadata"]["annotations"] = {"k9play.dev/load": "10rps"}
    apply_object(c.store, deploy)
    apply_object(c.store, svc)
    c.advance_sync(40)
    pods = sorted(c.store.list("Pod", "default", "run=php-apache"), key=name_of)
    usage = [c.metrics.pod_usage(p)[0] for p in pods]
    # 10 rps × 20 ms = 200m over two pods, plus apache's idle 1m each
    assert usage == [101, 101]
    assert all(c.network.traffic.requests("default", name_of(p)) >= 150 for p in pods)

    c.store.patch("Service", "php-apache", "default", {"metadata": {"annotations": {"k9play.dev/load": "300m"}}})
    c.advance_sync(20)
    assert [c.metrics.pod_usage(p)[0] for p in pods] == [151, 151], "a CPU amount is put on the endpoints"

    c.store.patch("Service", "php-apache", "default", {"metadata": {"annotations": {"k9play.dev/load": None}}})
    c.network.traffic.set_rate("default", "php-apache", 4)
    c.advance_sync(20)
    assert [c.metrics.pod_usage(p)[0] for p in pods] == [41, 41]
    c.network.traffic.set_rate("default", "php-apache", 0)
    c.advance_sync(20)
    assert [c.metrics.pod_usage(p)[0] for p in pods] == [1, 1]


def test_load_annotation_on_a_deployment():
    c = Cluster(workers=2).start()
    deploy, _ = php_apache()
    deploy["metadata"]["annotations"] = {"k9play.dev/load": "5rps"}
    apply_object(c.store, deploy)
    c.advance_sync(40)
    (pod,) = c.store.list("Pod", "default", "run=php-apache")
    assert c.metrics.pod_usage(pod)[0] == 101  # 5 rps × 20 ms, plus 1m idle
    assert c.network.traffic.rate("default", "php-apache", "Deployment") == 5.0
