"""``kubectl run`` (the run-pod/v1 generator) and ``kubectl explain`` (kubectl's plaintext template)."""

from __future__ import annotations

import pytest

from k9play.cluster import Cluster
from k9play.kubectl.commands import Kubectl
from k9play.kubectl.explain import _wrap
from tests.helpers import new_cluster


@pytest.fixture
def cluster() -> Cluster:
    return new_cluster()


def kubectl(cluster: Cluster) -> Kubectl:
    return Kubectl(cluster)


def test_run_makes_the_generators_pod(cluster: Cluster) -> None:
    k = kubectl(cluster)
    k.run(["create", "ns", "dev"])
    r = k.run(["run", "nginx", "--image=nginx:latest", "--port=80", "--namespace", "dev"])
    assert (r.code, r.out) == (0, "pod/nginx created\n")
    pod = cluster.store.get("Pod", "nginx", "dev")
    assert pod["metadata"]["labels"] == {"run": "nginx"}
    c = pod["spec"]["containers"][0]
    assert (c["name"], c["image"], c["ports"]) == ("nginx", "nginx:latest", [{"containerPort": 80, "protocol": "TCP"}])
    assert c["imagePullPolicy"] == "Always", "the apiserver's default for :latest"
    assert (pod["spec"]["restartPolicy"], pod["spec"]["dnsPolicy"]) == ("Always", "ClusterFirst")
    cluster.advance_sync(20)
    assert k.run(["get", "pod", "-n", "dev"]).out.splitlines()[1].split()[:3] == ["nginx", "1/1", "Running"]


def test_run_flags_and_errors(cluster: Cluster) -> None:
    k = kubectl(cluster)
    r = k.run(["run", "job1", "--image=busybox", "--restart=Never", "-l", "app=x,tier=db", "--env", "A=1",
               "--command", "--dry-run=client", "-o", "yaml", "--", "sh", "-c", "echo hi"])
    assert r.code == 0 and "restartPolicy: Never" in r.out and "- echo hi" in r.out
    assert "command:\n    - sh" in r.out and "app: x" in r.out and "name: A" in r.out
    assert cluster.store.try_get("Pod", "job1", "default") is None, "a client dry run creates nothing"
    assert k.run(["run", "nginx", "--image=nginx", "--replicas=3"]).err == (
        "error: unknown flag: --replicas\nSee 'kubectl run --help' for usage.\n")
    assert k.run(["run", "nginx"]).err == 'error: required flag(s) "image" not set\n'
    assert k.run(["run", "--image=nginx"]).err == "error: NAME is required for run\n"
    bad = k.run(["run", "x", "--image=nginx", "--restart=Sometimes"])
    assert bad.err == "error: invalid restart policy: Sometimes\n"
    k.run(["run", "web", "--image=nginx"])
    again = k.run(["run", "web", "--image=nginx"])
    assert again.err == 'Error from server (AlreadyExists): pods "web" already exists\n'


def test_explain_a_kind(cluster: Cluster) -> None:
    out = kubectl(cluster).run(["explain", "pod"]).out
    assert out.startswith("KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n"
                          "    Pod is a collection of containers that can run on a host. This resource is\n"
                          "    created by clients and scheduled onto hosts.\n    \nFIELDS:\n  apiVersion\t<string>\n")
    assert "\n  metadata\t<ObjectMeta>\n    Standard object's metadata. More info:\n" in out
    assert "\n  spec\t<PodSpec>\n" in out and "\n  status\t<PodStatus>\n" in out
    deploy = kubectl(cluster).run(["explain", "deployments"]).out
    assert deploy.startswith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n")


def test_explain_a_field_path(cluster: Cluster) -> None:
    k = kubectl(cluster)
    out = k.run(["explain", "pod.metadata"]).out
    assert out.startswith("KIND:       Pod\nVERSION:    v1\n\nFIELD: metadata <ObjectMeta>\n\n\nDESCRIPTION:\n"
                          "    Standard object's metadata. More info:\n")
    assert "\n  annotations\t<map[string]string>\n" in out and "\n  labels\t<map[string]string>\n" in out
    containers = k.run(["explain", "po.spec.containers"]).out
    assert "FIELD: containers <[]Container>\n" in containers
    assert "\n  name\t<string> -required-\n" in containers
    assert "\n  resources\t<ResourceRequirements>\n" in containers
    resources = k.run(["explain", "pods.spec.containers.resources.limits"]).out
    assert "FIELD: limits <map[string]Quantity>\n" in resources
    tree = k.run(["explain", "deploy.spec.strategy", "--recursive"]).out
    assert tree.endswith("FIELDS:\n  rollingUpdate\t<RollingUpdateDeployment>\n    maxSurge\t<IntOrString>\n"
                         "    maxUnavailable\t<IntOrString>\n  type\t<string>\n\n")


def test_explain_errors(cluster: Cluster) -> None:
    k = kubectl(cluster)
    assert k.run(["explain", "pod.spec.nope"]).err == 'error: field "nope" does not exist\n'
    assert k.run(["explain", "widgets"]).err == 'error: the server doesn\'t have a resource type "widgets"\n'


def test_wrap_is_sprigs() -> None:
    """goutils WrapCustom: breaks at spaces only; a long word runs to the next space; newlines are plain."""
    assert _wrap("aaa bbb ccc", 7) == "aaa bbb\nccc"
    assert _wrap("x https://example.com/a/very/long/url y", 10) == "x\nhttps://example.com/a/very/long/url\ny"
    assert _wrap("one two.\nthree four", 12) == "one\ntwo.\nthree\nfour"  # "two.\nthree" counts as one word
