"""No file imports another that imports it back, however deep the import hides."""
from __future__ import annotations

import sys
import textwrap

import grimp

from devtools.import_cycles import cycles, packages


def test_a_loop_hidden_in_a_function_level_import_is_found(tmp_path, monkeypatch):
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "registry.py").write_text("from loopy.views import blueprint\n")
    (package / "views.py").write_text(textwrap.dedent("""
        blueprint = object()

        def handler():
            from loopy.registry import blueprint as again  # the import that hides the loop
            return again
    """))
    (package / "a.py").write_text("import loopy.b\n")
    (package / "b.py").write_text("import loopy.c\n")
    (package / "c.py").write_text("def f():\n    import loopy.a\n")
    (package / "leaf.py").write_text("import loopy.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("loopy", cache_dir=None)
    assert cycles(graph) == [["loopy.a", "loopy.b", "loopy.c"], ["loopy.registry", "loopy.views"]]
    sys.modules.pop("loopy", None)


def test_the_product_has_no_import_loops():
    assert cycles(grimp.build_graph(*packages(), cache_dir=None)) == []
