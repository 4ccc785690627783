"""The Service variables in a container's environment (kubelet ``getServiceEnvVarMap``)."""

from __future__ import annotations

from typing import Any

from k9play.manifests.applier import apply_object
from tests.helpers import new_cluster


def env_pod(name: str, namespace: str = "default", **spec: Any) -> dict[str, Any]:
    script = "env; sleep 3600"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace},
            "spec": {"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", script],
                                     "env": [{"name": "API", "value": "$(KUBERNETES_SERVICE_HOST):443"}]}],
                     **spec}}


def service(name: str, namespace: str = "default", **spec: Any) -> dict[str, Any]:
    body = {"selector": {"app": name}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}], **spec}
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": body}


def env_of(c: Any, name: str, namespace: str = "default") -> dict[str, str]:
    pod = c.store.get("Pod", name, namespace)
    lines = [line for _, line in c.kubelets.logs(pod, "app")]
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_containers_get_the_kubernetes_service_and_their_namespaces_services():
    c = new_cluster()
    apply_object(c.store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    apply_object(c.store, service("my-web", "dev"))
    apply_object(c.store, service("headless", "dev", clusterIP="None"))
    apply_object(c.store, service("elsewhere", "default"))
    apply_object(c.store, env_pod("probe", "dev"))
    apply_object(c.store, env_pod("unlinked", "dev", enableServiceLinks=False))
    c.advance_sync(20)
    ip = c.store.get("Service", "my-web", "dev")["spec"]["clusterIP"]
    env = env_of(c, "probe", "dev")
    assert {k: v for k, v in env.items() if k.startswith("KUBERNETES_")} == {
        "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443",
        "KUBERNETES_SERVICE_PORT_HTTPS": "443", "KUBERNETES_PORT": "tcp://10.96.0.1:443",
        "KUBERNETES_PORT_443_TCP": "tcp://10.96.0.1:443", "KUBERNETES_PORT_443_TCP_PROTO": "tcp",
        "KUBERNETES_PORT_443_TCP_PORT": "443", "KUBERNETES_PORT_443_TCP_ADDR": "10.96.0.1"}
    assert env["MY_WEB_SERVICE_HOST"] == ip and env["MY_WEB_SERVICE_PORT_HTTP"] == "80"
    assert env["MY_WEB_PORT_80_TCP"] == f"tcp://{ip}:80"
    assert not any(k.startswith(("HEADLESS_", "ELSEWHERE_")) for k in env), "headless, other namespace"
    assert env["API"] == "10.96.0.1:443", "$(VAR) sees the Service variables"
    unlinked = env_of(c, "unlinked", "dev")
    assert "KUBERNETES_SERVICE_HOST" in unlinked and "MY_WEB_SERVICE_HOST" not in unlinked


def test_a_service_made_after_the_container_started_is_not_in_its_environment():
    c = new_cluster()
    apply_object(c.store, env_pod("early"))
    c.advance_sync(20)
    apply_object(c.store, service("late"))
    c.advance_sync(5)
    assert "LATE_SERVICE_HOST" not in env_of(c, "early")
