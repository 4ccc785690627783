"""Shared test setup: engine errors logged during a test fail that test; the pilot checks for idle finely."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from textual import _wait as textual_wait


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def engine_errors_fail_the_test() -> Iterator[None]:
    """A reconcile that raises is retried by the work queue and logged; in tests it is a bug."""
    collector = _Collector()
    logger = logging.getLogger("k9play")
    logger.addHandler(collector)
    try:
        yield
    finally:
        logger.removeHandler(collector)
    if collector.records:
        first = collector.records[0]
        trace = logging.Formatter().formatException(first.exc_info) if first.exc_info else ""
        pytest.fail(f"engine logged an error: {first.getMessage()}\n{trace}")


@pytest.fixture(autouse=True)
def _fine_idle_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pilot waits for an idle process after every key, looking in 20 ms slices (at least
    three per key): on the manual clock the app is idle within a millisecond or two, so look in
    2 ms slices — the same test (no CPU work in a slice), a tenth of the waiting."""
    monkeypatch.setattr(textual_wait, "SLEEP_GRANULARITY", 0.002)
    monkeypatch.setattr(textual_wait, "SLEEP_IDLE", 0.0002)
