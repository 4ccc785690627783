"""Malformed manifests never crash k9play: each is an error with file and line, nothing changes."""

from __future__ import annotations

import io

import pytest

from k9play.cli import SimShell
from k9play.manifests.sync import FolderSync
from tests.helpers import new_cluster

GOOD = """apiVersion: v1
kind: ConfigMap
metadata: {name: ok}
---
"""

MALFORMED = {
    "annotations-list": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n  - a: b\n",
    "labels-scalar": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: app\n",
    "metadata-list": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n- name: c\n",
    "metadata-scalar": "apiVersion: v1\nkind: ConfigMap\nmetadata: c\n",
    "name-number": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 12\n",
    "name-missing": "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
    "no-kind": "apiVersion: v1\nmetadata: {name: c}\n",
    "no-apiversion": "kind: ConfigMap\nmetadata: {name: c}\n",
    "kind-list": "apiVersion: v1\nkind: [ConfigMap]\nmetadata: {name: c}\n",
    "document-scalar": "just a string\n",
    "document-list": "- apiVersion: v1\n  kind: ConfigMap\n",
    "spec-scalar": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: 3\n",
    "containers-map": ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                       "    name: c\n    image: nginx\n"),
    "replicas-string": ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: three\n"
                        "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
                        "    spec: {containers: [{name: c, image: nginx}]}\n"),
    "selector-mismatch": ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
                          "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: c}}\n"
                          "    spec: {containers: [{name: c, image: nginx}]}\n"),
    "quantity-garbage": ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                         "  - name: c\n    image: nginx\n    resources: {limits: {memory: lots}}\n"),
    "tab-indent": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: c\n",
    "duplicate-key": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1'}\ndata: {b: '2'}\n",
    "binary-data-not-base64": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: '%%%'}\n",
    "namespace-bad-name": "apiVersion: v1\nkind: Namespace\nmetadata: {name: Not_Valid}\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_file_is_reported_and_changes_nothing(tmp_path, name):
    c = new_cluster()
    f = tmp_path / f"{name}.yaml"
    f.write_text(GOOD + MALFORMED[name])
    report = FolderSync(c.store, [tmp_path]).sync_all()
    assert report.errors, f"{name} was accepted"
    assert all(str(e).startswith(f"{f}:") for e in report.errors)
    assert c.store.try_get("ConfigMap", "ok", "default") is None  # the file applies all or nothing
    c.advance_sync(30)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_kubectl_apply_of_a_malformed_file_fails_cleanly(tmp_path, name):
    f = tmp_path / f"{name}.yaml"
    f.write_text(MALFORMED[name])
    out, err = io.StringIO(), io.StringIO()
    shell = SimShell(new_cluster(), out, err)
    shell.run(f"kubectl apply -f {f}")
    assert shell.failed and err.getvalue().strip()
    assert "Traceback" not in err.getvalue()


def test_links_that_lead_nowhere_and_unreadable_files_are_named(tmp_path, monkeypatch):
    import pathlib

    (tmp_path / "ok.yaml").write_text(GOOD)
    (tmp_path / "self.yaml").symlink_to("self.yaml")
    (tmp_path / "dangling.yaml").symlink_to("nowhere.yaml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")  # a folder loop must not hang the scan
    secret = tmp_path / "secret.yaml"
    secret.write_text(GOOD)
    real_read = pathlib.Path.read_bytes

    def read_bytes(self):  # tests may run as root, where chmod 000 does not stop reading
        if self.name == "secret.yaml":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    c = new_cluster()
    report = FolderSync(c.store, [tmp_path]).sync_all()
    by_file = {e.path.name: e.message for e in report.errors}
    assert by_file == {
        "self.yaml": "symlink loop: following this link leads back to itself",
        "dangling.yaml": "broken symlink: it points to nowhere.yaml, which does not exist",
        "secret.yaml": "permission denied: k9play cannot read this file",
    }
    assert c.store.try_get("ConfigMap", "ok", "default") is not None  # the good file still applies
