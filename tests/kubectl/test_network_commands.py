"""kubectl expose, create service, exec (with curl/wget/nslookup), get/describe of Services."""

from __future__ import annotations

import re

import pytest

from k9play.cluster import Cluster
from k9play.kubectl.commands import Kubectl, Result
from k9play.manifests.applier import apply_object


@pytest.fixture
def k() -> Kubectl:
    return Kubectl(Cluster(workers=2).start())


def run(k: Kubectl, line: str, advance: float = 0) -> Result:
    r = k.run_line(line)
    if advance:
        k.cluster.advance_sync(advance)
    return r


def test_seed_tutorial_expose_clusterip_then_nodeport(k):
    assert run(k, "kubectl create namespace dev").code == 0
    assert run(k, "kubectl create deployment nginx --image=nginx:1.17.1 --replicas=3 -n dev", 30).code == 0
    r = run(k, "kubectl expose deploy nginx --name=svc-nginx1 --type=ClusterIP --port=80 --target-port=80 -n dev", 1)
    assert (r.out, r.err, r.code) == ("service/svc-nginx1 exposed\n", "", 0)
    svc = k.store.get("Service", "svc-nginx1", "dev")
    assert svc["spec"]["selector"] == {"app": "nginx"} and svc["metadata"]["labels"] == {"app": "nginx"}
    assert svc["spec"]["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    ips = sorted(p["status"]["podIP"] for p in k.store.list("Pod", "dev"))
    ep = run(k, "kubectl get endpoints svc-nginx1 -n dev")
    assert ep.err == "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    assert sorted(re.findall(r"(10\.244\.\d+\.\d+):80", ep.out)) == ips
    r = run(k, "kubectl expose deploy nginx --name=svc-nginx2 --type=NodePort --port=80 --target-port=80 -n dev", 1)
    assert r.out == "service/svc-nginx2 exposed\n"
    lines = run(k, "kubectl get svc -n dev -o wide").out.splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]
    nodeport = k.store.get("Service", "svc-nginx2", "dev")["spec"]["ports"][0]["nodePort"]
    assert re.match(rf"svc-nginx2\s+NodePort\s+10\.\S+\s+<none>\s+80:{nodeport}/TCP\s+1s\s+app=nginx", lines[2])
    text = run(k, "kubectl describe svc svc-nginx2 -n dev").out
    assert f"NodePort:                 <unset>  {nodeport}/TCP\n" in text
    assert "External Traffic Policy:  Cluster\n" in text and "Session Affinity:         None\n" in text
    endpoints = re.search(r"Endpoints:\s+(\S+)", text)
    assert endpoints is not None and sorted(e.split(":")[0] for e in endpoints.group(1).split(",")) == ips


