"""``k9play sim``'s ``fault`` command: one line per fault, errors on stderr with a failing status."""

from __future__ import annotations

import io

import yaml

from k9play.cli import run_sim
from tests.helpers import deployment


def sim(paths, *commands):
    out, err = io.StringIO(), io.StringIO()
    code = run_sim([str(p) for p in paths], 2, 0, list(commands), io.StringIO(), out, err)
    return code, out.getvalue(), err.getvalue()


def test_node_down_and_up_from_the_shell(tmp_path):
    f = tmp_path / "web.yaml"
    f.write_text(yaml.safe_dump(deployment(replicas=2)))
    code, out, err = sim([f], "advance 30s", "fault node-down k9play-worker", "advance 60s", "kubectl get nodes",
                         "fault node-up k9play-worker", "advance 5s", "kubectl get nodes")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == ("node k9play-worker is down: its kubelet stopped posting status "
                        "(NotReady once the 50s grace period passes)")
    assert lines[1:5] == [
        "NAME                   STATUS     ROLES           AGE   VERSION",
        "k9play-control-plane   Ready      control-plane   2m    v1.34.2",  # booted 30 s before t=0
        "k9play-worker          NotReady   <none>          2m    v1.34.2",
        "k9play-worker2         Ready      <none>          2m    v1.34.2",
    ]
    assert lines[5] == "node k9play-worker is up: its kubelet restarted (boot id 00000001-0001-4000-8000-k9play)"
    assert lines[8] == "k9play-worker          Ready    <none>          2m5s   v1.34.2"


def test_pod_faults_take_a_namespace_and_parse_their_arguments(tmp_path):
    f = tmp_path / "web.yaml"
    f.write_text(yaml.safe_dump_all([
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "cart", "namespace": "shop"},
         "spec": {"containers": [{"name": "app", "image": "nginx:1.25",
                                  "readinessProbe": {"httpGet": {"path": "/", "port": 80}}}]}},
    ]))
    code, out, err = sim([f], "advance 30s", "fault crash cart -n shop", "fault probe cart readiness fail -n shop",
                         "fault probe cart readiness pass --namespace=shop", "fault load pod/cart 250m -n shop",
                         "fault load cart 0 -n shop", "fault image-unpullable redis:7",
                         "fault image-pullable redis:7", "fault pressure k9play-worker disk",
                         "fault pressure k9play-worker off", "fault kill cart -n shop")
    assert err == "" and code == 0
    assert out.splitlines() == [
        'container "app" of pod "cart" crashed with exit code 1 (restartPolicy Always)',
        'readiness probes of pod "cart" now fail (app)',
        'readiness probes of pod "cart" are no longer forced to fail (app)',
        "load of 250m CPU on pod/cart",
        "load removed from pod/cart",
        "pulls of docker.io/library/redis:7 now fail (the registry answers 503); nodes that have it cached still "
        "start it",
        "pulls of docker.io/library/redis:7 work again",
        "node k9play-worker is short of disk: the kubelet reports DiskPressure=True at its next status update, and "
        "the node gets the node.kubernetes.io/disk-pressure:NoSchedule taint",
        "node k9play-worker no longer short of memory or disk: the kubelet clears the pressure conditions 300s later",
        'pod "cart" killed (deleted with a 1s grace period)',
    ]


def test_fault_errors_go_to_stderr_and_fail_the_run():
    code, out, err = sim([], "fault crash cart", "fault probe cart liveness maybe", "fault node-down", "fault",
                         "fault load deployment/web 1", "echo still running")
    assert code == 1 and out == "still running\n"
    assert err.splitlines() == [
        'error: pod "cart" not found in namespace "default"',
        "error: usage: fault probe POD liveness|readiness|startup fail|pass",
        "error: usage: fault node-down NODE",
        "error: usage: fault node-down NODE | node-up NODE | kill POD | crash POD [CONTAINER] | probe POD "
        "liveness|readiness|startup fail|pass | image-unpullable IMAGE | image-pullable IMAGE | load "
        "DEPLOYMENT/NAME|POD CPU | pressure NODE memory|disk|off [-n NS]",
        'error: deployment "web" not found in namespace "default"',
    ]


def test_a_node_stopped_at_t0_goes_not_ready_and_its_pods_are_evicted_and_run_elsewhere(tmp_path):
    """The cluster booted 30 s before t=0, so the worker's Lease was last renewed at t=0: the
    node lifecycle controller (a pass every 5 s, 50 s grace) marks it NotReady at t=55 and
    taints it NoExecute one pass later (t=60); the pods' 300 s default toleration ends at 360."""
    f = tmp_path / "web.yaml"
    f.write_text(yaml.safe_dump(deployment(replicas=4)))

    def status(lines: list[str], name: str, column: int = 2) -> str:  # nodes: 1, pods: 2
        return next(line.split()[column] for line in lines if line.startswith(name + " "))

    code, out, err = sim([f], "fault node-down k9play-worker", "advance 54s", "kubectl get nodes", "advance 1s",
                         "kubectl get nodes", "echo ---", "kubectl get pods -o wide", "advance 304s",
                         "echo ---", "kubectl get pods -o wide", "advance 1s", "echo ---", "kubectl get pods -o wide",
                         "advance 30s", "echo ---", "kubectl get pods -o wide")
    assert code == 0 and err == ""
    nodes, at55, before, at360, at390 = (part.splitlines() for part in out.split("---\n"))
    assert status(nodes[:4], "k9play-worker", 1) == "Ready", "t=54"
    assert status(nodes[4:], "k9play-worker", 1) == "NotReady", "t=55"
    doomed = [line.split()[0] for line in at55[1:] if " k9play-worker " in line]
    assert len(doomed) == 2 and all(status(at55, name) == "Pending" for name in doomed), "never started"
    assert all(status(before, name) == "Pending" for name in doomed), "tolerated until t=360"
    assert all(status(at360, name) == "Terminating" for name in doomed), "evicted at t=360"
    running = [line for line in at390[1:] if line.split()[2] == "Running"]
    assert len(running) == 4 and all(" k9play-worker2 " in line for line in running)
