"""The Textual face: a k9s-like browser over the simulated cluster.

Layout (Posting/Toolong style):

* ``app.py`` — ``K9playApp``: owns the cluster, the pump from store events to screens, the
  flash line state and the real-time workers (clock driver, manifest watcher).
* ``screens/`` — ``BrowserScreen`` (root: resource table + ``:`` prompt), ``DetailScreen``
  (live describe/YAML, pushed), ``HelpScreen``.
* ``widgets/`` — one widget per module; ``ResourceTable`` is the Line-API virtual table.
* ``viewmodels/`` — Textual-free state: sorted, batched rows and their k9s status classes.
* ``commands.py`` — the prompt grammar; ``k9play.tcss`` — layout and the k9s stock skin.

The engine never imports this package; this package only reads the engine's public API.
"""
