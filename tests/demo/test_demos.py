"""Every bundled demo is a test: played to its end on the manual clock, each ``snapshot:`` key frame
must equal its SVG in ``snapshots/test_demos/<demo>/<frame>.svg`` byte for byte.

The frames are made by ``k9play demo NAME --record DIR``, so what the command writes is what is
checked. Regenerate after an intended change with
``pytest tests/demo/test_demos.py --snapshot-update`` (then look at the SVGs).
"""

from __future__ import annotations

import difflib
import io
from pathlib import Path

import pytest

from k9play.demo.command import main
from k9play.demo.script import bundled_demos, load_demo

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "snapshots" / "test_demos"
DEMOS = bundled_demos()


def test_the_bundled_demos_are_there() -> None:
    names = {p.stem for p in DEMOS}
    assert {"rolling-update", "liveness-restarts", "pending-pod", "node-failure", "hpa", "jobs", "storage",
            "rbac", "canary", "readiness", "drain", "statefulset"} <= names
    for path in DEMOS:
        demo = load_demo(path)
        assert 5 <= len(demo.steps) <= 30, path
        assert demo.snapshots, f"{path}: a demo without a key frame is not tested"


@pytest.mark.parametrize("path", DEMOS, ids=[p.stem for p in DEMOS])
def test_demo_key_frames(path: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    demo = load_demo(path)
    out, err = io.StringIO(), io.StringIO()
    assert main([str(path), "--record", str(tmp_path)], out, err) == 0, err.getvalue()
    frames = {p.stem: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.svg")}
    assert sorted(frames) == sorted(demo.snapshots)
    stored = SNAPSHOTS / demo.name
    if request.config.getoption("--snapshot-update", default=False):
        stored.mkdir(parents=True, exist_ok=True)
        for old in stored.glob("*.svg"):
            if old.stem not in frames:
                old.unlink()
        for name, svg in frames.items():
            (stored / f"{name}.svg").write_text(svg, encoding="utf-8")
        return
    for name, svg in frames.items():
        expected_file = stored / f"{name}.svg"
        assert expected_file.is_file(), f"no snapshot {expected_file} (run with --snapshot-update)"
        expected = expected_file.read_text(encoding="utf-8")
        if svg != expected:
            diff = "".join(list(difflib.unified_diff(expected.splitlines(True), svg.splitlines(True),
                                                     str(expected_file), f"{tmp_path / name}.svg", n=0))[:40])
            pytest.fail(f"key frame {demo.name}/{name} differs from {expected_file} "
                        f"(new frame: {tmp_path / name}.svg):\n{diff}")
