"""No import cycles in app/, and core names no domain (issue 16, finding 4).

The graph is read from the source with ast, not by importing: an edge A -> B for every
`import B` / `from B import x` (and `from B import submodule`) in A.

- A package's `__init__.py` importing its own modules (a routes/ package gathering its views on
  the blueprint it defines) assembles the package: no edge.
- Module level (what runs when A is imported; `if TYPE_CHECKING:` blocks left out): no cycle at all.
- Everywhere (also imports inside functions, which hide a cycle rather than remove it): no cycle but
  the KNOWN edges below, which the lead empties as their owners remove them. A package's
  `__init__.py` functions are left out: its init_app is the domain's composition root, run while the
  app is built, and imports its own views by design.
- app/core imports no domain package, at module level or in a function: what core needs of a
  domain it reads from a registry at request time (app.core.errors' refusal noter, the unit table
  in app.core.authz).

    .venv/bin/python -m tests.core.test_import_cycles    # prints the cycles of both graphs
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
# Packages of app/ that are not domains: core may import these.
NOT_DOMAINS = {"core", "vn", "extensions", "config"}

# Edges inside functions allowed to close a cycle.
KNOWN: set[tuple[str, str]] = set()  # empty: a new cycle is removed, not listed


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in APP.rglob("*.py")}


def _imports(body, *, functions: bool):
    """The import statements of a module body: those run at import (functions=False), or all."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if functions:
                yield from _imports(node.body, functions=True)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _imports(node.orelse, functions=functions)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                yield from _imports(getattr(node, field, None) or [], functions=functions)


def _targets(node, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:
        parts = package.split(".")
        base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
    return [base] + [f"{base}.{a.name}" for a in node.names]


def import_graph(*, functions: bool = False) -> dict[str, set[str]]:
    """{module: the app modules it imports} (module level only unless functions)."""
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _imports(tree.body, functions=functions and not is_package):
            graph[name].update(t for t in _targets(node, package) if t in mods and t != name
                               and not (is_package and t.startswith(name + ".")))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    group = set()
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        group.add(w)
                        if w == v:
                            break
                    if len(group) > 1:
                        found.append(group)
    return found


def describe(graph, groups) -> str:
    return "\n".join(" <-> ".join(sorted(g)) + "\n" + "\n".join(
        f"    {a} -> {b}" for a in sorted(g) for b in sorted(graph[a] & g)) for g in groups)


def without(graph, edges) -> dict[str, set[str]]:
    return {a: {b for b in targets if (a, b) not in edges} for a, targets in graph.items()}


def test_the_scan_sees_the_app():
    """Positive control: the graph has the modules and edges we know are there."""
    graph = import_graph()
    assert len(graph) > 150
    assert "app.audit.labels" in graph["app.audit.routes"]
    assert "app.core.authz" in graph["app.audit.services"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_cycle_among_module_level_imports():
    graph = import_graph()
    groups = cycles(graph)
    assert not groups, "import cycles at module level:\n" + describe(graph, groups)


def test_no_cycle_hidden_in_functions_but_the_known_ones():
    graph = import_graph(functions=True)
    groups = cycles(without(graph, KNOWN))
    assert not groups, "import cycles (imports inside functions count):\n" + describe(graph, groups)


def test_every_known_cycle_is_still_there():
    """A KNOWN edge that no longer closes a cycle is removed from the list (so it only shrinks)."""
    graph = import_graph(functions=True)
    in_cycles = {(a, b) for g in cycles(graph) for a in g for b in graph[a] & g}
    assert KNOWN - in_cycles == set(), "remove these from KNOWN: they no longer close a cycle"


def _domain(target: str) -> str | None:
    parts = target.split(".")
    if parts[0] != "app" or len(parts) < 2 or parts[1] in NOT_DOMAINS:
        return None
    return parts[1]


def test_core_imports_no_domain():
    mods = modules()
    bad = []
    for name, path in mods.items():
        if not name.startswith("app.core"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _imports(tree.body, functions=True):
            bad += [f"{name}:{node.lineno} imports {t}" for t in _targets(node, "app.core") if _domain(t)]
    assert "app.audit.services" in {t for n in _imports(ast.parse(
        (APP / "audit/routes.py").read_text(encoding="utf-8")).body, functions=True)
        for t in _targets(n, "app.audit")}  # the check sees a domain import where there is one
    assert bad == [], "app.core imports a domain (read a registry at request time instead):\n" + "\n".join(bad)


if __name__ == "__main__":
    for functions in (False, True):
        g = import_graph(functions=functions)
        found = cycles(g)
        print(f"{'all imports (functions too)' if functions else 'module-level imports'}: {len(found)} cycles")
        if found:
            print(describe(g, found))
