"""The chapter READMEs work as written: their ``k9play sim`` lines run clean, every ``:command``
they tell a person to type is one the TUI's prompt accepts, and every ``kubectl …`` they quote
runs (or fails exactly as the README says it does)."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from k9play.cli import SimShell, main
from k9play.cluster import Cluster
from k9play.manifests.sync import FolderSync
from k9play.tui.commands import CommandError, parse

ROOT = Path(__file__).resolve().parents[1]
READMES = sorted((ROOT / "sample-manifests").glob("*/README.md"))
SH_BLOCK = re.compile(r"```(?:sh|console)\n(.*?)```", re.S)
PROMPT = re.compile(r"`(:[a-z][^`\n]*)`")
KUBECTL = re.compile(r"`(kubectl [^`\n…]*)`")
#: quoted on purpose as what no longer works (the README says so next to it)
OUTDATED = {"kubectl run nginx --image=nginx --replicas=3"}


def sim_lines(readme: Path) -> list[str]:
    lines = []
    for block in SH_BLOCK.findall(readme.read_text()):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("k9play sim "):
                lines.append(line.strip())
    return lines


SIMS = [(r.parent.name, line) for r in READMES for line in sim_lines(r)]


def test_every_chapter_has_a_readme_with_a_sim_line() -> None:
    assert len(READMES) == 12
    assert {chapter for chapter, _ in SIMS} >= {r.parent.name for r in READMES} - {"01-namespaces"}


@pytest.mark.parametrize(("chapter", "line"), SIMS, ids=[f"{c}:{i}" for i, (c, _) in enumerate(SIMS)])
def test_readme_sim_lines_run_clean(chapter: str, line: str, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    code = main(shlex.split(line)[1:])
    out, err = capsys.readouterr()
    answered_no = "auth can-i" in line and out.splitlines()[-1] == "no"  # kubectl exits 1 for "no"
    assert code == 0 or answered_no, (line, err)
    assert "error" not in err.lower(), (line, err)
    assert out, line


@pytest.mark.parametrize("readme", READMES, ids=[r.parent.name for r in READMES])
def test_readme_prompt_commands_parse(readme: Path) -> None:
    for command in PROMPT.findall(readme.read_text()):
        parsed = parse(command)
        assert not isinstance(parsed, CommandError), (command, parsed)


def test_readme_kubectl_lines_run_on_the_samples() -> None:
    quoted = sorted({k for r in READMES for k in KUBECTL.findall(r.read_text())} - OUTDATED)
    cluster = Cluster().start()
    FolderSync(cluster.store, [ROOT / "sample-manifests"]).sync_all()
    cluster.advance_sync(60)
    out, err = io.StringIO(), io.StringIO()
    shell = SimShell(cluster, out, err)
    for line in quoted:
        if line.split()[:2] == ["kubectl", "run"] and len(line.split()) == 2:
            continue  # the command's name in prose, not a command
        before = err.tell()
        shell.run(line)
        said = err.getvalue()[before:]
        assert "unknown" not in said and "must specify" not in said, (line, said)
    shell.run("kubectl run nginx --image=nginx --replicas=3")
    assert "error: unknown flag: --replicas" in err.getvalue(), "as 04-deployments' README says"
