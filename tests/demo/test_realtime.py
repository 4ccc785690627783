"""A demo played at real speed: the running clock paces it, keys arrive as the keyboard sends them
(not through the pilot, whose idle wait would cost up to a second per key on a busy cluster)."""

from __future__ import annotations

from pathlib import Path

import pytest

from k9play.demo import player
from k9play.demo.player import Player, key_event, new_app, screen_text, workspace
from k9play.demo.script import find_demo, load_demo


def test_key_events_are_the_ones_a_terminal_sends() -> None:
    app = new_app(load_demo(find_demo("rolling-update")), Path("."), realtime=False)
    assert (key_event(":", app).key, key_event(":", app).character) == ("colon", ":")
    assert (key_event("a", app).key, key_event("a", app).character) == ("a", "a")
    assert (key_event(" ", app).key, key_event(" ", app).character) == ("space", " ")
    assert key_event("escape", app).key == "escape"
    assert key_event("ctrl+k", app).character is None


async def test_rolling_update_plays_to_its_end_on_the_running_clock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for pace in ("READ_SECONDS", "KEY_SECONDS", "CHAR_SECONDS"):
        monkeypatch.setattr(player, pace, 0.0)  # the viewer reads instantly; simulated time still runs
    demo = load_demo(find_demo("rolling-update"))
    work = workspace(tmp_path, demo)
    app = new_app(demo, work, realtime=True, speed=2000)
    async with app.run_test(size=player.FRAME_SIZE) as pilot:
        await Player(app, pilot, demo, work).play()
        assert app.cluster.clock.now() >= 156, "every advance waited for its simulated seconds"
        deploy = app.cluster.store.get("Deployment", "nginx", "dev")
        assert deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
        assert " replicasets(dev)[2] " in screen_text(app), "the typed `:rs dev` opened its view"
