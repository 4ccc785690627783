"""kubectl create configmap|secret|serviceaccount|role|clusterrole|rolebinding|clusterrolebinding|quota.
Written for k9play; the objects are built as kubectl's generators build them."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from k9play.kubectl.commands import Kubectl
from tests.helpers import new_cluster


def _k() -> tuple:
    c = new_cluster(1)
    return c, Kubectl(c)


def test_configmap_from_literals_files_and_a_directory(tmp_path: Path):
    c, k = _k()
    (tmp_path / "game.properties").write_text("lives=3\n")
    (tmp_path / "ui.properties").write_text("color=red\n")
    (tmp_path / "blob.bin").write_bytes(b"\xff\xfe")
    r = k.run_line(f"create configmap game --from-file={tmp_path / 'game.properties'} "
                   f"--from-file=ui={tmp_path / 'ui.properties'} --from-literal=mode=easy")
    assert r.out == "configmap/game created\n"
    cm = c.store.get("ConfigMap", "game", "default")
    assert cm["data"] == {"game.properties": "lives=3\n", "ui": "color=red\n", "mode": "easy"}
    k.run_line(f"create configmap dir --from-file={tmp_path}")
    cm = c.store.get("ConfigMap", "dir", "default")
    assert set(cm["data"]) == {"game.properties", "ui.properties"} and cm["binaryData"] == {"blob.bin": "//4="}
    assert k.run_line("create configmap bad --from-literal=novalue").err == (
        "error: invalid literal source novalue, expected key=value\n")
    r = k.run_line("create configmap dup --from-literal=a=1 --from-literal=a=2")
    assert r.code == 1 and "another key by that name already exists" in r.err
    r = k.run_line("create configmap game --from-literal=a=1")
    assert r.err == 'Error from server (AlreadyExists): configmaps "game" already exists\n'


def test_secrets_generic_tls_and_docker_registry(tmp_path: Path):
    c, k = _k()
    assert k.run_line("create secret generic db --from-literal=password=s3cret").out == "secret/db created\n"
    s = c.store.get("Secret", "db", "default")
    assert (s["type"], s["data"]) == ("Opaque", {"password": base64.b64encode(b"s3cret").decode()})
    k.run_line("create secret docker-registry reg --docker-server=registry.example --docker-username=u "
               "--docker-password=p --docker-email=u@example.com")
    s = c.store.get("Secret", "reg", "default")
    assert s["type"] == "kubernetes.io/dockerconfigjson"
    config = base64.b64decode(s["data"][".dockerconfigjson"]).decode()
    assert config == ('{"auths":{"registry.example":{"username":"u","password":"p","email":"u@example.com",'
                      '"auth":"dTpw"}}}')
    assert json.loads(config)
    assert k.run_line("create secret docker-registry r2").err == (
        "error: either --from-file or the combination of --docker-username, --docker-password and --docker-server "
        "is required\n")
    cert, key = tmp_path / "tls.crt", tmp_path / "tls.key"
    cert.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    key.write_text("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")
    assert k.run_line(f"create secret tls web --cert={cert} --key={key}").out == "secret/web created\n"
    assert set(c.store.get("Secret", "web", "default")["data"]) == {"tls.crt", "tls.key"}
    assert k.run_line(f"create secret tls nope --cert={key} --key={key}").err == (
        "error: tls: failed to find any PEM data in certificate input\n")


def test_service_account_role_and_bindings():
    c, k = _k()
    assert k.run_line("create serviceaccount app").out == "serviceaccount/app created\n"
    r = k.run_line("create role r --verb=get,list --resource=pods,pods/log,deploy,rs.apps --resource-name=x")
    assert r.out == "role.rbac.authorization.k8s.io/r created\n"
    assert c.store.get("Role", "r", "default")["rules"] == [
        {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"], "resourceNames": ["x"]},
        {"apiGroups": ["apps"], "resources": ["deployments", "replicasets"], "verbs": ["get", "list"],
         "resourceNames": ["x"]}]
    assert k.run_line("create role r2 --verb=fly --resource=pods").err == "error: invalid verb: 'fly'\n"
    assert k.run_line("create role r3 --resource=pods").err == "error: at least one verb must be specified\n"
    k.run_line("create clusterrole urls --verb=get --non-resource-url=/logs/*")
    assert c.store.get("ClusterRole", "urls")["rules"] == [{"nonResourceURLs": ["/logs/*"], "verbs": ["get"]}]
    k.run_line("create clusterrole agg --aggregation-rule=team=a")
    assert c.store.get("ClusterRole", "agg")["aggregationRule"] == {
        "clusterRoleSelectors": [{"matchLabels": {"team": "a"}}]}
    r = k.run_line("create rolebinding rb --clusterrole=view --user=u1 --group=g1 --serviceaccount=default:app")
    assert r.out == "rolebinding.rbac.authorization.k8s.io/rb created\n"
    rb = c.store.get("RoleBinding", "rb", "default")
    assert rb["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}
    assert rb["subjects"] == [
        {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "u1"},
        {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "g1"},
        {"kind": "ServiceAccount", "namespace": "default", "name": "app"}]
    assert k.run_line("create rolebinding x --role=a --clusterrole=b").err == (
        "error: exactly one of clusterrole or role must be specified\n")
    assert k.run_line("create rolebinding x --role=a --serviceaccount=app").err == (
        "error: serviceaccount must be <namespace>:<name>\n")
    out = k.run_line("create clusterrolebinding crb --clusterrole=edit --user=u2 --dry-run=client -o yaml").out
    assert "kind: ClusterRoleBinding" in out and c.store.try_get("ClusterRoleBinding", "crb") is None
    assert k.run_line("get rolebinding rb -o wide").out.splitlines()[1].split() == [
        "rb", "ClusterRole/view", "0s", "u1", "g1", "default/app"]


def test_quota_generator():
    c, k = _k()
    r = k.run_line("create quota best --hard=pods=2,count/secrets=1 --scopes=BestEffort")
    assert r.out == "resourcequota/best created\n"
    q = c.store.get("ResourceQuota", "best", "default")
    assert q["spec"] == {"hard": {"pods": "2", "count/secrets": "1"}, "scopes": ["BestEffort"]}
