"""TUI test setup: deterministic apps (no blink, no animation, manual clock) and top-level snapshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import pytest_textual_snapshot as pts
from textual.widgets import Input

from k9play.cluster import Cluster
from k9play.tui.app import K9playApp

ROOT = Path(__file__).resolve().parents[2]


class TopLevelSVGExtension(pts.SVGImageExtension):
    """Store SVG snapshots in ``snapshots/<test module>/`` at the repository root."""

    @classmethod
    def dirname(cls, *, test_location) -> str:  # type: ignore[no-untyped-def]
        return str(ROOT / "snapshots" / Path(test_location.filepath).stem)


pts.SVGImageExtension = TopLevelSVGExtension  # snap_compare looks the name up at call time


@pytest.fixture(autouse=True)
def _deterministic_ui(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursor and no animations: both run on wall time and would make frames differ."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("NO_COLOR", raising=False)  # colours are part of what the snapshots check
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The user's own ``~/.config/k9play/keymap.yaml`` must not change what tests press."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def cluster() -> Cluster:
    return Cluster().start()


@pytest.fixture
def make_app(cluster: Cluster) -> Callable[[], K9playApp]:
    return lambda: K9playApp(cluster, realtime=False)


def pytest_configure(config: pytest.Config) -> None:
    """Keep the failure report (side-by-side SVG diff) next to the snapshots, not in the repo root."""
    if config.getoption("--snapshot-report", default=None) == "snapshot_report.html":
        config.option.snapshot_report = str(ROOT / "snapshots" / "snapshot_report.html")
