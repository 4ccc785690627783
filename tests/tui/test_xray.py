"""XRay: the dependency tree model (pure) and the screen (pilot and SVG snapshot)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.commands import PulsesCommand, XRayCommand, parse
from k9play.tui.screens import BrowserScreen, DetailScreen, XRayScreen
from k9play.tui.viewmodels import xray as xray_model
from k9play.tui.viewmodels.status import RowStatus
from k9play.tui.viewmodels.xray import XRayModel, pod_leaves
from k9play.tui.widgets import ResourceTable
from k9play.tui.widgets.xray_tree import XRayTree

from .helpers import nginx_deployment, screen_text

SIZE = (120, 30)
AppFactory = Callable[[], K9playApp]
SnapCompare = Callable[..., bool]


def lines(model: XRayModel, now: float = 0.0) -> list[str]:
    return [f"{ln.guide}{ln.marker} {ln.tag} {ln.label}" for _, ln in model.iter_lines(now)]


def rolled_out(*manifests: Obj, seconds: float = 30) -> Cluster:
    cluster = Cluster().start()
    for m in manifests or (nginx_deployment(),):
        apply_object(cluster.store, m)
    cluster.advance_sync(seconds)
    return cluster


def pod_names(cluster: Cluster, ns: str = "default") -> list[str]:
    return [p["metadata"]["name"] for p in cluster.store.list("Pod", ns)]


# ------------------------------------------------------------------ grammar
@pytest.mark.parametrize(("text", "kind", "ns"), [
    ("xray dp", "Deployment", None), ("xray deploy", "Deployment", None), ("x po all", "Pod", "all"),
    ("xr svc kube-system", "Service", "kube-system"), ("xray sts", "StatefulSet", None),
    ("xray ds -n web", "DaemonSet", "web"), ("xray rs", "ReplicaSet", None), ("xray job", "Job", None),
    ("xray cj", "CronJob", None), (":xray pods", "Pod", None),
])
def test_xray_command(text: str, kind: str, ns: str | None) -> None:
    cmd = parse(text)
    assert isinstance(cmd, XRayCommand)
    assert cmd.rt.kind == kind and cmd.namespace == ns


@pytest.mark.parametrize("text", ["pulses", "pulse", "pu", "hz", ":pu"])
def test_pulses_command(text: str) -> None:
    assert parse(text) == PulsesCommand()


@pytest.mark.parametrize(("text", "message"), [
    ("xray", "usage: xray"), ("xray cm", "unsupported resource 'cm'"), ("xray nope", "unsupported"),
    ("xray dp a b", "too many arguments"), ("pulses a b", "too many arguments"),
])
def test_xray_command_errors(text: str, message: str) -> None:
    cmd = parse(text)
    assert not isinstance(cmd, XRayCommand | PulsesCommand)
    assert message in getattr(cmd, "message", "")


# -------------------------------------------------------------------- model
def test_deployment_tree_shape_and_status() -> None:
    cluster = rolled_out()
    model = XRayModel(cluster.store, "Deployment", "default")
    rs = cluster.store.list("ReplicaSet", "default")[0]["metadata"]["name"]
    pods = pod_names(cluster)
    assert lines(model, cluster.clock.now()) == [
        "▾ ns default",
        "└─▾ dp nginx [3/3]",
        f"  └─▾ rs {rs} [3/3]",
        f"    ├─▾ po {pods[0]} [1/1 Running]",
        "    │ ├── co nginx [nginx:1.14.2 Running]",
        "    │ └── sa default",
        f"    ├─▾ po {pods[1]} [1/1 Running]",
        "    │ ├── co nginx [nginx:1.14.2 Running]",
        "    │ └── sa default",
        f"    └─▾ po {pods[2]} [1/1 Running]",
        "      ├── co nginx [nginx:1.14.2 Running]",
        "      └── sa default",
    ]
    assert model.count == 1
    assert {ln.status for _, ln in model.iter_lines(cluster.clock.now())} == {RowStatus.NORMAL}


def test_pod_status_is_kubectls_and_coloured_like_the_table() -> None:
    cluster = Cluster().start()
    cluster.scheduler.stop()  # hold the pods Pending
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(1)
    model = XRayModel(cluster.store, "Deployment", "default")
    by_tag = {ln.tag: ln for _, ln in model.iter_lines(cluster.clock.now())}
    assert by_tag["po"].label.endswith("[0/1 Pending]") and by_tag["po"].status == RowStatus.PENDING
    # k9s' deployment colorer: desired ≠ available is the error colour
    assert by_tag["dp"].label == "nginx [0/1]" and by_tag["dp"].status == RowStatus.ERROR
    assert by_tag["co"].label == "nginx [nginx:1.14.2 Pending]" and by_tag["co"].status == RowStatus.PENDING
    cluster.scheduler.start()
    apply_object(cluster.store, nginx_deployment(replicas=1, image="nginx:1.161"))  # a tag that does not exist
    cluster.advance_sync(30)
    model.apply_pending(cluster.clock.now())
    bad = [ln for _, ln in model.iter_lines(cluster.clock.now()) if ln.tag == "po" and "nginx:1.161" not in ln.label]
    failing = [ln for _, ln in model.iter_lines(cluster.clock.now()) if "nginx:1.161" in ln.label]
    assert bad and failing
    assert any(reason in failing[0].label for reason in ("ErrImagePull", "ImagePullBackOff"))
    assert failing[0].status == RowStatus.ERROR


def test_referenced_objects_are_leaves_and_missing_ones_are_errors() -> None:
    cluster = Cluster().start()
    cluster.store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"},
                          "data": {"a": "1"}})
    pod = {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "app"},
        "spec": {
            "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"],
                            "envFrom": [{"configMapRef": {"name": "settings"}}],
                            "env": [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}]}],
            "initContainers": [{"name": "setup", "image": "busybox", "command": ["true"]}],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
                        {"name": "tls", "secret": {"secretName": "tls"}}],
        },
    }
    created = cluster.store.create(pod)
    assert sorted(pod_leaves(created).values()) == [
        ("ConfigMap", "settings"), ("Container", "main"), ("InitContainer", "setup"),
        ("PersistentVolumeClaim", "data"), ("Secret", "db"), ("Secret", "tls"), ("ServiceAccount", "default"),
    ], "the injected kube-api-access volume is not a reference"
    model = XRayModel(cluster.store, "Pod", "default")
    got = {ln.tag + " " + ln.label: ln.status for _, ln in model.iter_lines(0)}
    assert got["cm settings"] == RowStatus.NORMAL
    assert got["sec db [missing]"] == RowStatus.ERROR
    assert got["pvc data [missing]"] == RowStatus.ERROR
    assert lines(model)[2:5] == ["  ├── init setup [busybox Pending]", "  ├── co main [busybox Pending]",
                                 "  ├── cm settings"], "init containers, then containers, then references"


def test_rollout_is_live_and_keeps_expansion() -> None:
    cluster = rolled_out()
    model = XRayModel(cluster.store, "Deployment", "default")
    first = pod_names(cluster)[0]
    pod_id = model.find("Pod", "default", first)
    assert pod_id is not None and model.toggle(pod_id)
    assert len(model) == 12 - 2, "the pod's two leaves are hidden"
    apply_object(cluster.store, nginx_deployment(image="nginx:1.15"))
    cluster.advance_sync(2)
    delta = model.apply_pending(cluster.clock.now())
    assert delta.structural and ("Deployment", "default", "nginx") in delta.objects
    assert [ln.split()[1] for ln in lines(model) if " rs " in ln].count("rs") == 2, "old and new ReplicaSet"
    assert model.is_collapsed(pod_id) and model.index_of(pod_id) is not None, "still collapsed, still shown"
    cluster.advance_sync(120)
    model.apply_pending(cluster.clock.now())
    assert model.node(pod_id) is None, "the old pod is gone"
    assert all("1.14.2" not in ln for ln in lines(model))
    assert sum(" po " in ln for ln in lines(model)) == 3
    assert any(ln.endswith("[0/0]") for ln in lines(model)), "the old ReplicaSet scaled to zero"


@pytest.mark.parametrize("bulk", [0, 10**9], ids=["always-resort", "always-bisect"])
def test_incremental_folds_equal_a_fresh_build(bulk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folding many small batches, by bisection or by re-sorting, gives exactly the tree a new model builds."""
    monkeypatch.setattr(xray_model, "BULK", bulk)
    cluster = Cluster().start()
    live = XRayModel(cluster.store, "Deployment", None)
    apply_object(cluster.store, nginx_deployment(replicas=4))
    apply_object(cluster.store, nginx_deployment(name="api", replicas=2))
    live.apply_pending(cluster.clock.now())
    for step in range(40):
        cluster.advance_sync(0.5)
        if step == 10:
            apply_object(cluster.store, nginx_deployment(replicas=4, image="nginx:1.15"))
        if step == 20:
            cluster.store.delete("Deployment", "api", "default")
        live.apply_pending(cluster.clock.now())
    monkeypatch.undo()
    fresh = XRayModel(cluster.store, "Deployment", None)
    now = cluster.clock.now()
    assert lines(live, now) == lines(fresh, now)
    assert live.paths == fresh.paths and live.visible == fresh.visible
    assert not any("api" in ln for ln in lines(fresh, now))


