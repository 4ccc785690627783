"""Random bytes and mutated real manifests never crash the loader or the folder sync.

Every rejection carries the file and a line, so a person can act on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k9play.manifests.loader import iter_manifest_files, load_file
from k9play.manifests.sync import FolderSync
from tests.helpers import CORPUS, new_cluster

SAMPLES = Path(__file__).resolve().parents[2] / "sample-manifests"


def _real_manifests() -> list[bytes]:
    roots = [SAMPLES]
    if CORPUS.exists():
        roots += [CORPUS / "k8s-docs-examples", CORPUS / "kubernetes-examples"]
    return [p.read_bytes() for p in iter_manifest_files(roots) if p.stat().st_size < 20_000]


MANIFESTS = _real_manifests()
FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real manifest with a few bytes deleted, inserted, replaced or lines swapped."""
    data = bytearray(draw(st.sampled_from(MANIFESTS)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "dup-line"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "delete":
            del data[at:at + draw(st.integers(1, 8))]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from([b":", b"-", b" ", b"\t", b"{", b"[", b"'", b'"', b"\n", b"&a",
                                                b"*a", b"!!python/object:os.system", b"\x00", b"\xff", b"---\n",
                                                b"<<: *x", b"0x", b"~", b"null"]))
        elif op == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
        elif op == "dup-line":
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def _check(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "fuzz.yaml"
    f.write_bytes(content)
    _docs, errs = load_file(f)  # must not raise
    for e in errs:
        assert e.path == f and e.line >= 1 and e.col >= 1 and e.message
    c = new_cluster()
    report = FolderSync(c.store, [f]).sync_all()  # must not raise either
    for e in report.errors:
        assert str(e).startswith(f"{f}:") and e.line >= 1
    c.advance_sync(5)


@FUZZ
@given(content=st.binary(max_size=600))
def test_random_bytes(tmp_path: Path, content: bytes) -> None:
    _check(tmp_path, content)


@pytest.mark.skipif(not MANIFESTS, reason="no manifests to mutate")
@FUZZ
@given(content=mutated())
def test_mutated_real_manifests(tmp_path: Path, content: bytes) -> None:
    _check(tmp_path, content)
