"""Every manifest others wrote (../shared/corpus) applies, or is rejected with a clear reason."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from k9play.cluster import Cluster
from k9play.manifests.loader import iter_manifest_files
from k9play.manifests.sync import FolderSync
from tests.helpers import CORPUS

#: how a rejection reads, by the start of its reason (after ``file:line:col: ``)
REASONS = {
    "not simulated": "is part of Kubernetes v1.34 but k9play does not simulate it",
    "custom resource": "ensure CRDs are installed first",
    "rejected by the API": "Error from server (",
    "YAML": "YAML syntax error",
    "not an object": "expected a Kubernetes object",
    "missing apiVersion/kind": "error validating data: [",
    "no name": "resource name may not be empty",
    "duplicate key": "error converting YAML to JSON",
    "defined twice": "is defined twice in this file",
}


def classify(message: str) -> str:
    last = message.splitlines()[-1]
    if last.startswith("hint: ") and "was removed in Kubernetes" in last:
        return "removed API"
    for reason, marker in REASONS.items():
        if marker in message:
            return reason
    return "unclear"


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is absent")
def test_every_corpus_manifest_applies_or_is_rejected_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    files = iter_manifest_files([CORPUS])
    assert len(files) > 300
    counts: Counter[str] = Counter()
    unclear: list[str] = []
    for f in files:
        cluster = Cluster(workers=2).start()
        report = FolderSync(cluster.store, [f]).sync_all()
        if report.ok:
            counts["applied"] += 1
            continue
        for err in report.errors:
            assert Path(err.path) == f.absolute() and err.line >= 1, str(err)
            reason = classify(err.message)
            counts[reason] += 1
            if reason == "unclear":
                unclear.append(str(err))
    with capsys.disabled():
        print(f"\ncorpus: {len(files)} files; " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    assert unclear == []
    assert counts["applied"] > 0.6 * len(files)