def test_collapse_all_and_expand_one_by_one() -> None:
    cluster = rolled_out()
    model = XRayModel(cluster.store, "Deployment", "default")
    model.toggle_all()
    assert lines(model) == ["▸ ns default"]
    for _ in range(3):  # ns, then dp, then rs
        model.toggle(model.visible[-1])
    assert [ln.split()[1] for ln in lines(model)] == ["ns", "dp", "rs", "po", "po", "po"]
    assert all("▸ po" in ln for ln in lines(model)[3:]), "the pods are still collapsed"
    model.toggle_all()
    assert len(model) == 12


def test_service_tree_follows_selectors() -> None:
    cluster = rolled_out()
    cluster.store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                          "spec": {"selector": {"app": "nginx"}, "ports": [{"port": 80}]}})
    model = XRayModel(cluster.store, "Service", "default")
    text = lines(model)
    assert text[1].startswith("├── svc kubernetes [ClusterIP"), "no selector: no pods"
    assert text[2].startswith("└─▾ svc web [ClusterIP")
    assert sum(" po " in ln for ln in text) == 3
    name = pod_names(cluster)[0]
    cluster.store.patch("Pod", name, "default", {"metadata": {"labels": {"app": "other"}}})
    model.apply_pending(cluster.clock.now())
    assert sum(" po " in ln for ln in lines(model)) == 2 and not any(name in ln for ln in lines(model))
    cluster.store.patch("Service", "web", "default", {"spec": {"selector": {"app": "other"}}})
    model.apply_pending(cluster.clock.now())
    assert [ln for ln in lines(model) if " po " in ln] == [f"  └─▾ po {name} [1/1 Running]"]


