"""sample-manifests/07-lifecycle/README.md, walked as a new user: every Watch and Break step
in order, on the manual clock, asserting what the README promises on screen."""

from __future__ import annotations

from pathlib import Path

from k9play.tui.screens.detail import DetailScreen
from k9play.tui.screens.dialogs import DeleteDialog
from k9play.tui.screens.logs import LogsScreen

from .helpers import screen_text
from .sample_walk import SIZE, advance, chapter_app, command, flash, home, pick, row, save, select
from .test_logs import log_lines


def status(app, name: str) -> str:  # type: ignore[no-untyped-def]
    """READY STATUS RESTARTS of a pod row ('' when the row is gone)."""
    cells = row(app, name).split()
    return " ".join(cells[1:4]) if cells else ""


async def delete(app, pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    """``ctrl+d`` on ``name``, OK in the dialog (Cancel has the focus, as in k9s)."""
    await select(app, pilot, name)
    await pilot.press("ctrl+d")
    await pilot.pause()
    assert isinstance(app.screen, DeleteDialog)
    await pilot.press("tab", "enter")
    await pilot.pause()


async def test_walk_07_watch(tmp_path: Path) -> None:
    app, _ = chapter_app(tmp_path, "07-lifecycle")
    async with app.run_test(size=SIZE) as pilot:
        # Watch: `:pods`, `:ns lifecycle`, ctrl+t and `.` one second at a time: init-demo's init containers
        await command(pilot, "pods")
        await command(pilot, "ns lifecycle")
        assert "pods(lifecycle)[7]" in screen_text(app)
        await pilot.press("ctrl+t")
        seen: list[str] = []
        probes_ready: dict[int, str] = {}
        for second in range(1, 41):
            await pilot.press("full_stop")
            await pilot.pause()
            init_status = row(app, "init-demo").split()[2]
            if not seen or seen[-1] != init_status:
                seen.append(init_status)
            probes_ready[second] = row(app, "probes-demo").split()[1]
        assert [s for s in seen if s not in ("Pending", "ContainerCreating")] == \
            ["Init:0/2", "Init:1/2", "PodInitializing", "Running"], seen
        # probes-demo: READY 0/1 while its server starts (20 s) and until the startup probe passes
        assert probes_ready[15] == "0/1" and probes_ready[40] == "1/1", probes_ready

        # `d` on liveness-exec: the probes pane, Unhealthy and Killing events; `p` the previous logs
        await advance(app, pilot, 60, step=5)  # restarted about every 75 s
        await select(app, pilot, "liveness-exec")
        assert status(app, "liveness-exec").split()[2] == "1"
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert "probes & restarts" in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert "Liveness probe failed: cat: can't open '/tmp/healthy'" in text
        assert "Container app failed liveness probe, will be restarted" in text
        await home(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen)
        assert "Previous:On" in screen_text(app)
        assert log_lines(app)[:2] == ["healthy", "unhealthy"]
        await home(app, pilot)

        # `d` on probes-demo: the startup probe passed, then readiness
        await select(app, pilot, "probes-demo")
        await pilot.press("d")
        await pilot.pause()
        probes = screen_text(app).split("probes & restarts")[1]
        assert "startup" in probes and "readiness" in probes and "✓ ok" in probes
        await home(app, pilot)

        # `enter` on init-demo: init and app containers with their states; `l` on fetch-config
        await select(app, pilot, "init-demo")
        await pilot.press("enter")
        await pilot.pause()
        assert "containers(lifecycle/init-demo)[3]" in screen_text(app)
        assert row(app, "I1").split()[1:2] == ["wait-for-database"] and "Completed" in row(app, "I1")
        assert "fetch-config" in row(app, "I2") and "Completed" in row(app, "I2")
        assert "app" in row(app, "M1") and "Running" in row(app, "M1")
        await pilot.press("down", "l")
        await pilot.pause()
        assert "Logs(lifecycle/init-demo:fetch-config)" in screen_text(app)
        assert log_lines(app) == ["config written"]
        await home(app, pilot)
        await pilot.press("escape")  # back from the containers page to the pods
        await pilot.pause()


async def test_walk_07_break(tmp_path: Path) -> None:
    app, base = chapter_app(tmp_path, "07-lifecycle")
    chapter = base / "07-lifecycle"
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "pods")
        await command(pilot, "ns lifecycle")
        await advance(app, pilot, 40, step=5)
        # Break: `!` → probe readiness fail on probes-demo: 0/1, never restarted; pass undoes it
        await select(app, pilot, "probes-demo")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pick(app, pilot, "probe readiness fail")
        await advance(app, pilot, 15)
        assert status(app, "probes-demo") == "0/1 Running 0"
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pick(app, pilot, "probe readiness pass")
        await advance(app, pilot, 10)
        assert status(app, "probes-demo") == "1/1 Running 0"
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pick(app, pilot, "probe liveness fail")  # killed and restarted
        await advance(app, pilot, 40, step=5)
        assert int(status(app, "probes-demo").split()[2]) >= 1
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pick(app, pilot, "probe liveness pass")

        # ctrl+d on hooks-demo: Terminating for the 20 s grace period (it ignores SIGTERM)
        await delete(app, pilot, "hooks-demo")
        await advance(app, pilot, 18)
        assert status(app, "hooks-demo").split()[1] == "Terminating"
        await advance(app, pilot, 3)
        assert status(app, "hooks-demo") == ""
        # remove the annotation, save, delete again: it stops at once
        await save(app, pilot, chapter / "hooks.yaml",
                   '  annotations:\n    k9play.dev/ignore-sigterm: "true"\n', "")
        assert flash(app) == "pod/hooks-demo created"
        await advance(app, pilot, 10)
        assert status(app, "hooks-demo") == "1/1 Running 0"
        await delete(app, pilot, "hooks-demo")
        await advance(app, pilot, 2)
        assert status(app, "hooks-demo") == ""

        # init-demo: fetch-config `exit 1`; saved while the pod exists, the apiserver refuses it
        init = chapter / "init-containers.yaml"
        await save(app, pilot, init, "echo config written; exit 0", "echo config written; exit 1")
        assert app.flash_message.level == "error" and "Forbidden: pod updates may not change fields" in flash(app)
        await delete(app, pilot, "init-demo")
        await advance(app, pilot, 31)  # its app (sh) ignores SIGTERM: the 30 s grace period
        assert status(app, "init-demo") == ""
        await save(app, pilot, init)
        assert flash(app) == "pod/init-demo created"
        seen = []
        for _ in range(40):
            await advance(app, pilot, 1)
            init_status = row(app, "init-demo").split()[2]
            if not seen or seen[-1] != init_status:
                seen.append(init_status)
        assert "Init:Error" in seen and seen[-1] == "Init:CrashLoopBackOff", seen
        assert seen.index("Init:Error") < seen.index("Init:CrashLoopBackOff"), seen
        assert "Running" not in seen and row(app, "init-demo").split()[1] == "0/1"  # app never starts

        # restart-never: `echo done` → `exit 1`, delete and save: Error, no restart
        await delete(app, pilot, "restart-never")
        await advance(app, pilot, 31)
        assert status(app, "restart-never") == ""
        await save(app, pilot, chapter / "restart-policies.yaml", "echo done", "exit 1")
        assert flash(app).startswith("pod/restart-never created")
        await advance(app, pilot, 15)
        assert status(app, "restart-never") == "0/1 Error 0"
        await advance(app, pilot, 30, step=5)
        assert status(app, "restart-never") == "0/1 Error 0"
