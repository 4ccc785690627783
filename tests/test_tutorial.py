"""Every kubectl command of the tutorial k9play teaches, in its order, in one ``k9play sim`` run.

Each output is compared with what kubectl v1.34 prints: its headers, its messages, the shape of
its rows (values that vary — names, IPs, ports — by pattern). Commands the tutorial shows in a
form kubectl no longer accepts (``run --replicas``, ``exec POD COMMAND`` without ``--``) must fail
the way kubectl v1.34 fails.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from k9play.cli import SimShell
from k9play.cluster import Cluster

Check = Callable[[str, str], None]

POD_FILE = """\
apiVersion: v1
kind: Pod
metadata:
  name: pod-nginx
  namespace: dev
spec:
  containers:
  - name: nginx
    image: nginx:1.17.1
    imagePullPolicy: IfNotPresent
"""


def lines(text: str) -> list[str]:
    return text.splitlines()


def header(*columns: str) -> Check:
    """The first line is kubectl's header: these columns, in order, tab-aligned."""

    def check(out: str, err: str) -> None:
        assert err == "", err
        assert lines(out)[0].split() == " ".join(columns).split(), out

    return check


def says(text: str, *, stream: str = "out") -> Check:
    def check(out: str, err: str) -> None:
        assert (out if stream == "out" else err) == text, (out, err)

    return check


def rows(pattern: str, count: int | None = None) -> Check:
    """Every row after the header matches ``pattern`` (and there are ``count`` of them)."""

    def check(out: str, err: str) -> None:
        body = lines(out)[1:]
        assert body and all(re.fullmatch(pattern, row) for row in body), out
        assert count is None or len(body) == count, out

    return check


def has(*snippets: str) -> Check:
    def check(out: str, err: str) -> None:
        for s in snippets:
            assert s in out, (s, out, err)

    return check


def both(*checks: Check) -> Check:
    def check(out: str, err: str) -> None:
        for c in checks:
            c(out, err)

    return check


def nothing(out: str, err: str) -> None:
    assert out == err == ""