def test_expose_errors_and_multiple_ports(k):
    assert run(k, "kubectl expose deploy nope --port=80").err == \
        'Error from server (NotFound): deployments.apps "nope" not found\n'
    apply_object(k.store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare"},
                           "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}})
    assert "the pod has no labels and cannot be exposed" in run(k, "kubectl expose pod bare --port=80").err
    apply_object(k.store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "two", "labels": {"app": "two"}},
                           "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "ports": [
                               {"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]}]}})
    assert run(k, "kubectl expose pod two").out == "service/two exposed\n"
    assert k.store.get("Service", "two", "default")["spec"]["ports"] == [
        {"name": "port-1", "port": 80, "protocol": "TCP", "targetPort": 80},
        {"name": "port-2", "port": 53, "protocol": "UDP", "targetPort": 53}]
    assert run(k, "kubectl expose pod two --port=80").err == \
        'Error from server (AlreadyExists): services "two" already exists\n'
    apply_object(k.store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "np", "labels": {"a": "b"}},
                           "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}})
    assert run(k, "kubectl expose pod np").err == "error: couldn't find port via --port flag or introspection\n"


def test_create_service_variants(k):
    assert run(k, "kubectl create service clusterip my-cs --tcp=5678:8080").out == "service/my-cs created\n"
    svc = k.store.get("Service", "my-cs", "default")
    assert svc["spec"]["ports"] == [{"name": "5678-8080", "port": 5678, "protocol": "TCP", "targetPort": 8080}]
    assert svc["spec"]["selector"] == {"app": "my-cs"} and svc["metadata"]["labels"] == {"app": "my-cs"}
    assert run(k, "kubectl create svc clusterip headless --clusterip=None").code == 0
    assert k.store.get("Service", "headless", "default")["spec"]["clusterIP"] == "None"
    assert run(k, "kubectl create service nodeport my-ns --tcp=80:80 --node-port=30080").code == 0
    assert k.store.get("Service", "my-ns", "default")["spec"]["ports"][0]["nodePort"] == 30080
    r = run(k, "kubectl create service nodeport other --tcp=80:80 --node-port=30080")
    assert r.err == ('error: failed to create NodePort service: Service "other" is invalid: spec.ports[0].nodePort: '
                     "Invalid value: 30080: provided port is already allocated\n") and r.code == 1
    r = run(k, "kubectl create service nodeport far --tcp=80:80 --node-port=40000")
    assert "provided port is not in the valid range. The range of valid ports is 30000-32767" in r.err
    assert run(k, "kubectl create service externalname db --external-name my.database.example.com").code == 0
    assert k.store.get("Service", "db", "default")["spec"]["externalName"] == "my.database.example.com"
    assert run(k, "kubectl create service loadbalancer lb --tcp=80").code == 0
    assert run(k, "kubectl get svc lb").out.split("\n")[1].split()[3] == "<pending>"
    k.cluster.advance_sync(3)
    assert run(k, "kubectl get svc lb").out.split("\n")[1].split()[3] == "172.18.255.200"
    assert run(k, "kubectl create service clusterip x").err == \
        "error: at least one tcp port specifier must be provided\n"
    assert run(k, "kubectl create service nodeport x --clusterip=None").err == \
        "error: ClusterIP=None can only be used with ClusterIP service type\n"


@pytest.fixture
def web(k: Kubectl) -> Kubectl:
    for name, image in (("bb", "busybox:1.36"), ("cc", "curlimages/curl:8.10.1")):
        apply_object(k.store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                               "spec": {"containers": [{"name": name, "image": image, "command": ["sleep", "3600"]}]}})
    run(k, "kubectl create deployment web --image=nginx:1.27 --replicas=2")
    run(k, "kubectl expose deployment web --port=80")
    run(k, "kubectl create service clusterip empty --tcp=80:80", 30)
    return k


def test_exec_wget_and_nslookup_in_busybox(web):
    r = run(web, "kubectl exec bb -- wget -qO- http://web")
    assert r.code == 0 and "<title>Welcome to nginx!</title>" in r.out
    ip = web.store.get("Service", "empty", "default")["spec"]["clusterIP"]
    r = run(web, "kubectl exec bb -- wget -qO- http://empty")
    assert (r.out, r.err, r.code) == (f"wget: can't connect to remote host ({ip}): Connection refused\n",
                                      "command terminated with exit code 1\n", 1)
    assert run(web, "kubectl exec bb -- wget -qO- http://nope").out == "wget: bad address 'nope'\n"
    assert run(web, "kubectl exec bb -- wget -q -O- http://web/missing").out == \
        "wget: server returned error: HTTP/1.1 404 Not Found\n"
    r = run(web, "kubectl exec bb -- wget -O /tmp/page http://web/")
    web_ip = web.store.get("Service", "web", "default")["spec"]["clusterIP"]
    assert r.out.splitlines()[0] == f"Connecting to web ({web_ip}:80)"
    assert "saving to '/tmp/page'" in r.out and "'/tmp/page' saved" in r.out
    assert "Welcome to nginx!" in run(web, "kubectl exec bb -- cat /tmp/page").out
    assert run(web, "kubectl exec bb -- curl http://web").out == "sh: curl: not found\n"
    svc_ip = web.store.get("Service", "web", "default")["spec"]["clusterIP"]
    assert run(web, "kubectl exec bb -- nslookup web").out == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
        f"Name:\tweb.default.svc.cluster.local\nAddress: {svc_ip}\n\n")
    assert "** server can't find nope: NXDOMAIN" in run(web, "kubectl exec bb -- nslookup nope").out


def test_exec_curl_messages(web):
    r = run(web, "kubectl exec cc -- curl -sS http://empty")
    assert r.out == "curl: (7) Failed to connect to empty port 80 after 0 ms: Could not connect to server\n"
    assert (r.err, r.code) == ("command terminated with exit code 7\n", 7)
    assert run(web, "kubectl exec cc -- curl -s -o /dev/null -w %{http_code} http://web/").out == "200"
    r = run(web, "kubectl exec cc -- curl --connect-timeout 3 http://10.244.7.7")
    assert r.out == "curl: (28) Failed to connect to 10.244.7.7 port 80 after 3000 ms: Timeout was reached\n"
    assert run(web, "kubectl exec cc -- curl http://nope").out == "curl: (6) Could not resolve host: nope\n"
    r = run(web, "kubectl exec cc -- curl -v http://web/x")
    assert "* k9play: ClusterIP of Service default/web port 80: kube-proxy (iptables) chose" in r.out
    assert "< HTTP/1.1 404 Not Found" in r.out


def test_exec_errors(web):
    assert run(web, "kubectl exec nope -- ls").err == 'Error from server (NotFound): pods "nope" not found\n'
    assert run(web, "kubectl exec bb").err == "error: you must specify at least one command for the container\n"
    assert run(web, "kubectl exec bb -c x -- ls").err == "error: container x not found in pod bb\n"
    r = run(web, "kubectl exec deploy/web -- curl -s localhost")
    assert "Welcome to nginx!" in r.out, "the first pod of a deployment, reaching itself on localhost"


def test_service_commands_are_rbac_checked_for_other_users(k):
    run(k, "kubectl create deployment web --image=nginx:1.27", 20)
    assert run(k, "kubectl expose deploy web --port=80 --as alice").err == (
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "alice" cannot get resource '
        '"deployments" in API group "apps" in the namespace "default"\n')
    assert run(k, "kubectl get endpointslices --as alice").err == (
        'Error from server (Forbidden): endpointslices.discovery.k8s.io is forbidden: User "alice" cannot list '
        'resource "endpointslices" in API group "discovery.k8s.io" in the namespace "default"\n')
    run(k, "kubectl create rolebinding alice-edits --clusterrole=edit --user=alice", 1)
    assert run(k, "kubectl expose deploy web --port=80 --as alice").out == "service/web exposed\n"
    assert run(k, "kubectl create service clusterip other --tcp=80 --as alice").out == "service/other created\n"
