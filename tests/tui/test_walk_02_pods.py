"""sample-manifests/02-pods/README.md, step by step in the TUI: its promises, checked."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import RichLog

from k9play.tui.screens.dialogs import DeleteDialog
from k9play.tui.screens.logs import LogsScreen
from k9play.tui.screens.shell import ShellScreen

from .walk import Walk

POD_FILE = "02-pods/nginx-pod.yaml"


def log_lines(w: Walk) -> list[str]:
    return [strip.text.rstrip() for strip in w.app.screen.query_one(RichLog).lines]


async def test_walk_02_pods(tmp_path: Path) -> None:
    async with Walk(tmp_path, "01-namespaces", "02-pods", size=(160, 40)) as w:
        # Watch: `:pods`, `:ns dev`: each pod goes Pending → ContainerCreating → Running;
        # busybox-nginx shows READY 2/2.
        await w.command("pods")
        await w.command("ns dev")
        assert "pods(dev)[3]" in w.screen()
        assert "Pending" in w.row("nginx") and "Pending" in w.row("busybox-nginx")
        await w.wait(1)
        assert "ContainerCreating" in w.row("nginx")
        await w.wait(30)
        assert w.row("busybox-nginx").split()[1:3] == ["2/2", "Running"]
        assert w.row("nginx").split()[1:3] == ["1/1", "Running"]

        # `enter` on busybox-nginx lists its two containers; `l` on a container shows its logs.
        await w.cursor_to("busybox-nginx")
        await w.press("enter")
        assert "containers(dev/busybox-nginx)[2]" in w.screen()
        assert "Running" in w.row("nginx") and "Running" in w.row("busybox")
        await w.cursor_to("busybox")
        await w.press("l")
        assert isinstance(w.app.screen, LogsScreen) and "Logs(dev/busybox-nginx:busybox)" in w.screen()
        assert len(log_lines(w)) == 3 and all(line.endswith("busybox is alive") for line in log_lines(w))
        await w.press("escape", "escape")

        # (`l` on the pod starts with the first container, `c` switches).
        await w.press("l")
        assert "Logs(dev/busybox-nginx:nginx)" in w.screen()
        assert w.flash() == 'Defaulted container "nginx" out of: nginx, busybox'
        await w.press("c")
        await w.pick("busybox")
        assert "Logs(dev/busybox-nginx:busybox)" in w.screen() and "busybox is alive" in log_lines(w)[0]
        await w.press("escape")

        # `d` describes a pod: node, IP, containers, conditions and the events of its start-up.
        await w.press("d")
        text = w.screen()
        for part in ("describe(dev/busybox-nginx)", "Node:             k9play-worker", "IP:               10.244.",
                     "Containers:"):
            assert part in text, part
        await w.press("end")
        text = w.screen()
        for part in ("Conditions:", "Events:", "Scheduled", "Pulling image \"busybox:1.36\"",
                     "Started container busybox"):
            assert part in text, part
        await w.press("escape")

        # `s` opens a shell in a container (the simulated one: ls, cat, echo, env …).
        await w.press("s")
        await w.pick("busybox")
        assert isinstance(w.app.screen, ShellScreen) and "Shell(dev/busybox-nginx:busybox)" in w.screen()
        await w.press(*"echo hello; cat /etc/hostname; env", "enter")
        text = w.screen()
        assert "│ hello" in text and "│ busybox-nginx" in text and "HOSTNAME=busybox-nginx" in text
        assert "KUBERNETES_SERVICE_HOST=10.96.0.1" in text, "the kubelet's Service variables"
        await w.press(*"exit", "enter")

        # Break it: `!` → crash on busybox-nginx, container busybox: RESTARTS becomes 1 and `p`
        # (on the busybox container) shows the logs of the instance that died; the pod stays.
        await w.press("exclamation_mark")
        await w.pick("crash CONTAINER…")
        await w.pick("busybox")
        assert w.flash() == 'container "busybox" of pod "busybox-nginx" crashed with exit code 1 (restartPolicy Always)'
        await w.wait(5)
        row = w.row("busybox-nginx").split()
        assert row[1:4] == ["2/2", "Running", "1"], row
        await w.press("enter")
        await w.cursor_to("busybox")
        await w.press("p")
        assert "Logs(dev/busybox-nginx:busybox)" in w.screen() and "Previous:On" in w.screen()
        died = log_lines(w)
        assert all(line.endswith("busybox is alive") for line in died[:3]), died
        assert died[3:] == ["k9play: fault injected: main process exited with code 1"]
        await w.press("escape", "escape")

        # `ctrl+k` (kill) or `ctrl+d` (delete) on nginx: a bare pod is gone for good — until
        # you save nginx-pod.yaml again.
        await w.cursor_to("nginx")
        await w.press("ctrl+k")
        await w.wait(3)
        assert w.row("nginx") == ""
        await w.wait(60)
        assert w.row("nginx") == "", "nothing brings a bare pod back"
        await w.save(POD_FILE)
        assert w.flash() == "pod/nginx created"
        await w.wait(10)
        assert "Running" in w.row("nginx")

        # Change the image to nginx:1.161, delete the pod and save: ErrImagePull, then
        # ImagePullBackOff, retried with a growing back-off.
        await w.cursor_to("nginx")
        await w.press("ctrl+d")
        assert isinstance(w.app.screen, DeleteDialog)
        await w.pilot.click("#ok")
        await w.wait(3)
        assert w.row("nginx") == ""
        await w.save(POD_FILE, "image: nginx:1.27.0", "image: nginx:1.161")
        assert w.flash() == "pod/nginx created"
        seen = []
        for _ in range(16):
            await w.wait(0.5)
            seen.append(w.row("nginx").split()[2])
        assert "ErrImagePull" in seen and seen[-1] == "ImagePullBackOff"
        assert seen.index("ErrImagePull") < seen.index("ImagePullBackOff")
        await w.wait(60)
        await w.cursor_to("nginx")
        await w.press("d")
        await w.press("end")
        pulls = next(line for line in w.screen().splitlines() if 'Pulling image "nginx:1.161"' in line)
        assert "(x3 over" in pulls, "tries at 0 s, then after 10 s and 20 s of back-off"

        # Saved without deleting, the running pod takes the new image in place: its container
        # restarts, and fails the same way.
        await w.press("escape")
        await w.save(POD_FILE, "image: nginx:1.161", "image: nginx:1.27.0")
        assert w.flash() == "pod/nginx configured"
        await w.wait(15)
        assert w.row("nginx").split()[1:3] == ["1/1", "Running"]
        await w.save(POD_FILE, "image: nginx:1.27.0", "image: nginx:1.161")
        assert w.flash() == "pod/nginx configured"
        await w.wait(10)
        assert w.row("nginx").split()[1:3] == ["0/1", "ImagePullBackOff"]
