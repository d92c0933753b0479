"""The package's own imports: no cycle, the core never imports the book layer, imports at module top.

Read from the source with ``ast`` (every import, also one inside a function), so
that a hidden import cannot slip a cycle past the test. An import inside a
function is allowed only where the delay is deliberate and a comment, on the line
above or at the end of the line, says why.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, modules: set[str]) -> set[str]:
    """The package's modules that a module imports (``from rtchx.core import audit`` names rtchx.core.audit)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rtchx"):
            names = {f"{node.module}.{alias.name}" for alias in node.names}
            found |= (names & modules) or ({node.module} & modules)
    return found


def graph(root: Path = SRC) -> dict[str, set[str]]:
    paths = sorted((root / "rtchx").rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imported(ast.parse(p.read_text()), modules) - {module_name(p)} for p in paths}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that ends where it starts, or None (depth-first search)."""
    state: dict[str, int] = {}      # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


@pytest.mark.parametrize("edges, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
    ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
])
def test_cycle_finder_by_hand(edges, expected):
    assert cycle(edges) == expected


def test_the_package_has_no_import_cycle():
    edges = graph()
    assert "rtchx.core.audit" in edges["rtchx.core.whatif"]         # the reader sees real edges
    assert cycle(edges) is None, " -> ".join(cycle(edges))


def test_the_core_never_imports_the_book_layer():
    wrong = {module: sorted(m for m in targets if m.startswith("rtchx.book"))
             for module, targets in graph().items() if module.startswith("rtchx.core")}
    assert not any(wrong.values()), {m: t for m, t in wrong.items() if t}


def imports_inside_functions(source: str) -> list[tuple[int, str, bool]]:
    """Each import that is not at module top: its line, its text, and whether a comment explains it."""
    lines, tree = source.splitlines(), ast.parse(source)
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top:
            line, above = lines[node.lineno - 1], lines[node.lineno - 2].strip()
            found.append((node.lineno, line.strip(), "#" in line or above.startswith("#")))
    return found


def test_imports_inside_functions_are_found_and_their_comments_read():
    source = ("import os\n\ndef f():\n    import json\n\ndef g():\n    # deliberate: slow to import\n"
              "    import csv\n\ndef h():\n    from math import pi  # rarely needed\n")
    assert imports_inside_functions(source) == [(4, "import json", False), (8, "import csv", True),
                                                (11, "from math import pi  # rarely needed", True)]


def test_imports_sit_at_module_top_unless_a_comment_says_why():
    unexplained = [f"{module_name(path)}:{line}: {text}" for path in sorted((SRC / "rtchx").rglob("*.py"))
                   for line, text, explained in imports_inside_functions(path.read_text()) if not explained]
    assert unexplained == []


@pytest.mark.parametrize("path", sorted((SRC / "rtchx").rglob("*.py")), ids=module_name)
def test_every_module_says_what_it_is_for(path):
    assert ast.get_docstring(ast.parse(path.read_text())), f"{module_name(path)} has no docstring"
