"""kubectl get/apply/delete output, compared with kubectl's exact text."""

from __future__ import annotations

import json

import pytest
import yaml

from k9play.api.meta import human_duration, parse_time
from k9play.kubectl.commands import Kubectl, parse_flags, resolve_resources
from k9play.kubectl.printers import tabulate, to_yaml
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster, pod


@pytest.fixture
def cluster():
    c = new_cluster()
    apply_object(c.store, deployment())
    c.advance_sync(60)
    return c


def test_tabwriter_spacing_matches_kubectl():
    assert tabulate([["NAME", "READY", "AGE"], ["a", "1/1", "5s"]]) == "NAME   READY   AGE\na      1/1     5s\n"


def test_get_deploy_table(cluster):
    r = Kubectl(cluster).run(["get", "deploy"])
    assert r.code == 0 and r.err == ""
    assert r.out == ("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
                     "web    3/3     3            3           60s\n")


def test_get_several_kinds_prefixes_names_and_separates_tables(cluster):
    r = Kubectl(cluster).run(["get", "deploy,rs,pods", "-o", "wide"])
    blocks = r.out.split("\n\n")
    assert len(blocks) == 3
    assert blocks[0].splitlines()[1].startswith("deployment.apps/web ")
    assert blocks[1].splitlines()[0].split() == ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS",
                                                  "IMAGES", "SELECTOR"]
    pods = blocks[2].splitlines()
    assert pods[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
                               "READINESS", "GATES"]
    assert len(pods) == 4 and all(" Running " in line and "k9play-worker" in line for line in pods[1:])


def test_all_namespaces_labels_and_selectors(cluster):
    k = Kubectl(cluster)
    r = k.run(["get", "pods", "-A", "--show-labels", "-l", "app=web"])
    lines = r.out.splitlines()
    assert lines[0].split()[0] == "NAMESPACE" and lines[0].split()[-1] == "LABELS"
    assert all(line.startswith("default ") and "app=web,pod-template-hash=" in line for line in lines[1:])
    assert k.run(["get", "pods", "-l", "app=nope"]).err == "No resources found in default namespace.\n"
    assert k.run(["get", "pods", "-n", "kube-public"]).err == "No resources found in kube-public namespace.\n"
    r = k.run(["get", "pods", "-l", "app in (web"])
    assert r.code == 1 and r.err.startswith("error:")


def test_output_formats(cluster):
    k = Kubectl(cluster)
    one = yaml.safe_load(k.run(["get", "deploy", "web", "-o", "yaml"]).out)
    assert one["kind"] == "Deployment" and one["metadata"]["name"] == "web"
    many = json.loads(k.run(["get", "pods", "-o", "json"]).out)
    assert many["kind"] == "List" and len(many["items"]) == 3
    names = k.run(["get", "deploy,rs", "-o", "name"]).out.splitlines()
    assert names[0] == "deployment.apps/web" and names[1].startswith("replicaset.apps/web-")
    text = to_yaml({"a": "2026-01-01T00:00:00Z", "b": "1", "c": "yes", "d": "plain", "e": ""})
    assert text == 'a: "2026-01-01T00:00:00Z"\nb: "1"\nc: "yes"\nd: plain\ne: ""\n'


def test_errors_and_exit_codes(cluster):
    k = Kubectl(cluster)
    r = k.run(["get", "pods", "nope"])
    assert (r.code, r.err) == (1, 'Error from server (NotFound): pods "nope" not found\n')
    r = k.run(["get", "widgets"])
    assert (r.code, r.err) == (1, 'error: the server doesn\'t have a resource type "widgets"\n')
    r = k.run(["get", "pods", "--bogus"])
    assert (r.code, r.err) == (1, "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n")
    assert k.run(["frobnicate"]).code == 1


def test_apply_create_configure_unchanged_and_delete(tmp_path):
    c = new_cluster()
    k = Kubectl(c, wait=lambda done, timeout: done())
    f = tmp_path / "web.yaml"
    f.write_text(yaml.safe_dump(deployment()))
    assert k.run(["apply", "-f", str(f)]).out == "deployment.apps/web created\n"
    assert k.run(["apply", "-f", str(f)]).out == "deployment.apps/web unchanged\n"
    f.write_text(yaml.safe_dump(deployment(image="nginx:1.16.1")))
    assert k.run(["apply", "-f", str(f)]).out == "deployment.apps/web configured\n"
    r = k.run(["delete", "-f", str(f)])
    assert r.out == 'deployment.apps "web" deleted from default namespace\n'
    r = k.run(["delete", "-f", str(f)])
    assert r.code == 1 and r.err == (f'Error from server (NotFound): error when deleting "{f}": '
                                     'deployments.apps "web" not found\n')
    assert k.run(["delete", "ns", "kube-public"]).out == 'namespace "kube-public" deleted\n'