AGE = r"\d+[smhd]\S*"
IP = r"10\.244\.\d+\.\d+"
TUTORIAL: list[tuple[str, Check]] = [
    # namespaces
    ("kubectl get ns", both(header("NAME", "STATUS", "AGE"),
                            rows(rf"(default|kube-node-lease|kube-public|kube-system) +Active +{AGE}", 4))),
    ("kubectl get ns default", both(header("NAME", "STATUS", "AGE"), rows(rf"default +Active +{AGE}", 1))),
    ("kubectl describe ns default", has("Name:         default\n", "Status:       Active\n", "No resource quota.\n",
                                        "No LimitRange resource.\n")),
    ("kubectl create ns dev", says("namespace/dev created\n")),
    ("kubectl delete ns dev", says('namespace "dev" deleted\n')),
    ("kubectl get pods -n kube-system", both(
        header("NAME", "READY", "STATUS", "RESTARTS", "AGE"),
        rows(rf"(coredns-\w+-\w+|etcd-k9play-control-plane|kube-apiserver-k9play-control-plane|"
             rf"kube-controller-manager-k9play-control-plane|kube-proxy-\w+|kube-scheduler-k9play-control-plane)"
             rf" +1/1 +Running +0 +{AGE}", 9))),
    # pods
    ("kubectl create ns dev", says("namespace/dev created\n")),
    ("kubectl run nginx --image=nginx:latest --port=80 --namespace dev", says("pod/nginx created\n")),
    ("advance 20s", nothing),
    ("kubectl get pod -n dev", both(header("NAME", "READY", "STATUS", "RESTARTS", "AGE"),
                                    rows(r"nginx +1/1 +Running +0 +20s", 1))),
    ("kubectl describe pod nginx -n dev", has("Name:             nginx\n", "Namespace:        dev\n",
                                              "Labels:           run=nginx\n", "Status:           Running\n",
                                              "    Port:           80/TCP\n", "Events:\n")),
    ("kubectl get pod -n dev -o wide", both(
        header("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"),
        rows(rf"nginx +1/1 +Running +0 +20s +{IP} +k9play-worker2? +<none> +<none>", 1))),
    ("kubectl get pods nginx -n dev -o yaml", has("apiVersion: v1\nkind: Pod\n", "  name: nginx\n",
                                                  "  - containerPort: 80\n", "  phase: Running\n")),
    ("kubectl explain pod", has("KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n", "FIELDS:\n",
                                "  spec\t<PodSpec>\n")),
    ("kubectl explain pod.metadata", has("FIELD: metadata <ObjectMeta>\n", "  labels\t<map[string]string>\n")),
    ("kubectl exec nginx -n dev -it -c nginx /bin/sh",
     says("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"
          "See 'kubectl exec -h' for help and examples\n", stream="err")),
    ("kubectl exec nginx -n dev -it -c nginx -- /bin/sh", nothing),
    ("hostname", says("nginx\n")),
    ("ls /usr/share/nginx/html", says("50x.html\nindex.html\n")),
    ("exit", nothing),
    # labels
    ("kubectl get pod -n dev --show-labels", both(header("NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS"),
                                                  rows(rf"nginx +1/1 +Running +0 +{AGE} +run=nginx", 1))),
    ("kubectl label pod nginx -n dev version=1.0", says("pod/nginx labeled\n")),
    ("kubectl label pod nginx -n dev version=2.0", says(
        "error: 'version' already has a value (1.0), and --overwrite is false\n", stream="err")),
    ("kubectl label pod nginx version=2.0 -n dev --overwrite", says("pod/nginx labeled\n")),
    ("kubectl get pod -n dev -l version=2.0 --show-labels", rows(rf"nginx .* {AGE} +run=nginx,version=2.0", 1)),
    ("kubectl get pod -n dev -l 'version in (1.0,2.0)'", rows(r"nginx .*", 1)),
    ("kubectl get pod -n dev -l version!=2.0", says("No resources found in dev namespace.\n", stream="err")),
    ("kubectl label pod nginx -n dev version-", says("pod/nginx unlabeled\n")),
    ("kubectl delete pod nginx -n dev", says('pod "nginx" deleted from dev namespace\n')),
    # deployments (kubectl run --replicas is gone since v1.18: a Deployment is created instead)
    ("kubectl run nginx --image=nginx:1.17.1 --port=80 --replicas=3 -n dev",
     says("error: unknown flag: --replicas\nSee 'kubectl run --help' for usage.\n", stream="err")),
    ("kubectl create deployment nginx --image=nginx:1.17.1 --port=80 --replicas=3 -n dev",
     says("deployment.apps/nginx created\n")),
    ("advance 30s", nothing),
    ("kubectl get pods -n dev", both(header("NAME", "READY", "STATUS", "RESTARTS", "AGE"),
                                     rows(r"nginx-[a-z0-9]{8,10}-[a-z0-9]{5} +1/1 +Running +0 +30s", 3))),
    ("kubectl get deploy -n dev", both(header("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"),
                                       rows(r"nginx +3/3 +3 +3 +30s", 1))),
    ("kubectl describe deploy nginx -n dev", has(
        "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n",
        "StrategyType:           RollingUpdate\n", "  Available      True    MinimumReplicasAvailable\n",
        "Scaled up replica set nginx-")),
    # services
    ("kubectl expose deploy nginx --name=svc-nginx1 --type=ClusterIP --port=80 --target-port=80 -n dev",
     says("service/svc-nginx1 exposed\n")),
    ("kubectl get service -n dev", both(header("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"),
                                        rows(rf"svc-nginx1 +ClusterIP +10\.\d+\.\d+\.\d+ +<none> +80/TCP +{AGE}", 1))),
    ("kubectl get svc svc-nginx1 -n dev -o wide", both(
        header("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"),
        rows(rf"svc-nginx1 +ClusterIP +10\.\d+\.\d+\.\d+ +<none> +80/TCP +{AGE} +app=nginx", 1))),
    ("kubectl expose deploy nginx --name=svc-nginx2 --type=NodePort --port=80 --target-port=80 -n dev",
     says("service/svc-nginx2 exposed\n")),
    ("kubectl get svc svc-nginx2 -n dev", rows(rf"svc-nginx2 +NodePort +10\.\d+\.\d+\.\d+ +<none> +80:3\d{{4}}/TCP +"
                                               rf"{AGE}", 1)),
    ("kubectl get endpoints svc-nginx1 -n dev", rows(rf"svc-nginx1 +{IP}:80,{IP}:80,{IP}:80 +{AGE}", 1)),
    ("kubectl delete deploy nginx -n dev", says('deployment.apps "nginx" deleted from dev namespace\n')),
    # files
    ("kubectl create -f {dir}/pod-nginx.yaml", says("pod/pod-nginx created\n")),
    ("kubectl get -f {dir}/pod-nginx.yaml", both(header("NAME", "READY", "STATUS", "RESTARTS", "AGE"),
                                                 rows(r"pod-nginx +0/1 +(Pending|ContainerCreating) +0 +0s", 1))),
    ("kubectl apply -f {dir}/pod-nginx.yaml", has("pod/pod-nginx configured\n")),
    ("kubectl delete -f {dir}/pod-nginx.yaml", says('pod "pod-nginx" deleted from dev namespace\n')),
    ("kubectl get -f {dir}/pod-nginx.yaml", says('Error from server (NotFound): pods "pod-nginx" not found\n',
                                                 stream="err")),
]


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    folder: Path = tmp_path_factory.mktemp("tutorial")
    (folder / "pod-nginx.yaml").write_text(POD_FILE)
    out, err = io.StringIO(), io.StringIO()
    shell = SimShell(Cluster().start(), out, err)
    runs = []
    for command, _ in TUTORIAL:
        line = command.format(dir=folder)
        before_out, before_err = out.tell(), err.tell()
        shell.run(line)
        runs.append((line, out.getvalue()[before_out:], err.getvalue()[before_err:]))
    return runs


@pytest.mark.parametrize("index", range(len(TUTORIAL)), ids=[c for c, _ in TUTORIAL])
def test_tutorial_command(transcript: list[tuple[str, str, str]], index: int) -> None:
    _, out, err = transcript[index]
    TUTORIAL[index][1](out, err)
