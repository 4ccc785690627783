"""sample-manifests/11-storage/README.md, walked in the TUI: Watch and every Break it step (each
group on a fresh start of the chapter, as a reader trying them one by one would)."""

from __future__ import annotations

from pathlib import Path

from k9play.tui.screens import DetailScreen
from k9play.tui.screens.dialogs import PickDialog
from k9play.tui.screens.logs import LogsScreen
from k9play.tui.screens.shell import ShellScreen
from k9play.tui.screens.text import TextScreen

from .walk import Walk

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


async def shell(w: Walk, pod: str, line: str) -> str:
    await w.command("pods")
    await w.cursor_to(pod)
    await w.press("s")
    assert isinstance(w.app.screen, ShellScreen)
    await w.press(*line, "enter")
    text = w.screen()
    await w.press(*"exit", "enter")
    return text


async def test_walk_11_watch(tmp_path: Path) -> None:
    async with Walk(tmp_path, CHAPTER, warm_up=40) as w:
        # `:pvc` and `:pv`: both claims Bound; `d` on a PV shows its source and reclaim policy
        await w.command("pvc")
        assert claims(w) == {"dynamic-claim": "Bound", "manual-claim": "Bound"}
        assert " storage-manual-pv " in w.row("manual-claim")
        await w.cursor_to("dynamic-claim")
        await w.press("d")
        assert "WaitForPodScheduled" in w.screen() and "ProvisioningSucceeded" in w.screen()
        await w.command("pv")
        assert " Retain " in w.row("storage-manual-pv") and " Bound " in w.row("storage-manual-pv")
        assert " Delete " in w.row("storage/dynamic-claim") and " Bound " in w.row("storage/dynamic-claim")
        await w.cursor_to("storage-manual-pv")
        await w.press("d")
        text = w.screen()
        assert "Reclaim Policy:    Retain" in text and "HostPath (bare host directory volume)" in text
        assert "Path:          /mnt/k9play-data" in text

        # `l` on `shared-emptydir`, then `c` → `reader`: the dates the writer appends
        await w.command("pods")
        await w.cursor_to("shared-emptydir")
        await w.press("l")
        assert isinstance(w.app.screen, LogsScreen)
        assert "Logs(storage/shared-emptydir:writer)" in w.screen()
        await w.press("c")
        assert isinstance(w.app.screen, PickDialog)
        await w.press("down", "enter")
        text = w.screen()
        assert "Logs(storage/shared-emptydir:reader)" in text and "--- index.html:" in text
        assert text.count(" UTC 2026") >= 5, text

        # `l` on `config-consumer`: values from env and from the mounted files
        await w.command("pods")
        await w.cursor_to("config-consumer")
        await w.press("l")
        text = w.screen()
        assert "user from env: app, log format: json" in text
        assert "message file: Hello from a ConfigMap mounted as a file." in text
        assert "secret files: password username" in text

        # `:secrets`, `x` on `db-credentials` decodes it
        await w.command("secrets")
        await w.cursor_to("db-credentials")
        await w.press("x")
        assert isinstance(w.app.screen, TextScreen)
        assert "password: s3cr3t-but-not-really" in w.screen() and "username: app" in w.screen()


async def test_walk_11_retain_and_delete(tmp_path: Path) -> None:
    async with Walk(tmp_path, CHAPTER, warm_up=40) as w:
        # Retain: delete the pod, then the claim: the PV turns Released; no new claim binds it
        await w.delete("manual-claim-user", view="pods")
        await w.wait(GRACE)
        await w.delete("manual-claim", view="pvc")
        await w.wait(5)
        assert "manual-claim" not in claims(w)
        await w.command("pv")
        assert " Released " in w.row("storage-manual-pv") and " storage/manual-claim " in w.row("storage-manual-pv")
        await w.save(f"{CHAPTER}/static-pv.yaml")
        assert w.flash() == "persistentvolumeclaim/manual-claim created, pod/manual-claim-user created"
        await w.wait(10)
        await w.command("pvc")
        assert claims(w)["manual-claim"] == "Pending"
        # Delete `dynamic-claim` (after its pod): reclaim policy Delete removes its PV too
        await w.delete("dynamic-claim-user", view="pods")
        await w.wait(GRACE)
        await w.delete("dynamic-claim", view="pvc")
        await w.wait(10)
        await w.command("pv")
        assert "persistentvolumes(all)[1]" in w.screen() and "storage-manual-pv" in w.screen()
        assert "pvc-" not in w.screen()


async def test_walk_11_protection_and_data_outlive_pods(tmp_path: Path) -> None:
    async with Walk(tmp_path, CHAPTER, warm_up=40) as w:
        # Data outlives pods: delete `manual-claim-user`, save `static-pv.yaml` again: two starts
        await w.delete("manual-claim-user", view="pods")
        await w.wait(GRACE)
        await w.save(f"{CHAPTER}/static-pv.yaml")
        assert w.flash() == "pod/manual-claim-user created"
        await w.wait(10)
        await w.command("pods")
        await w.cursor_to("manual-claim-user")
        await w.press("l")
        assert "starts so far: start start" in " ".join(w.screen().replace("│", " ").split())
        # Protection: a claim deleted while its pod runs stays Terminating until the pod is gone
        await w.delete("manual-claim", view="pvc")
        await w.wait(5)
        assert claims(w)["manual-claim"] == "Terminating"
        await w.press("d")
        assert isinstance(w.app.screen, DetailScreen)
        text = w.screen()
        assert "Status:        Terminating (lasts 5s)" in text and "[kubernetes.io/pvc-protection]" in text
        assert "Used By:       manual-claim-user" in text
        await w.delete("manual-claim-user", view="pods")
        await w.wait(GRACE)
        await w.command("pvc")
        assert "manual-claim" not in claims(w)


async def test_walk_11_live_config_and_a_missing_host_path(tmp_path: Path) -> None:
    async with Walk(tmp_path, CHAPTER, warm_up=40) as w:
        # Live config: files follow the ConfigMap about a minute later, env never does
        w.edit(f"{CHAPTER}/config-and-secret.yaml", "LOG_FORMAT: json", "LOG_FORMAT: text")
        await w.save(f"{CHAPTER}/config-and-secret.yaml", "Hello from a ConfigMap mounted as a file.", "Changed live.")
        assert w.flash() == "configmap/app-settings configured"
        assert "Hello from a ConfigMap" in await shell(w, "config-consumer", "cat /etc/app/message")
        await w.wait(75)
        text = await shell(w, "config-consumer", "echo $LOG_FORMAT; cat /etc/app/message /etc/app/LOG_FORMAT")
        assert "│ json " in text and "│ Changed live. " in text and "│ text " in text

        # hostPath `type: Directory` on a missing path: refused on the live pod; a new pod cannot mount it
        w.edit(f"{CHAPTER}/hostpath.yaml", "type: DirectoryOrCreate", "type: Directory")
        await w.save(f"{CHAPTER}/hostpath.yaml", "path: /var/log/k9play-demo", "path: /no/such/dir")
        assert "Forbidden: pod updates may not change fields" in w.flash()
        await w.delete("hostpath-demo", view="pods")
        await w.wait(GRACE)
        await w.save(f"{CHAPTER}/hostpath.yaml")
        assert w.flash() == "pod/hostpath-demo created"
        await w.wait(20)
        assert " ContainerCreating " in w.row("hostpath-demo")
        await w.cursor_to("hostpath-demo")
        await w.press("d")
        text = w.screen()
        assert "FailedMount" in text and "hostPath /no/such/dir doesn't exist" in text
