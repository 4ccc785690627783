"""sample-manifests/11-storage/README.md, walked in the TUI: Watch and every Break it step (each
group on a fresh start of the chapter, as a reader trying them one by one would)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from k9play.tui.screens import DetailScreen
from k9play.tui.screens.dialogs import PickDialog
from k9play.tui.screens.logs import LogsScreen
from k9play.tui.screens.shell import ShellScreen
from k9play.tui.screens.text import TextScreen

from .walk import SIZE, Walk, open_chapter, replace

CHAPTER = "11-storage"
GRACE = 35  # busybox's sleep ignores SIGTERM: the 30 s grace period runs out


def claims(w: Walk) -> dict[str, str]:
    """NAME → STATUS of the ``:pvc`` rows on screen."""
    out = {}
    for line in w.screen().splitlines():
        cells = line.strip("│ ").split()
        if len(cells) > 2 and cells[0] == "storage" and cells[1].endswith("-claim"):
            out[cells[1]] = cells[2]
    return out


async def shell(w: Walk, pilot: Pilot[None], pod: str, line: str) -> str:
    await w.command(pilot, "pods")
    await w.select(pilot, pod)
    await w.key(pilot, "s")
    assert isinstance(w.app.screen, ShellScreen)
    await w.key(pilot, *line, "enter")
    text = w.screen()
    await w.key(pilot, *"exit", "enter")
    return text


async def test_walk_11_watch(tmp_path: Path) -> None:
    w = open_chapter(tmp_path, CHAPTER, warm_up=40)
    async with w.app.run_test(size=SIZE) as pilot:
        # `:pvc` and `:pv`: both claims Bound; `d` on a PV shows its source and reclaim policy
        await w.command(pilot, "pvc")
        assert claims(w) == {"dynamic-claim": "Bound", "manual-claim": "Bound"}
        assert " storage-manual-pv " in w.row("manual-claim")
        await w.select(pilot, "dynamic-claim")
        await w.key(pilot, "d")
        assert "WaitForPodScheduled" in w.screen() and "ProvisioningSucceeded" in w.screen()
        await w.command(pilot, "pv")
        assert " Retain " in w.row("storage-manual-pv") and " Bound " in w.row("storage-manual-pv")
        assert " Delete " in w.row("storage/dynamic-claim") and " Bound " in w.row("storage/dynamic-claim")
        await w.select(pilot, "storage-manual-pv")
        await w.key(pilot, "d")
        text = w.screen()
        assert "Reclaim Policy:    Retain" in text and "HostPath (bare host directory volume)" in text
        assert "Path:          /mnt/k9play-data" in text

        # `l` on `shared-emptydir`, then `c` → `reader`: the dates the writer appends
        await w.command(pilot, "pods")
        await w.select(pilot, "shared-emptydir")
        await w.key(pilot, "l")
        assert isinstance(w.app.screen, LogsScreen)
        assert "Logs(storage/shared-emptydir:writer)" in w.screen()
        await w.key(pilot, "c")
        assert isinstance(w.app.screen, PickDialog)
        await w.key(pilot, "down", "enter")
        text = w.screen()
        assert "Logs(storage/shared-emptydir:reader)" in text and "--- index.html:" in text
        assert text.count(" UTC 2026") >= 5, text

        # `l` on `config-consumer`: values from env and from the mounted files
        await w.command(pilot, "pods")
        await w.select(pilot, "config-consumer")
        await w.key(pilot, "l")
        text = w.screen()
        assert "user from env: app, log format: json" in text
        assert "message file: Hello from a ConfigMap mounted as a file." in text
        assert "secret files: password username" in text

        # `:secrets`, `x` on `db-credentials` decodes it
        await w.command(pilot, "secrets")
        await w.select(pilot, "db-credentials")
        await w.key(pilot, "x")
        assert isinstance(w.app.screen, TextScreen)
        assert "password: s3cr3t-but-not-really" in w.screen() and "username: app" in w.screen()


async def test_walk_11_retain_and_delete(tmp_path: Path) -> None:
    w = open_chapter(tmp_path, CHAPTER, warm_up=40)
    async with w.app.run_test(size=SIZE) as pilot:
        # Retain: delete the pod, then the claim: the PV turns Released; no new claim binds it
        await w.delete(pilot, "pods", "manual-claim-user")
        await w.wait(pilot, GRACE)
        await w.delete(pilot, "pvc", "manual-claim")
        await w.wait(pilot, 5)
        assert "manual-claim" not in claims(w)
        await w.command(pilot, "pv")
        assert " Released " in w.row("storage-manual-pv") and " storage/manual-claim " in w.row("storage-manual-pv")
        await w.save(pilot, "static-pv.yaml")
        assert w.flash() == "persistentvolumeclaim/manual-claim created, pod/manual-claim-user created"
        await w.wait(pilot, 10)
        await w.command(pilot, "pvc")
        assert claims(w)["manual-claim"] == "Pending"
        # Delete `dynamic-claim` (after its pod): reclaim policy Delete removes its PV too
        await w.delete(pilot, "pods", "dynamic-claim-user")
        await w.wait(pilot, GRACE)
        await w.delete(pilot, "pvc", "dynamic-claim")
        await w.wait(pilot, 10)
        await w.command(pilot, "pv")
        assert "persistentvolumes(all)[1]" in w.screen() and "storage-manual-pv" in w.screen()
        assert "pvc-" not in w.screen()


async def test_walk_11_protection_and_data_outlive_pods(tmp_path: Path) -> None:
    w = open_chapter(tmp_path, CHAPTER, warm_up=40)
    async with w.app.run_test(size=SIZE) as pilot:
        # Data outlives pods: delete `manual-claim-user`, save `static-pv.yaml` again: two starts
        await w.delete(pilot, "pods", "manual-claim-user")
        await w.wait(pilot, GRACE)
        await w.save(pilot, "static-pv.yaml")
        assert w.flash() == "pod/manual-claim-user created"
        await w.wait(pilot, 10)
        await w.command(pilot, "pods")
        await w.select(pilot, "manual-claim-user")
        await w.key(pilot, "l")
        assert "starts so far: start start" in " ".join(w.screen().replace("│", " ").split())
        # Protection: a claim deleted while its pod runs stays Terminating until the pod is gone
        await w.delete(pilot, "pvc", "manual-claim")
        await w.wait(pilot, 5)
        assert claims(w)["manual-claim"] == "Terminating"
        await w.key(pilot, "d")
        assert isinstance(w.app.screen, DetailScreen)
        text = w.screen()
        assert "Status:        Terminating (lasts 5s)" in text and "[kubernetes.io/pvc-protection]" in text
        assert "Used By:       manual-claim-user" in text
        await w.delete(pilot, "pods", "manual-claim-user")
        await w.wait(pilot, GRACE)
        await w.command(pilot, "pvc")
        assert "manual-claim" not in claims(w)


async def test_walk_11_live_config_and_a_missing_host_path(tmp_path: Path) -> None:
    w = open_chapter(tmp_path, CHAPTER, warm_up=40)
    async with w.app.run_test(size=SIZE) as pilot:
        # Live config: files follow the ConfigMap about a minute later, env never does
        await w.save(pilot, "config-and-secret.yaml",
                     lambda t: replace("Hello from a ConfigMap mounted as a file.", "Changed live.")(
                         replace("LOG_FORMAT: json", "LOG_FORMAT: text")(t)))
        assert w.flash() == "configmap/app-settings configured"
        assert "Hello from a ConfigMap" in await shell(w, pilot, "config-consumer", "cat /etc/app/message")
        await w.wait(pilot, 75)
        text = await shell(w, pilot, "config-consumer", "echo $LOG_FORMAT; cat /etc/app/message /etc/app/LOG_FORMAT")
        assert "│ json " in text and "│ Changed live. " in text and "│ text " in text

        # hostPath `type: Directory` on a missing path: refused on the live pod; a new pod cannot mount it
        await w.save(pilot, "hostpath.yaml", lambda t: replace("path: /var/log/k9play-demo", "path: /no/such/dir")(
            replace("type: DirectoryOrCreate", "type: Directory")(t)))
        assert "Forbidden: pod updates may not change fields" in w.flash()
        await w.delete(pilot, "pods", "hostpath-demo")
        await w.wait(pilot, GRACE)
        await w.save(pilot, "hostpath.yaml")
        assert w.flash() == "pod/hostpath-demo created"
        await w.wait(pilot, 20)
        assert " ContainerCreating " in w.row("hostpath-demo")
        await w.select(pilot, "hostpath-demo")
        await w.key(pilot, "d")
        text = w.screen()
        assert "FailedMount" in text and "hostPath /no/such/dir doesn't exist" in text