def test_cronjob_tree_goes_through_jobs() -> None:
    cluster = Cluster().start()
    cluster.store.create({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "tick"},
        "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox", "command": ["true"]}]}}}}},
    })
    model = XRayModel(cluster.store, "CronJob", "default")
    cluster.advance_sync(65)
    model.apply_pending(cluster.clock.now())
    tags = [ln.split()[1] for ln in lines(model, cluster.clock.now())]
    assert tags[:4] == ["ns", "cj", "job", "po"], tags


DAEMONSET: Obj = {
    "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
    "spec": {"selector": {"matchLabels": {"app": "agent"}},
             "template": {"metadata": {"labels": {"app": "agent"}},
                          "spec": {"containers": [{"name": "agent", "image": "busybox", "command": ["sleep", "1d"]}]}}},
}
JOB: Obj = {
    "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"},
    "spec": {"template": {"spec": {"restartPolicy": "Never",
                                   "containers": [{"name": "c", "image": "busybox", "command": ["true"]}]}}},
}


@pytest.mark.parametrize(("root", "manifest", "tags"), [
    ("DaemonSet", DAEMONSET, ["ns", "ds", "po", "co", "sa", "po", "co", "sa"]),  # one pod per worker
    ("Job", JOB, ["ns", "job", "po", "co", "sa"]),
    ("ReplicaSet", nginx_deployment(replicas=1), ["ns", "rs", "po", "co", "sa"]),
    ("Pod", nginx_deployment(replicas=1), ["ns", "po", "co", "sa"]),
])
def test_each_root_kind_has_its_chain(root: str, manifest: Obj, tags: list[str]) -> None:
    cluster = rolled_out(manifest)
    model = XRayModel(cluster.store, root, "default")
    assert [ln.tag for _, ln in model.iter_lines(cluster.clock.now())] == tags
    assert model.count == 1


def test_statefulset_pods_show_their_claims() -> None:
    cluster = Cluster().start()
    cluster.store.create({
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
        "spec": {"replicas": 1, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                 "template": {"metadata": {"labels": {"app": "db"}},
                              "spec": {"containers": [{"name": "db", "image": "redis"}]}},
                 "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                     "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]},
    })
    cluster.advance_sync(30)
    model = XRayModel(cluster.store, "StatefulSet", "default")
    text = lines(model, cluster.clock.now())
    assert text[1] == "└─▾ sts db [1/1]"
    assert text[-1] == "    └── pvc data-db-0 [Bound]", "the claim its template made, bound"


