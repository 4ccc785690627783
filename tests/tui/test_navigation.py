"""Pages, drill-downs, crumbs, command history and favourite namespaces."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from k9play.api.resources import by_kind
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen, DetailScreen
from k9play.tui.viewmodels.navigation import Favourites, History, drill_down
from k9play.tui.widgets import ResourceTable
from k9play.tui.widgets.crumbs import Crumbs

from .helpers import nginx_deployment, screen_text

SIZE = (120, 30)
AppFactory = Callable[[], K9playApp]


async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


def browser(app: K9playApp) -> BrowserScreen:
    assert isinstance(app.screen, BrowserScreen)
    return app.screen


def cursor(app: K9playApp) -> tuple[str, str] | None:
    return app.screen.query_one(ResourceTable).cursor_key


def crumbs(app: K9playApp) -> str:
    return screen_text(app).splitlines()[-2].strip()


def header_menu(app: K9playApp) -> str:
    return "\n".join(screen_text(app).splitlines()[:4])


# ------------------------------------------------------------------ unit rules
def test_history_back_forward_and_truncation() -> None:
    h = History(limit=3)
    for line in ("pods", "deploy", "deploy", "svc"):
        h.push(line)
    assert h.commands == ["pods", "deploy", "svc"]
    assert h.back() == "deploy" and h.back() == "pods" and h.back() is None
    assert h.forward() == "deploy"
    h.push("nodes")  # going somewhere new drops the forward part
    assert h.commands == ["pods", "deploy", "nodes"] and h.forward() is None
    h.push("ns")
    assert h.commands == ["deploy", "nodes", "ns"], "at most `limit` entries"
    assert h.recent() == ["ns", "nodes", "deploy"]


def test_favourites_follow_k9s() -> None:
    f = Favourites()
    for ns in ("a", "b", "default", "a"):
        f.add(ns)
    assert f.names == ["b", "a", "default"], "new ones first; a known one stays where it is"
    for i in range(20):
        f.add(f"ns{i}")
    assert len(f.names) == 9 and f.names[0] == "ns19"
    assert f.menu()[:2] == [("0", "all"), ("1", "ns19")]
    assert f.at(0) is None and f.at(1) == "ns19"


def test_drill_down_targets(cluster: Cluster) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    store = cluster.store
    dp = store.get("Deployment", "nginx", "default")
    target = drill_down(by_kind("Deployment"), dp)
    assert not isinstance(target, str) and target is not None and target.scope is not None
    assert (target.rt.kind, target.namespace, target.scope.label) == ("Pod", "default", "app=nginx")
    rs = store.list("ReplicaSet", "default")[0]
    assert getattr(drill_down(by_kind("ReplicaSet"), rs), "scope", None) is not None
    node = store.list("Node")[1]
    target = drill_down(by_kind("Node"), node)
    assert target is not None and not isinstance(target, str) and target.namespace is None
    assert target.scope is not None and target.scope.node == node["metadata"]["name"]
    pod = store.list("Pod", "default")[0]
    target = drill_down(by_kind("Pod"), pod)
    assert target is not None and not isinstance(target, str) and target.view == "containers"
    assert drill_down(by_kind("ConfigMap"), store.list("ConfigMap", "default")[0]) is None, "describe"
    svc = store.get("Service", "kubernetes", "default")
    assert isinstance(drill_down(by_kind("Service"), svc), str), "no selector: an error to flash"


# ------------------------------------------------------------------ pilot tests
async def test_drill_down_and_back_restore_the_page(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(name="api", replicas=2))
    apply_object(cluster.store, nginx_deployment(name="web", replicas=3))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "dp")
        await pilot.press("down")  # web
        assert cursor(app) == ("default", "web")
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert " pods(default)[3] </app=web> " in text
        assert crumbs(app) == "<deployments>   <pods>"
        await pilot.press("slash", *"zzz", "enter")
        await pilot.pause()
        assert " pods(default)[0] </zzz> " in screen_text(app)
        await pilot.press("escape")  # first esc: the filter goes
        await pilot.pause()
        assert " pods(default)[3] </app=web> " in screen_text(app)
        await pilot.press("end", "enter")
        await pilot.pause()
        pod = browser(app).state.pod
        assert pod is not None and " containers(default/" in screen_text(app)
        assert crumbs(app) == "<deployments>   <pods>   <containers>"
        assert browser(app).selected_keys() == [pod], "verbs act on the pod"
        assert browser(app).selected_container() == (pod, "nginx")
        await pilot.press("escape")
        await pilot.pause()
        assert cursor(app) == pod, "back on the pod it came from"
        await pilot.press("escape")
        await pilot.pause()
        assert " deployments(default)[2] " in screen_text(app) and cursor(app) == ("default", "web")
        assert crumbs(app) == "<deployments>"
        await pilot.press("escape")  # nothing left to go back to: harmless
        await pilot.pause()
        assert " deployments(default)[2] " in screen_text(app)


async def test_click_on_a_crumb_goes_back_to_it(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert crumbs(app) == "<deployments>   <pods>   <containers>"
        await pilot.click(Crumbs, offset=(3, 0))  # on "<deployments>"
        await pilot.pause()
        assert crumbs(app) == "<deployments>" and " deployments(default)[1] " in screen_text(app)


async def test_enter_opens_each_kind_as_k9s_does(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    apply_object(cluster.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                                 "spec": {"selector": {"app": "nginx"}, "ports": [{"port": 80}]}})
    apply_object(cluster.store, {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "tick"},
                                 "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                                     "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}}})
    cluster.advance_sync(150)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for cmd, title in [("svc", " pods(default)[3] </app=nginx> "),
                           ("rs", " pods(default)[3] </app=nginx,pod-template-hash="),
                           ("cj", " jobs(default)[2] </cronjob=tick> ")]:
            await command(pilot, cmd)
            if cmd == "svc":
                await pilot.press("end")  # "web", after "kubernetes"
            await pilot.press("enter")
            await pilot.pause()
            assert title in screen_text(app), cmd
        await command(pilot, "no")
        await pilot.press("down", "enter")  # the first worker
        await pilot.pause()
        assert " pods(all)[" in screen_text(app) and "</node=k9play-worker> " in screen_text(app)
        await command(pilot, "cm")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen), "no drill-down: describe"


async def test_namespaces_enter_use_and_favourites(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "<0> all" in header_menu(app) and "<1> default" in header_menu(app)
        await command(pilot, "ns")
        assert "<0> all" not in header_menu(app), "no namespace keys on a cluster-scoped view"
        assert "<u> Use" in header_menu(app)
        await pilot.press("end", "u")  # kube-system
        await pilot.pause()
        assert app.namespace == "kube-system" and "Namespace kube-system is now active!" in screen_text(app)
        assert " namespaces(all)[4] " in screen_text(app), "u stays on the namespaces"
        await pilot.press("home", "enter")  # default → its pods
        await pilot.pause()
        assert app.namespace == "default" and " pods(default)[3] " in screen_text(app)
        assert crumbs(app) == "<namespaces>   <pods>"
        menu = header_menu(app)
        assert "<1> kube-system" in menu and "<2> default" in menu
        await pilot.press("1")
        await pilot.pause()
        assert " pods(kube-system)[9] " in screen_text(app), "the control plane, CoreDNS, kube-proxy"
        await pilot.press("0")
        await pilot.pause()
        text = screen_text(app)
        assert " pods(all)[12] " in text and "NAMESPACE↑" in text
        await pilot.press("9")  # unassigned: nothing happens
        await pilot.pause()
        assert " pods(all)[12] " in screen_text(app)


async def test_history_keys(cluster: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for cmd in ("deploy", "svc", "no"):
            await command(pilot, cmd)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert " services(default)[1] " in screen_text(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert " pods(default)[0] " in screen_text(app)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "Can't go back any further" in screen_text(app)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert " deployments(default)[0] " in screen_text(app)
        await command(pilot, "ev")
        await pilot.press("minus")
        await pilot.pause()
        assert " deployments(default)[0] " in screen_text(app), "- goes to the view before"
        await pilot.press("minus")
        await pilot.pause()
        assert " events(default)[" in screen_text(app), "and back again, like cd -"
        await pilot.press("colon", "up")  # the prompt recalls the last command
        await pilot.pause()
        assert "ev" in screen_text(app).splitlines()[-4]
