"""The README's promises: exactly two set-up commands first, and a sim transcript that is true."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

from k9play.cli import run_sim

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_starts_with_the_two_setup_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    before = README[:first_block.start()]
    assert before.strip() == "# k9play"  # nothing but the title comes before the two commands
    lines = [line for line in first_block.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].endswith(".venv/bin/k9play") and "pip install" in lines[0]
    assert lines[1].endswith(".venv/bin/pytest") and "'.[test]'" in lines[1]


def test_readme_sim_transcript_matches_k9play():
    block = re.search(r"```console\n\$ (k9play sim .*?)\n(.*?)```", README, re.S)
    assert block is not None
    argv = shlex.split(block.group(1))[2:]
    paths = [str(ROOT / a) for a in argv if not a.startswith("-") and argv[argv.index(a) - 1] != "-c"]
    commands = [argv[i + 1] for i, a in enumerate(argv) if a == "-c"]
    out, err = io.StringIO(), io.StringIO()
    code = run_sim(paths, 2, 0, commands, io.StringIO(), out, err)
    assert code == 0, err.getvalue()
    assert out.getvalue() == block.group(2)