# ------------------------------------------------------------------- screen
async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


def tree_lines(app: K9playApp) -> list[str]:
    out = []
    for line in screen_text(app).splitlines()[5:]:
        if line.startswith("╰"):
            break
        out.append(line.strip("│ ").rstrip())
    return [ln for ln in out if ln]


async def test_xray_screen_keys(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "xray dp")
        assert isinstance(app.screen, XRayScreen)
        text = screen_text(app)
        assert " xray-deployments(default)[1] " in text and "<space> Expand/Collapse" in text
        assert len(tree_lines(app)) == 12
        await pilot.press("down", "down", "down", "space")  # the first pod
        await pilot.pause()
        assert len(tree_lines(app)) == 10 and tree_lines(app)[3].startswith("├─▸ po nginx-")
        await pilot.press("x")
        await pilot.pause()
        assert tree_lines(app) == ["▸ ns default"]
        tree = app.screen.query_one(XRayTree)
        assert tree.cursor_index == 0, "the cursor's pod is hidden: it moves up to the namespace"
        await pilot.press("x", "down", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        pod = pod_names(cluster)[0]
        assert f"describe(default/{pod})" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, XRayScreen)
        await pilot.press("down", "y")  # the pod's container: YAML of its pod
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and f"yaml(default/{pod})" in screen_text(app)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert isinstance(app.focused, ResourceTable)


async def test_xray_cursor_stays_on_its_node_while_the_tree_changes(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(name="web"))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "xray deploy")
        await pilot.press(*["down"] * 6)
        await pilot.pause()
        tree = app.screen.query_one(XRayTree)
        node = tree.cursor_id
        assert node is not None and tree_lines(app)[6].startswith("├─▾ po web-")
        apply_object(cluster.store, nginx_deployment(name="api", replicas=2))  # sorts above "web"
        cluster.advance_sync(10)
        await pilot.pause()
        assert " xray-deployments(default)[2] " in screen_text(app)
        assert tree.cursor_id == node and tree.cursor_index == 6 + 2 + 2 * 3
        assert tree_lines(app)[1].startswith("├─▾ dp api [2/2]")
        cluster.store.delete("Deployment", "api", "default")
        cluster.advance_sync(60)
        await pilot.pause()
        assert tree.cursor_id == node and tree.cursor_index == 6
        assert " xray-deployments(default)[1] " in screen_text(app)


async def test_xray_namespace_argument_and_errors(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "xray cm")
        assert isinstance(app.screen, BrowserScreen) and "unsupported resource 'cm'" in screen_text(app)
        await command(pilot, "xray dp nowhere")
        assert isinstance(app.screen, BrowserScreen) and 'namespace "nowhere" not found' in screen_text(app)
        await command(pilot, "x po all")
        text = screen_text(app)
        assert " xray-pods(all)[12] " in text and "Namespace: all" in text  # with kube-system's 9
        await pilot.press("escape")
        await pilot.pause()
        assert " pods(all)[12] " in screen_text(app), "the browser moved to the namespace too"
        await command(pilot, "xr svc kube-system")
        assert " xray-services(kube-system)[1] " in screen_text(app)  # kube-dns


async def test_xray_lines_are_coloured_by_status(cluster: Cluster, make_app: AppFactory) -> None:
    cluster.scheduler.stop()
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "xray dp")
        tree = app.screen.query_one(XRayTree)

        def colour(y: int) -> str:
            seg = [s for s in tree.render_line(y) if s.text.strip()][-1]
            assert seg.style is not None and seg.style.color is not None and seg.style.color.triplet is not None
            return seg.style.color.triplet.hex

        error, pending, normal = "#ff4500", "#ff8c00", "#87cefa"
        assert [colour(y) for y in (1, 3, 4, 5)] == [error, pending, pending, normal], "dp, po, co; sa"
        cluster.scheduler.start()
        cluster.advance_sync(10)
        await pilot.pause()
        assert [colour(y) for y in (1, 3, 4)] == [normal] * 3


def test_snapshot_xray_deployment_one_pod_expanded(snap_compare: SnapCompare) -> None:
    cluster = rolled_out()
    app = K9playApp(cluster, realtime=False)

    async def run_before(pilot: Pilot[None]) -> None:
        await command(pilot, "xray dp")
        await pilot.press("x", "space", "down", "space", "down", "space", "down", "space")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
