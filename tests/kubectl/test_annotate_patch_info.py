"""kubectl annotate, patch, wait, version, cluster-info, config current-context and api-resources."""

from __future__ import annotations

import io
import re

from k9play.cli import SimShell
from tests.helpers import new_cluster


def sim(*lines: str) -> list[tuple[str, str]]:
    out, err = io.StringIO(), io.StringIO()
    shell = SimShell(new_cluster(), out, err)
    said = []
    for line in lines:
        o, e = out.tell(), err.tell()
        shell.run(line)
        said.append((out.getvalue()[o:], err.getvalue()[e:]))
    return said


def test_annotate_patch_and_wait() -> None:
    said = sim("kubectl create deployment web --image=nginx:1.25 --replicas=2",
               "kubectl wait --for=condition=Available deploy/web --timeout=60s",
               "kubectl annotate deploy web team=blue",
               "kubectl annotate deploy web team=red",
               "kubectl annotate deploy web team=red --overwrite",
               "kubectl annotate deploy web team-",
               """kubectl patch deploy web -p '{"spec":{"replicas":3}}'""",
               """kubectl patch deploy web -p '{"spec":{"replicas":3}}'""",
               """kubectl patch deploy web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":1}]'""",
               "kubectl get deploy web -o yaml",
               "kubectl wait --for=condition=Ready pod --all --timeout=1s",
               "kubectl delete deploy web",
               "kubectl wait --for=delete deploy/web")
    assert said[1] == ("deployment.apps/web condition met\n", "")
    assert said[2][0] == said[4][0] == said[5][0] == "deployment.apps/web annotated\n"
    assert said[3][1] == ("error: --overwrite is false but found the following declared annotation(s): 'team' "
                          "already has a value (blue)\n")
    assert said[6][0] == "deployment.apps/web patched\n" and said[7][0] == "deployment.apps/web patched (no change)\n"
    assert said[8][0] == "deployment.apps/web patched" + "\n" and "  replicas: 1\n" in said[9][0]
    assert "team" not in said[9][0]
    assert said[12] == ("deployment.apps/web deleted\n", "")


def test_the_cluster_describes_itself_as_kind_does() -> None:
    version, info, context, resources, bad = sim("kubectl version", "kubectl cluster-info",
                                                 "kubectl config current-context", "kubectl api-resources",
                                                 "kubectl wait deploy/nope --for=condition=Available")
    assert version[0] == "Client Version: v1.34.2\nKustomize Version: v5.7.1\nServer Version: v1.34.2\n"
    assert info[0].startswith("Kubernetes control plane is running at https://127.0.0.1:6443\nCoreDNS is running at ")
    assert context[0] == "kind-k9play\n"
    lines = resources[0].splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert any(line.split() == ["deployments", "deploy", "apps/v1", "true", "Deployment"] for line in lines)
    assert bad[1] == 'Error from server (NotFound): deployments.apps "nope" not found\n'


def test_json_output_is_gos_marshal_indent() -> None:
    """kubectl -o json: sorted keys, four spaces, HTML characters escaped as Go does."""
    (out, _), = sim("kubectl create configmap cfg --from-literal=b='<x> & y' --from-literal=a=1 -o json")
    assert out.startswith('{\n    "apiVersion": "v1",\n    "data": {\n        "a": "1",\n'
                          '        "b": "\\u003cx\\u003e \\u0026 y"\n    },\n    "kind": "ConfigMap",\n'), out


def test_replace_puts_the_file_as_it_is(tmp_path) -> None:
    f = tmp_path / "cfg.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: '2'}\n")
    said = sim(f"kubectl replace -f {f}", "kubectl create configmap cfg --from-literal=b=1",
               f"kubectl replace -f {f}", "kubectl get cm cfg -o yaml")
    assert said[0][1].startswith(f'Error from server (NotFound): error when replacing "{f}": configmaps "cfg"')
    assert said[2][0] == "configmap/cfg replaced\n"
    assert "data:\n  a: \"2\"\n" in said[3][0] and "  b:" not in said[3][0], "the file's data, all of it"


def test_set_env_and_resources_change_the_template() -> None:
    said = sim("kubectl create deploy web --image=nginx:1.25", "kubectl set env deploy/web A=1 B=2",
               "kubectl set env deploy/web --list", "kubectl set env deploy/web A-",
               "kubectl set resources deploy/web --limits=cpu=200m,memory=512Mi --requests=cpu=100m",
               "kubectl set resources deploy/web --limits=cpu=lots", "kubectl get deploy web -o yaml")
    assert said[1][0] == said[3][0] == "deployment.apps/web env updated\n"
    assert said[2][0] == "# deployments/web, container nginx\nA=1\nB=2\n"
    assert said[4][0] == "deployment.apps/web resource requirements updated\n"
    assert said[5][1].startswith("error: quantities must match the regular expression")
    spec = said[6][0]
    assert "      - env:\n        - name: B\n          value: \"2\"\n" in spec
    assert "          limits:\n            cpu: 200m\n            memory: 512Mi\n" in spec


def test_logs_of_every_pod_a_selector_picks() -> None:
    said = sim("kubectl create deploy web --image=nginx:1.25 --replicas=2", "advance 20s",
               "kubectl logs -l app=web --tail=1 --prefix", "kubectl logs -l app=web", "kubectl logs -l app=nope")
    lines = said[2][0].splitlines()
    assert len(lines) == 2 and all(re.match(r"\[pod/web-\w+-\w+/nginx\] /docker-entrypoint.sh: Configuration", ln)
                                   for ln in lines)
    assert len(said[3][0].splitlines()) == 10, "--tail defaults to 10 per pod with a selector (2 × 5 lines here)"
    assert said[4] == ("", "No resources found in default namespace.\n")


def test_diff_shows_what_apply_would_change(tmp_path) -> None:
    f = tmp_path / "web.yaml"
    doc = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n"
           "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
           "    spec: {containers: [{name: nginx, image: 'nginx:1.25'}]}\n")
    f.write_text(doc)
    g = tmp_path / "web2.yaml"
    g.write_text(doc.replace("nginx:1.25", "nginx:1.26"))
    out, err = io.StringIO(), io.StringIO()
    shell = SimShell(new_cluster(), out, err)
    shell.run(f"kubectl apply -f {f}")
    assert shell.kubectl.run(["diff", "-f", str(f)]).code == 0, "nothing to change"
    changed = shell.kubectl.run(["diff", "-f", str(g)])
    name = "apps.v1.Deployment.default.web"
    assert changed.code == 1 and changed.out.startswith(f"diff -u -N /tmp/LIVE-1/{name} /tmp/MERGED-1/{name}\n"
                                                        f"--- /tmp/LIVE-1/{name}\t")
    assert "-      - image: nginx:1.25\n+      - image: nginx:1.26\n" in changed.out
    assert "-  generation: 1\n+  generation: 2\n" in changed.out
    assert shell.cluster.store.get("Deployment", "web", "default")["spec"]["template"]["spec"]["containers"][0][
        "image"] == "nginx:1.25", "a diff changes nothing"
