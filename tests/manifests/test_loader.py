from pathlib import Path

import pytest

from k9play.manifests.loader import iter_manifest_files, load_file, parse_text
from tests.helpers import CORPUS

MULTI = """\
# a comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
data:
  when: 2024-01-01
---
---
apiVersion: v1
kind: Pod
metadata:
  name: second
spec:
  containers:
  - name: app
    image: nginx
"""


def test_multi_document_positions_and_field_lines():
    docs, errs = parse_text(MULTI, Path("m.yaml"))
    assert errs == []
    assert [(d.kind, d.name, d.line, d.index) for d in docs] == [("ConfigMap", "first", 2, 0), ("Pod", "second", 10, 2)]
    assert docs[0].obj["data"]["when"] == "2024-01-01"  # timestamps stay strings
    assert docs[1].position("spec.containers[0].image") == (17, 5)
    assert docs[1].position("spec.containers[0].imagePullPolicy") == (16, 5)  # nearest known ancestor


def test_yaml_syntax_error_has_line_and_column():
    docs, errs = parse_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: [a\n", Path("bad.yaml"))
    assert docs == []
    assert len(errs) == 1
    assert str(errs[0]).startswith("bad.yaml:6:1: YAML syntax error:")


def test_non_objects_and_missing_kind_are_reported():
    _, errs = parse_text("- a\n- b\n", Path("list.yaml"))
    assert "expected a Kubernetes object" in str(errs[0])
    _, errs = parse_text("metadata:\n  name: x\n", Path("nokind.yaml"))
    assert str(errs[0]) == "nokind.yaml:1:1: error validating data: [apiVersion not set, kind not set]"


def test_list_kind_expands_items():
    text = ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n"
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n")
    docs, _errs = parse_text(text, Path("l.yaml"))
    assert [d.name for d in docs] == ["a", "b"] and docs[1].line == 8


def test_unsafe_tags_are_refused():
    _, errs = parse_text("!!python/object/apply:os.system ['echo hi']\n", Path("evil.yaml"))
    assert errs and "YAML syntax error" in str(errs[0])


def test_binary_and_bad_encoding(tmp_path):
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin.yaml").write_bytes("kind: caf\xe9\n".encode("latin-1"))
    assert "binary file" in str(load_file(tmp_path / "bin.yaml")[1][0])
    assert "not valid UTF-8" in str(load_file(tmp_path / "latin.yaml")[1][0])
    assert "disappeared" in str(load_file(tmp_path / "gone.yaml")[1][0])


def test_folder_walk_skips_hidden_and_other_files(tmp_path):
    (tmp_path / "a.yaml").write_text("x: 1\n")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.yaml").write_text("x: 1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.json").write_text("{}")
    assert [p.name for p in iter_manifest_files([tmp_path])] == ["a.yaml", "c.json"]


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is absent")
def test_every_corpus_manifest_parses_or_is_rejected_with_a_position():
    files = iter_manifest_files([CORPUS / "k8s-docs-examples", CORPUS / "kubernetes-examples",
                                 CORPUS / "microservices-demo"])
    docs = errors = 0
    for f in files:
        d, e = load_file(f)
        docs += len(d)
        errors += len(e)
        for err in e:
            assert err.line >= 1 and str(err).startswith(str(f))
    assert len(files) > 600 and docs > 650
