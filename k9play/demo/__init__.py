"""Demos: scripted scenarios (``demos/*.yaml``) that drive the real TUI with captions.

``script`` loads and checks a demo file; ``player`` plays it against a running
:class:`~k9play.tui.app.K9playApp`. Demos sit at the face layer: they use the TUI and
kubectl, and nothing below them imports this package.
"""
