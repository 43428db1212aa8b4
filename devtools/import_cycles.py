"""Files that import each other in a loop, function-level imports included.

    .venv/bin/python -m devtools.import_cycles        # exit 1 and list each loop, if any

import-linter keeps the packages' layers and sibling packages acyclic; this keeps single files
acyclic too. grimp reads every ``import`` statement of a file, wherever it stands, so an import
tucked into a function to hide a loop is still counted.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def packages() -> list[str]:
    """The root packages import-linter checks (pyproject.toml)."""
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["importlinter"]["root_packages"]


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, without recursion)."""
    modules = sorted(graph.modules)
    edges = {m: sorted(set(graph.find_modules_directly_imported_by(m)) & graph.modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in modules:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for position in range(child, len(edges[node])):
                target = edges[node][position]
                if target not in index:
                    work += [(node, position + 1), (target, 0)]
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return sorted(found)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    loops = cycles(grimp.build_graph(*packages()))
    for group in loops:
        print("import loop:", " <-> ".join(group))
    print(f"{len(loops)} import loop(s) among the files of {', '.join(packages())}")
    return 1 if loops else 0


if __name__ == "__main__":
    sys.exit(main())
