"""The demo loader refuses bad files with file:line, and a failing step stops the demo naming itself."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from k9play.demo.command import main
from k9play.demo.player import record
from k9play.demo.script import DemoError, find_demo, load_demo, parse_demo

GOOD = """\
description: A tiny demo
steps:
  - say: hello
  - advance: 2m
  - press: [colon, escape]
  - type: ":pods"
  - snapshot: first
"""


def test_a_good_demo_loads_with_lines() -> None:
    demo = parse_demo(GOOD, Path("tiny.yaml"))
    assert demo.name == "tiny" and demo.description == "A tiny demo"
    assert [(s.kind, s.value, s.line) for s in demo.steps] == [
        ("say", "hello", 3), ("advance", 120.0, 4), ("press", ["colon", "escape"], 5), ("type", ":pods", 6),
        ("snapshot", "first", 7)]


@pytest.mark.parametrize(("text", "message"), [
    ("description: x\nsteps:\n  - say: [unclosed\n", "bad.yaml:4:1: invalid YAML"),
    ("description: x\nsteps:\n  - say: hi\n  - dance: now\n", "bad.yaml:4: unknown step kind 'dance'"),
    ("description: x\nsteps:\n  - say: hi\n  - advance: soon\n", "bad.yaml:4: advance: expected a duration"),
    ("description: x\nsteps:\n  - say: hi\n    press: d\n", "bad.yaml:3: a step is a mapping with one key"),
    ("description: x\nsteps:\n  - expect: {txt: a}\n", "bad.yaml:3: expect: expected a mapping {text: …}"),
    ("description: x\nsteps:\n  - expect: {pattern: 'web ('}\n", "bad.yaml:3: expect: expected a mapping {text: …} "
     "or {pattern: REGEX}"),
    ("steps:\n  - say: hi\n", "bad.yaml:1: description: a one-line text is required"),
    ("description: x\n", "bad.yaml:1: steps: a list of steps is required"),
    ("description: x\nspeed: 3\nsteps: [say: hi]\n", "bad.yaml:2: unknown key 'speed'"),
    ("- just a list\n", "bad.yaml:1: a demo is a mapping"),
    ("description: x\nsteps:\n  - say: !!python/object:os.system x\n", "bad.yaml:3:10: invalid YAML"),
])
def test_bad_demo_files_are_refused_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(DemoError) as e:
        parse_demo(text, Path("bad.yaml"))
    assert str(e.value).startswith(message), str(e.value)


def test_a_failed_expect_stops_the_demo_naming_the_step(tmp_path: Path) -> None:
    path = tmp_path / "failing.yaml"
    path.write_text("description: fails\nsteps:\n  - say: look\n  - expect: {text: no such thing}\n"
                    "  - snapshot: never\n")
    with pytest.raises(DemoError) as e:
        asyncio.run(record(load_demo(path), tmp_path / "work"))
    assert str(e.value).startswith(f"{path}:4: expect: the screen does not show 'no such thing'")


def test_paths_may_not_leave_the_demo_folder(tmp_path: Path) -> None:
    path = tmp_path / "escape.yaml"
    path.write_text("description: escapes\nsteps:\n  - write: {path: ../x.yaml, content: ''}\n")
    with pytest.raises(DemoError, match=r"escape.yaml:3: \.\./x\.yaml is outside the demo's folder"):
        asyncio.run(record(load_demo(path), tmp_path / "work"))
    assert not (tmp_path / "work" / "x.yaml").exists()


def test_k9play_demo_lists_names_and_descriptions() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main([], out, err) == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    assert any(line.split()[0] == "rolling-update" and "Rolling update" in line for line in lines if line)
    assert "k9play demo NAME" in out.getvalue()


def test_an_unknown_demo_names_the_ones_there_are() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["nope"], out, err) == 1
    assert 'no demo named "nope" (demos: ' in err.getvalue() and "rolling-update" in err.getvalue()
    assert find_demo("rolling-update").name == "rolling-update.yaml"


def test_an_expect_pattern_matches_what_differs_from_run_to_run(tmp_path: Path) -> None:
    """Pod IPs and generated names are matched by a pattern; a miss names the pattern."""
    path = tmp_path / "pattern.yaml"
    path.write_text("description: p\nsteps:\n  - expect: {pattern: 'Speed: +manual'}\n"
                    "  - expect: {pattern: 'web-[0-9]+ +1/1'}\n")
    with pytest.raises(DemoError) as e:
        asyncio.run(record(load_demo(path), tmp_path / "work"))
    assert str(e.value).startswith(f"{path}:4: expect: the screen does not show a match of 'web-[0-9]+ +1/1'")
