"""sample-manifests/01-namespaces/README.md, step by step in the TUI: its promises, checked."""

from __future__ import annotations

from pathlib import Path

from k9play.tui.screens.dialogs import DeleteDialog

from .walk import Walk

NS_FILE = "01-namespaces/namespaces.yaml"
PODS_FILE = "01-namespaces/hello-pods.yaml"


async def test_walk_01_namespaces(tmp_path: Path) -> None:
    async with Walk(tmp_path, "01-namespaces", size=(160, 40)) as w:
        assert w.app.namespace is None, "the files do not use default: every namespace"
        await w.wait(30)

        # Watch: `:ns` lists the namespaces; `enter` on `dev` shows its pods; `esc` goes back.
        await w.command("ns")
        assert "Active" in w.row("dev") and "Active" in w.row("test")
        await w.cursor_to("dev")
        await w.press("enter")
        assert "pods(dev)[1]" in w.screen() and "Running" in w.row("hello")
        await w.press("escape")
        assert "namespaces(all)[6]" in w.screen()

        # `:pods all` (or `:pods` then `0`) lists pods of every namespace — both `hello` pods.
        await w.command("pods all")
        assert [r.split()[0] for r in w.rows("hello")] == ["dev", "test"]
        await w.command("pods")
        assert "pods(all)" in w.screen()
        await w.command("pods dev")
        assert len(w.rows("hello")) == 1
        await w.press("0")
        assert "pods(all)" in w.screen() and len(w.rows("hello")) == 2

        # `u` on a namespace row makes it the current one; `:ns test` switches straight to it.
        await w.command("ns")
        await w.cursor_to("test")
        await w.press("u")
        assert w.flash() == "Namespace test is now active!" and w.app.namespace == "test"
        await w.command("pods all")
        await w.command("ns test")
        assert "pods(test)[1]" in w.screen() and w.app.namespace == "test"

        # `d` on a namespace shows its labels and status; `y` its YAML.
        await w.command("ns")
        await w.cursor_to("dev")
        await w.press("d")
        text = w.screen()
        assert "describe(dev)" in text and "Labels:       env=dev" in text and "Status:       Active" in text
        await w.press("escape", "y")
        assert "kind: Namespace" in w.screen() and "    env: dev" in w.screen()
        await w.press("escape")

        # Break it: delete `test` (`:ns`, select it, `ctrl+d`): it turns `Terminating`, its pod is
        # deleted first, then the namespace goes.
        await w.cursor_to("test")
        await w.press("ctrl+d")
        assert isinstance(w.app.screen, DeleteDialog) and "Delete namespaces test?" in w.screen()
        await w.pilot.click("#ok")
        await w.pilot.pause()
        await w.wait(1)
        assert "Terminating" in w.row("test")
        await w.wait(5)  # the namespace controller empties it after 5 s
        await w.command("pods all")
        assert len(w.rows("hello")) == 1, "test/hello is gone first"
        await w.command("ns")
        assert "Terminating" in w.row("test"), "the namespace lingers until the controller looks again"
        await w.wait(16)
        assert w.row("test") == "" and "namespaces(all)[5]" in w.screen()

        # Save namespaces.yaml and then hello-pods.yaml again to bring both back.
        await w.save(NS_FILE)
        assert w.flash() == "namespace/test created" and "Active" in w.row("test")
        await w.save(PODS_FILE)
        assert w.flash() == "pod/hello created", "dev/hello is unchanged, so not reported"
        await w.wait(20)
        await w.command("pods all")
        assert len(w.rows("hello")) == 2 and all("Running" in r for r in w.rows("hello"))

        # Delete namespaces.yaml's `dev` document and save: `dev` and everything in it go.
        original = w.path(NS_FILE).read_text()
        dev_doc = original[original.index("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev"):]
        dev_doc = dev_doc[:dev_doc.index("---\n") + 4]
        await w.save(NS_FILE, dev_doc, "")
        assert w.flash() == "namespace/dev deleted"
        await w.command("ns")
        assert "Terminating" in w.row("dev")
        await w.wait(25)
        assert w.row("dev") == ""
        await w.command("pods all")
        assert [r.split()[0] for r in w.rows("hello")] == ["test"]

        # Put it back and save: `dev` returns empty; saving a chapter's files re-creates what
        # they define (`:sources` lists every file and its state).
        w.path(NS_FILE).write_text(original)
        await w.save(NS_FILE)
        assert w.flash() == "namespace/dev created"
        await w.command("pods dev")
        assert "pods(dev)[0]" in w.screen()
        await w.save(PODS_FILE)
        assert w.flash() == "pod/hello created"
        await w.wait(20)
        assert "Running" in w.row("hello")
        await w.command("sources")
        files = [line for line in w.screen().splitlines() if "01-namespaces/" in line and " applied " in line]
        assert len(files) == 2 and "hello-pods.yaml" in files[0] and "namespaces.yaml" in files[1]
