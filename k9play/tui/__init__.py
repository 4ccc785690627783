"""The Textual face: a k9s-like browser over the simulated cluster.

Layout (Posting/Toolong style):

* ``app.py`` — ``K9playApp``: owns the cluster, the pump from store events to screens, the
  flash line state and the real-time workers (clock driver, manifest watcher).
* ``screens/`` — ``BrowserScreen`` (root: the page stack of tables, the prompt, crumbs;
  ``table_keys.py`` filter/sort/wide/marks, ``resource_actions.py`` the verbs),
  ``DetailScreen`` (live describe/YAML, pushed), ``HelpScreen``.
* ``widgets/`` — one widget per module; ``ResourceTable`` is the Line-API virtual table.
* ``viewmodels/`` — Textual-free state: sorted, filtered, batched rows (``table.py``), their
  sources and k9s status classes, and ``navigation.py`` (pages, drill-downs, history).
* ``commands.py`` — the prompt grammar; ``keymap.py`` — the user's key remaps, checked;
  ``k9play.tcss`` — layout and the k9s stock skin.

The engine never imports this package; this package only reads the engine's public API.
"""
