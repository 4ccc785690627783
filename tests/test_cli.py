"""``k9play sim``: the headless shell used by people and by these tests."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
import yaml

from k9play.cli import main, parse_duration, run_sim
from tests.helpers import CORPUS, deployment, new_cluster


def sim(paths, *commands, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    code = run_sim([str(p) for p in paths], 2, 0, list(commands) if commands else None, io.StringIO(stdin), out, err)
    return code, out.getvalue(), err.getvalue()


def test_durations():
    assert parse_duration("35s") == 35 and parse_duration("2m") == 120 and parse_duration("1h30m") == 5400
    assert parse_duration("500ms") == 0.5 and parse_duration("7") == 7
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_sim_rollout_transcript(tmp_path):
    f = tmp_path / "web.yaml"
    f.write_text(yaml.safe_dump(deployment()))
    code, out, err = sim([f], "echo -- t=0", "kubectl get deploy", "advance 60s", "echo -- t=60",
                         "kubectl get deploy")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "-- t=0",
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE",
        "web    0/3     3            0           0s",
        "-- t=60",
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE",
        "web    3/3     3            3           60s",
    ]


def test_sim_reads_stdin_and_fails_with_kubectl_text(tmp_path):
    code, out, err = sim([], stdin="kubectl get pods nope\nadvance 1m\nkubectl get nodes\n")
    assert code == 1
    assert err == 'Error from server (NotFound): pods "nope" not found\n'
    assert out.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert "k9play-control-plane   Ready    control-plane   90s" in out


def test_sim_delete_waits_for_graceful_termination(tmp_path):
    f = tmp_path / "web.yaml"
    f.write_text(yaml.safe_dump(deployment(replicas=1)))
    code, out, _err = sim([f], "advance 30s", "kubectl delete pods --all", "kubectl get pods")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith('pod "web-') and lines[0].endswith('" deleted from default namespace')
    # the replacement pod was created while the old one terminated
    assert lines[1].split()[:3] == ["NAME", "READY", "STATUS"] and len(lines) == 3


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is absent")
def test_acceptance_nginx_deployment_from_the_docs():
    path = CORPUS / "k8s-docs-examples" / "controllers" / "nginx-deployment.yaml"
    code, out, err = sim([path], "advance 60s", "kubectl get deploy,rs,pods -o wide")
    assert code == 0, err
    blocks = out.split("\n\n")
    assert blocks[0].splitlines()[1].split()[:4] == ["deployment.apps/nginx-deployment", "3/3", "3", "3"]
    pods = blocks[2].splitlines()[1:]
    assert len(pods) == 3
    for line in pods:
        cols = line.split()
        assert cols[2] == "Running" and cols[6] in ("k9play-worker", "k9play-worker2")


def test_console_script_entry_point(tmp_path):
    r = subprocess.run([sys.executable, "-m", "k9play", "sim", "-c", "kubectl get ns default"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1].split()[:2] == ["default", "Active"]


def test_main_rejects_bad_advance():
    assert main(["sim", "-c", "advance soon"]) == 1


def test_init_copies_the_samples_and_never_overwrites(tmp_path, capsys):
    from k9play.cli import bundled_samples, main

    target = tmp_path / "play"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    samples = sorted(p.relative_to(bundled_samples()) for p in bundled_samples().rglob("*") if p.is_file())
    assert samples and sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file()) == samples
    assert f"next: k9play {target}" in out
    # the copy is a folder k9play can run
    assert main(["sim", str(target), "-c", "advance 60s", "-c", "kubectl get deploy -A"]) == 0
    assert "web" in capsys.readouterr().out
    edited = target / samples[0]
    edited.write_text("# mine\n")
    assert main(["init", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert edited.read_text() == "# mine\n"


def test_the_tui_opens_where_the_files_put_their_pods(tmp_path, monkeypatch):
    """Without -n/-A: default if the files use it (k9s' start namespace), else every namespace."""
    from k9play import cli
    from k9play.cli import bundled_samples, first_namespace
    from k9play.manifests.sync import FolderSync

    c = new_cluster()
    samples = FolderSync(c.store, [bundled_samples()])
    samples.sync_all()
    assert first_namespace(samples) is None, "the samples live in dev, controllers, …"
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(deployment()))
    mine = FolderSync(new_cluster().store, [tmp_path])
    mine.sync_all()
    assert first_namespace(mine) == "default"
    seen: dict = {}
    monkeypatch.setattr(cli, "run_tui", lambda *args, **kwargs: seen.update(kwargs) or 0)
    assert main(["-A", str(tmp_path)]) == 0 and seen["all_namespaces"] is True
    assert main(["-n", "dev"]) == 0 and seen["namespace"] == "dev"
