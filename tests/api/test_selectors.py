import pytest
from hypothesis import given
from hypothesis import strategies as st

from k9play.api.selectors import (
    SelectorError,
    format_label_selector,
    parse_label_selector,
    selector_from_spec,
)

LABELS = {"app": "web", "tier": "front", "ver": "3"}


@pytest.mark.parametrize(("text", "expected"), [
    ("", True), ("app=web", True), ("app==web", True), ("app!=web", False), ("missing!=x", True),
    ("app in (web,api)", True), ("app notin (web)", False), ("missing notin (x)", True),
    ("app", True), ("!app", False), ("!missing", True), ("app=web,tier=back", False),
    ("ver>2", True), ("ver<3", False), ("app=web, tier in (front)", True),
])
def test_parse_and_match(text, expected):
    assert parse_label_selector(text).matches(LABELS) is expected


@pytest.mark.parametrize("text", ["app=", "=x", "app in web", "app in (", "a,", "bad key!=x", "ver>x"])
def test_bad_selectors_raise(text):
    if text == "app=":
        assert parse_label_selector(text).matches({"app": ""})
        return
    with pytest.raises(SelectorError):
        parse_label_selector(text)


def test_structured_selectors():
    spec = {"matchLabels": {"app": "web"}, "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["front", "edge"]},
        {"key": "legacy", "operator": "DoesNotExist"}]}
    sel = selector_from_spec(spec)
    assert sel.matches(LABELS)
    assert not sel.matches({**LABELS, "legacy": "1"})
    assert str(sel) == "app=web,tier in (edge,front),!legacy"
    assert format_label_selector({"matchLabels": {"app": "nginx"}}) == "app=nginx"
    assert selector_from_spec(None).matches({}) is False
    assert selector_from_spec({}).matches({"anything": "x"}) is True


_key = st.from_regex(r"[a-z]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_val = st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)


@given(st.dictionaries(_key, _val, max_size=4), st.dictionaries(_key, _val, max_size=4))
def test_equality_selector_round_trips_through_its_string(required, labels):
    sel = selector_from_spec({"matchLabels": required})
    again = parse_label_selector(str(sel))
    assert again.matches(labels) == sel.matches(labels) == all(labels.get(k) == v for k, v in required.items())
