"""``:kubectl …`` at the TUI prompt: output as a page, ``exec -it`` as the shell, ↑ recalls the line."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input

from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen, DetailScreen, PulsesScreen, XRayScreen
from k9play.tui.screens.logs import LogsScreen
from k9play.tui.screens.prompt import PromptScreen
from k9play.tui.screens.shell import ShellScreen
from k9play.tui.screens.text import TextScreen

from .helpers import nginx_deployment, screen_text

SIZE = (160, 30)
AppFactory = Callable[[], K9playApp]


async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


async def test_kubectl_lines_print_act_and_are_recalled(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "kubectl get deploy nginx -o wide")
        assert isinstance(app.screen, TextScreen)
        text = screen_text(app)
        assert "NAME    READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES         SELECTOR" in text
        assert "nginx   1/1     1            1           30s   nginx        nginx:1.14.2   app=nginx" in text
        await pilot.press("escape")
        await pilot.pause()
        await command(pilot, "kubectl run tmp --image=busybox --command -- sh -c 'echo a b'")
        assert "pod/tmp created" in screen_text(app)
        assert cluster.store.get("Pod", "tmp", "default")["spec"]["containers"][0]["command"] == [
            "sh", "-c", "echo a b"], "quotes keep an argument together"
        await pilot.press("escape")
        await pilot.pause()
        await command(pilot, "kubectl scale deploy nginx --replicas=3")
        assert "deployment.apps/nginx scaled" in screen_text(app)
        assert cluster.store.get("Deployment", "nginx", "default")["spec"]["replicas"] == 3
        await pilot.press("escape")
        await pilot.pause()
        await command(pilot, "kubectl get nope")
        assert 'error: the server doesn\'t have a resource type "nope"' in screen_text(app)
        await pilot.press("escape", "colon", "up")
        await pilot.pause()
        assert "kubectl get nope" in screen_text(app), "↑ recalls kubectl lines too"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)


async def test_kubectl_exec_it_opens_the_shell(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(30)
    pod = cluster.store.list("Pod", "default")[0]["metadata"]["name"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, f"kubectl exec -it {pod} -- /bin/sh")
        assert isinstance(app.screen, ShellScreen) and app.screen.pod == pod
        await pilot.press("escape")
        await pilot.pause()
        await command(pilot, f"kubectl exec {pod} -- hostname")
        assert isinstance(app.screen, TextScreen) and pod in screen_text(app)


async def test_colon_opens_the_prompt_from_pages_over_the_table(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for page in ("xray deploy", "pulses", "sources", "help"):
            await command(pilot, page)
            assert not isinstance(app.screen, BrowserScreen), page
            await command(pilot, "deploy")
            assert isinstance(app.screen, BrowserScreen), page
            assert " deployments(default)[1] " in screen_text(app)
            await command(pilot, "pods")
        await pilot.press("d")
        await pilot.pause()
        await command(pilot, "svc")
        assert isinstance(app.screen, BrowserScreen) and " services(default)[" in screen_text(app)


def prompt_text(app: K9playApp) -> str:
    """What the open prompt holds (the browser's own, or the one over a page)."""
    return app.screen.query_one(Input).value


async def test_tab_completes_kubectl_lines_as_kubectls_completion_does(cluster: Cluster,
                                                                     make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", *"kubectl ge", "tab")
        assert prompt_text(app) == "kubectl get", "the command"
        await pilot.press(*" deploy", "tab")
        assert prompt_text(app) == "kubectl get deployments.apps", "api-resources' name of the type"
        await pilot.press(*" n", "tab")
        assert prompt_text(app) == "kubectl get deployments.apps nginx", "names in the TUI's namespace"
        await pilot.press(*" -o w", "tab")
        assert prompt_text(app) == "kubectl get deployments.apps nginx -o wide"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        assert "nginx   1/1     1            1           30s   nginx        nginx:1.14.2   app=nginx" in \
            screen_text(app)
        await pilot.press("escape", "colon", *"kubectl get pods -n kube-s", "tab")
        assert prompt_text(app) == "kubectl get pods -n kube-system"
        await pilot.press(*" core", "tab", "enter")
        await pilot.pause()
        coredns = sorted(p["metadata"]["name"] for p in cluster.store.list("Pod", "kube-system")
                         if p["metadata"]["name"].startswith("coredns"))[0]
        assert f"{coredns}   1/1     Running" in screen_text(app), "-n on the line: its names"


async def test_escape_from_kubectl_output_returns_to_the_page_it_was_opened_over(
        cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        await pilot.press("d")
        await pilot.pause()
        describe = app.screen
        assert isinstance(describe, DetailScreen)
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "the prompt opens over the page"
        assert "Name:                   nginx" in screen_text(app), "the page stays visible below it"
        await pilot.press(*"kubectl get deploy ng", "tab")
        assert prompt_text(app) == "kubectl get deploy nginx", "completion over a page too"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen) and "nginx   1/1" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is describe, "back to the describe page, not the table"
        await pilot.press("colon", "escape")
        await pilot.pause()
        assert app.screen is describe, "esc in the prompt leaves the page as it was"
        await command(pilot, "kubectl nope")
        assert app.screen is not describe and isinstance(app.screen, TextScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is describe
        await pilot.press("colon", "up")
        assert prompt_text(app) == "kubectl nope", "↑ recalls lines over a page too"
        await pilot.press("escape")
        await pilot.pause()
        await command(pilot, "pods")
        assert isinstance(app.screen, BrowserScreen), "a view still starts a new page stack"
        assert len(app.screen_stack) == 1
        for page, kind in (("xray deploy", XRayScreen), ("pulses", PulsesScreen)):
            await command(pilot, page)
            assert isinstance(app.screen, kind)
            await command(pilot, "kubectl get deploy")
            assert isinstance(app.screen, TextScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, kind), page
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)


async def test_kubectl_over_a_logs_pane(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await command(pilot, "kubectl get pods")
        assert isinstance(app.screen, TextScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is logs


async def test_kubectl_alone_and_an_unknown_command_answer_as_kubectl(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 60)) as pilot:
        await command(pilot, "kubectl")
        assert isinstance(app.screen, TextScreen)
        text = screen_text(app)
        assert "kubectl controls the Kubernetes cluster manager." in text
        assert "  get             Display one or many resources" in text
        await pilot.press("escape")
        await pilot.pause()
        await command(pilot, "kubectl gte pods")
        assert isinstance(app.screen, TextScreen)
        text = screen_text(app)
        assert 'error: unknown command "gte" for "kubectl"' in text and "Did you mean this?" in text
        assert 'error: unknown command "gte" for "kubectl"' in app.flash_message.text, "and on the flash line"


def _budget(name: str, min_available: int) -> dict:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name},
            "spec": {"minAvailable": min_available, "selector": {"matchLabels": {"app": name}}}}


async def test_kubectl_drain_follows_the_drain_live(cluster: Cluster, make_app: AppFactory) -> None:
    """kubectl drain blocks until the node is empty (no --timeout: for ever): the page follows it
    while simulated time runs, through the budget's 429s, instead of timing out at once."""
    apply_object(cluster.store, nginx_deployment(replicas=3))
    apply_object(cluster.store, _budget("nginx", 2))
    cluster.advance_sync(30)
    pods = cluster.store.list("Pod", "default")
    node = max({p["spec"]["nodeName"] for p in pods},
               key=lambda n: sum(p["spec"]["nodeName"] == n for p in pods))  # the one with two
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, f"kubectl drain {node} --ignore-daemonsets")
        assert isinstance(app.screen, TextScreen)
        text = screen_text(app)
        assert f"node/{node} cordoned" in text
        assert "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget." in text
        assert "global timeout reached" not in text and f"node/{node} drained" not in text
        for _ in range(6):
            cluster.advance_sync(5)
            app.sync_screens()
            await pilot.pause()
        text = screen_text(app)
        assert f"node/{node} drained" in text and "global timeout reached" not in text
        assert app.flash_message.text == f"node/{node} drained"
        assert not [p for p in cluster.store.list("Pod", "default") if p["spec"].get("nodeName") == node]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await command(pilot, f"kubectl uncordon {node}")
        await pilot.press("escape")
        await pilot.pause()
        await command(pilot, f"kubectl drain {node}")  # kube-proxy is a DaemonSet pod
        assert "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)" in screen_text(app)
        assert app.flash_message.level == "error"
        assert app.flash_message.text.startswith(f'error: unable to drain node "{node}"'), "the error, not cordoned"
        await pilot.press("escape")
        await pilot.pause()
        await command(pilot, "kubectl drain nope")
        assert 'Error from server (NotFound): nodes "nope" not found' in screen_text(app), "kubectl's own errors"