def test_apply_of_an_unchanged_running_pod_is_unchanged(tmp_path):
    """The kubelet's status holds nulls (``lastProbeTime: null``); decoding the apply request
    must not drop them from the kept status and bump the pod's resourceVersion."""
    c = new_cluster()
    k = Kubectl(c, wait=lambda done, timeout: done())
    f = tmp_path / "pod.yaml"
    f.write_text(yaml.safe_dump(pod("web", image="nginx:1.27.0")))
    assert k.run(["apply", "-f", str(f)]).out == "pod/web created\n"
    c.advance_sync(30)
    live = c.store.get("Pod", "web", "default")
    assert any("lastProbeTime" in cond and cond["lastProbeTime"] is None for cond in live["status"]["conditions"])
    assert k.run(["apply", "-f", str(f)]).out == "pod/web unchanged\n"
    assert c.store.get("Pod", "web", "default")["metadata"]["resourceVersion"] == live["metadata"]["resourceVersion"]


def test_apply_keeps_fields_the_manifest_does_not_own(tmp_path):
    c = new_cluster()
    k = Kubectl(c)
    f = tmp_path / "web.yaml"
    m = deployment()
    del m["spec"]["replicas"]
    f.write_text(yaml.safe_dump(m))
    k.run(["apply", "-f", str(f)])
    d = c.store.get("Deployment", "web", "default")
    c.store.update({**d, "spec": {**d["spec"], "replicas": 5}})  # e.g. kubectl scale
    m["metadata"]["labels"]["tier"] = "front"
    f.write_text(yaml.safe_dump(m))
    assert k.run(["apply", "-f", str(f)]).out == "deployment.apps/web configured\n"
    d = c.store.get("Deployment", "web", "default")
    assert d["spec"]["replicas"] == 5 and d["metadata"]["labels"]["tier"] == "front"
    del m["metadata"]["labels"]["tier"]
    f.write_text(yaml.safe_dump(m))
    k.run(["apply", "-f", str(f)])
    assert "tier" not in c.store.get("Deployment", "web", "default")["metadata"]["labels"]


def test_reapplying_a_running_pod_leaves_it_unchanged(tmp_path):
    """The kubelet's status (``lastProbeTime: null``) and the admission-added NoExecute tolerations
    are not the manifest's: applying the same file again changes nothing and bumps no generation."""
    c = new_cluster()
    k = Kubectl(c)
    f = tmp_path / "pod.yaml"
    tolerate = {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}
    f.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                                 "spec": {"tolerations": [tolerate],
                                          "containers": [{"name": "app", "image": "busybox:1.36",
                                                          "command": ["sleep", "3600"]}]}}))
    assert k.run(["apply", "-f", str(f)]).out == "pod/p created\n"
    c.advance_sync(20)
    before = c.store.get("Pod", "p", "default")
    assert before["status"]["phase"] == "Running"
    assert any("lastProbeTime" in cond and cond["lastProbeTime"] is None for cond in before["status"]["conditions"])
    assert k.run(["apply", "-f", str(f)]).out == "pod/p unchanged\n"
    after = c.store.get("Pod", "p", "default")
    assert after is before and after["metadata"]["generation"] == 1
    assert [t["key"] for t in after["spec"]["tolerations"]] == [
        "node-role.kubernetes.io/control-plane", "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]


def test_apply_reports_server_errors_with_file_and_line(tmp_path):
    c = new_cluster()
    f = tmp_path / "bad.yaml"
    m = deployment()
    m["spec"]["replica"] = 1
    f.write_text(yaml.safe_dump(m, sort_keys=False))
    r = Kubectl(c).run(["apply", "-f", str(f)])
    assert r.code == 1
    assert r.err.startswith(f'Error from server (BadRequest): error when creating "{f}": Deployment in version "v1" '
                            'cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"')
    assert "(line " in r.err


def test_flag_parsing_forms():
    f = parse_flags(["get", "-ojson", "-nkube-system", "--selector=app=x", "-A"])
    assert (f.get("output"), f.get("namespace"), f.get("selector"), f.has("all-namespaces")) == (
        "json", "kube-system", "app=x", True)
    reqs = resolve_resources(["pod/a", "deploy/b", "po/c"])
    assert [(r.rt.kind, r.names) for r in reqs] == [("Pod", ["a", "c"]), ("Deployment", ["b"])]
    assert [r.rt.kind for r in resolve_resources(["all"])][:3] == ["Pod", "Service", "DaemonSet"]


def test_get_events_last_seen_is_only_the_last_occurrence():
    """printEvent: LAST SEEN is the age of the last occurrence; COUNT and FIRST SEEN are wide
    columns ("(x3 over 1m)" is kubectl describe's and kubectl events' wording, not get's)."""
    c = new_cluster()
    k = Kubectl(c)
    k.run(["run", "bad", "--image=nginx:1.161"])
    c.advance_sync(70)
    ev = next(e for e in c.store.list("Event", "default") if e["reason"] == "Pulling")
    assert ev["count"] == 3
    last, first = (human_duration(c.clock.now() - parse_time(ev[f])) for f in ("lastTimestamp", "firstTimestamp"))
    assert last != first
    row = k.run(["get", "events", "--field-selector", "reason=Pulling"]).out.splitlines()[1]
    assert row.split()[:4] == [last, "Normal", "Pulling", "pod/bad"] and "(x" not in row
    wide = k.run(["get", "events", "--field-selector", "reason=Pulling", "-o", "wide"]).out.splitlines()
    assert wide[0].split()[-4:] == ["FIRST", "SEEN", "COUNT", "NAME"]
    assert wide[1].split()[0] == last and wide[1].split()[-3:-1] == [first, "3"]
