"""``k9play sim``'s ``curl`` and ``load`` commands and ``--proxy-mode``."""

from __future__ import annotations

import io
import re
from collections import Counter

import yaml

from k9play import cli
from k9play.cli import main, run_sim
from tests.helpers import deployment

POD = re.compile(r"web-[0-9a-z]+-[0-9a-z]{5}")


def sim(paths, *commands, proxy_mode="iptables"):
    out, err = io.StringIO(), io.StringIO()
    code = run_sim([str(p) for p in paths], 2, 0, list(commands), io.StringIO(), out, err, proxy_mode)
    return code, out.getvalue(), err.getvalue()


def hostname_app(tmp_path, replicas=3, svc_type="NodePort"):
    d = deployment("web", replicas, image="registry.k8s.io/e2e-test-images/agnhost:2.53")
    d["spec"]["template"]["spec"]["containers"][0]["args"] = ["serve-hostname"]
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"type": svc_type, "selector": {"app": "web"},
                    "ports": [{"port": 80, "targetPort": 9376}]}}
    if svc_type == "NodePort":
        svc["spec"]["ports"][0]["nodePort"] = 30080
    client = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
              "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}
    f = tmp_path / "web.yaml"
    f.write_text(yaml.safe_dump_all([d, svc, client]))
    return f


def test_curl_from_outside_reaches_node_ports_not_cluster_names(tmp_path):
    f = hostname_app(tmp_path)
    code, out, err = sim([f], "advance 30s", *["curl -s http://172.18.0.3:30080/"] * 12, "curl http://web/")
    assert code == 1
    answers = POD.findall(out)
    assert len(answers) == 12 and len(Counter(answers)) == 3, "every pod answers"
    assert err == "curl: (6) Could not resolve host: web\n"


def test_curl_from_a_pod_and_verbose_trace(tmp_path):
    f = hostname_app(tmp_path, svc_type="ClusterIP")
    code, out, err = sim([f], "advance 30s", "curl --from client -v http://web.default.svc.cluster.local/")
    assert code == 0 and out.startswith("web-")
    assert "* k9play: ClusterIP of Service default/web port 80: kube-proxy (iptables) chose" in err
    assert "< HTTP/1.1 200 OK" in err


def test_curl_timeout_passes_simulated_time(tmp_path):
    f = hostname_app(tmp_path)
    code, out, err = sim([f], "advance 30s", "curl --connect-timeout 5 http://10.96.0.1/", "kubectl get svc kubernetes")
    assert code == 1
    assert err == "curl: (28) Failed to connect to 10.96.0.1 port 80 after 5000 ms: Timeout was reached\n"
    assert out.splitlines()[1].split()[-1] == "65s"  # the kubernetes Service dates from the boot, 30 s before t=0


def test_proxy_mode_ipvs_is_round_robin(tmp_path):
    f = hostname_app(tmp_path)
    code, out, _ = sim([f], "advance 30s", *["curl -s http://172.18.0.3:30080/"] * 6, proxy_mode="ipvs")
    answers = POD.findall(out)
    assert code == 0 and answers[:3] == answers[3:] and len(set(answers)) == 3


def test_load_command(tmp_path):
    f = hostname_app(tmp_path, replicas=1)
    code, out, err = sim([f], "advance 30s", "load svc/web 20rps", "advance 12s", "load svc/web 0",
                         "load deploy/web 5", "advance 12s", "kubectl get pods", "load svc/nope 1", "load pod/web 1")
    assert out.splitlines()[:3] == ["load: 20 requests/s to service default/web",
                                    "load: no load on service default/web",
                                    "load: 5 requests/s to deployment default/web"]
    assert err.splitlines() == [
        'Error from server (NotFound): services "nope" not found',
        "error: usage: load svc/NAME|deploy/NAME RATE [-n NS] (RATE: requests per second, e.g. 30rps; 0 stops)"]
    assert code == 1


def test_proxy_mode_flag_is_checked(capsys):
    try:
        main(["sim", "--proxy-mode", "nftables", "-c", "echo hi"])
    except SystemExit as e:
        assert e.code == 2
    assert "invalid choice: 'nftables'" in capsys.readouterr().err


def test_tui_gets_the_proxy_mode(monkeypatch):
    seen = {}
    monkeypatch.setattr(cli, "run_tui", lambda *args, **kwargs: seen.update(kwargs) or 0)
    assert main(["--proxy-mode", "ipvs"]) == 0
    assert seen["proxy_mode"] == "ipvs"
