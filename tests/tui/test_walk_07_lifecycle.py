"""sample-manifests/07-lifecycle/README.md, walked as a new user: every Watch and Break step
in order, on the manual clock, asserting what the README promises on screen."""

from __future__ import annotations

from pathlib import Path

from k9play.tui.screens.detail import DetailScreen
from k9play.tui.screens.logs import LogsScreen

from .test_logs import log_lines
from .walk import Walk


def status(w: Walk, name: str) -> str:
    """READY STATUS RESTARTS of a pod row ('' when the row is gone)."""
    cells = w.row(name).split()
    return " ".join(cells[1:4]) if cells else ""


async def test_walk_07_watch(tmp_path: Path) -> None:
    async with Walk(tmp_path, "07-lifecycle") as w:
        # Watch: `:pods`, `:ns lifecycle`, ctrl+t and `.` one second at a time: init-demo's init containers
        await w.command("pods")
        await w.command("ns lifecycle")
        assert "pods(lifecycle)[7]" in w.screen()
        await w.press("ctrl+t")
        seen: list[str] = []
        probes_ready: dict[int, str] = {}
        for second in range(1, 41):
            await w.press("full_stop")
            init_status = w.row("init-demo").split()[2]
            if not seen or seen[-1] != init_status:
                seen.append(init_status)
            probes_ready[second] = w.row("probes-demo").split()[1]
        assert [s for s in seen if s not in ("Pending", "ContainerCreating")] == \
            ["Init:0/2", "Init:1/2", "PodInitializing", "Running"], seen
        # probes-demo: READY 0/1 while its server starts (20 s) and until the startup probe passes
        assert probes_ready[15] == "0/1" and probes_ready[40] == "1/1", probes_ready

        # `d` on liveness-exec: the probes pane, Unhealthy and Killing events; `p` the previous logs
        await w.wait(60, step=5)  # restarted about every 75 s
        await w.cursor_to("liveness-exec")
        assert status(w, "liveness-exec").split()[2] == "1"
        await w.press("d")
        assert isinstance(w.app.screen, DetailScreen)
        assert "probes & restarts" in w.screen()
        await w.press("end")
        text = w.screen()
        assert "Liveness probe failed: cat: can't open '/tmp/healthy'" in text
        assert "Container app failed liveness probe, will be restarted" in text
        await w.home()
        await w.press("p")
        assert isinstance(w.app.screen, LogsScreen)
        assert "Previous:On" in w.screen()
        assert log_lines(w.app)[:2] == ["healthy", "unhealthy"]
        await w.home()

        # `d` on probes-demo: the startup probe passed, then readiness
        await w.cursor_to("probes-demo")
        await w.press("d")
        probes = w.screen().split("probes & restarts")[1]
        assert "startup" in probes and "readiness" in probes and "✓ ok" in probes
        await w.home()

        # `enter` on init-demo: init and app containers with their states; `l` on fetch-config
        await w.cursor_to("init-demo")
        await w.press("enter")
        assert "containers(lifecycle/init-demo)[3]" in w.screen()
        assert w.row("I1").split()[1:2] == ["wait-for-database"] and "Completed" in w.row("I1")
        assert "fetch-config" in w.row("I2") and "Completed" in w.row("I2")
        assert "app" in w.row("M1") and "Running" in w.row("M1")
        await w.press("down", "l")
        assert "Logs(lifecycle/init-demo:fetch-config)" in w.screen()
        assert log_lines(w.app) == ["config written"]
        await w.home()
        await w.press("escape")  # back from the containers page to the pods


async def test_walk_07_break(tmp_path: Path) -> None:
    async with Walk(tmp_path, "07-lifecycle") as w:
        await w.command("pods")
        await w.command("ns lifecycle")
        await w.wait(40, step=5)
        # Break: `!` → probe readiness fail on probes-demo: 0/1, never restarted; pass undoes it
        await w.cursor_to("probes-demo")
        await w.press("exclamation_mark")
        await w.pick("probe readiness fail")
        await w.wait(15)
        assert status(w, "probes-demo") == "0/1 Running 0"
        await w.press("exclamation_mark")
        await w.pick("probe readiness pass")
        await w.wait(10)
        assert status(w, "probes-demo") == "1/1 Running 0"
        await w.press("exclamation_mark")
        await w.pick("probe liveness fail")  # killed and restarted
        await w.wait(40, step=5)
        assert int(status(w, "probes-demo").split()[2]) >= 1
        await w.press("exclamation_mark")
        await w.pick("probe liveness pass")

        # ctrl+d on hooks-demo: Terminating for the 20 s grace period (it ignores SIGTERM)
        await w.delete("hooks-demo")
        await w.wait(18)
        assert status(w, "hooks-demo").split()[1] == "Terminating"
        await w.wait(3)
        assert status(w, "hooks-demo") == ""
        # remove the annotation, save, delete again: it stops at once
        await w.save("07-lifecycle/hooks.yaml",
                   '  annotations:\n    k9play.dev/ignore-sigterm: "true"\n', "")
        assert w.flash() == "pod/hooks-demo created"
        await w.wait(10)
        assert status(w, "hooks-demo") == "1/1 Running 0"
        await w.delete("hooks-demo")
        await w.wait(2)
        assert status(w, "hooks-demo") == ""

        # init-demo: fetch-config `exit 1`; saved while the pod exists, the apiserver refuses it
        init = "07-lifecycle/init-containers.yaml"
        await w.save(init, "echo config written; exit 0", "echo config written; exit 1")
        assert w.app.flash_message.level == "error" and "Forbidden: pod updates may not change fields" in w.flash()
        await w.delete("init-demo")
        await w.wait(31)  # its app (sh) ignores SIGTERM: the 30 s grace period
        assert status(w, "init-demo") == ""
        await w.save(init)
        assert w.flash() == "pod/init-demo created"
        seen = []
        for _ in range(40):
            await w.wait(1)
            init_status = w.row("init-demo").split()[2]
            if not seen or seen[-1] != init_status:
                seen.append(init_status)
        assert "Init:Error" in seen and seen[-1] == "Init:CrashLoopBackOff", seen
        assert seen.index("Init:Error") < seen.index("Init:CrashLoopBackOff"), seen
        assert "Running" not in seen and w.row("init-demo").split()[1] == "0/1"  # app never starts

        # restart-never: `echo done` → `exit 1`, delete and save: Error, no restart
        await w.delete("restart-never")
        await w.wait(31)
        assert status(w, "restart-never") == ""
        await w.save("07-lifecycle/restart-policies.yaml", "echo done", "exit 1")
        assert w.flash().startswith("pod/restart-never created")
        await w.wait(15)
        assert status(w, "restart-never") == "0/1 Error 0"
        await w.wait(30, step=5)
        assert status(w, "restart-never") == "0/1 Error 0"
