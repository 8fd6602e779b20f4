"""Reads the imports of `app.py` and `chalicelib/` and judges them against the layout.

Packages rank from the bottom up; a module may import its own package or one ranked below it.
`comic/` is a leaf (it imports nothing else of ours), `core/` imports nothing above it, and
only `app.py` may reach `worker/`. Function-local imports count like the others: a circle
through one is still a circle. Used by tests/test_layers.py and benchmarks/imports.py.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RANKS = {"core": 0, "comic": 1, "adapters": 2, "accounts": 3, "money": 4, "cartoons": 5,
         "rights": 6, "worker": 7, "cleanup": 8, "app": 9}
# Where each module of the flat layout went: reads the old tree in the same terms.
FLAT = {
    "settings": "core", "models": "core", "errors": "core", "logs": "core", "clock": "core",
    "crypto": "core", "web": "core", "paging": "core", "storage": "adapters",
    "jobs": "adapters", "resources": "adapters", "mail": "adapters", "providers": "adapters",
    "prompts": "adapters", "auth": "accounts", "limits": "accounts", "credits": "money",
    "payments": "money", "admin": "money", "cartoons": "cartoons", "scenes": "cartoons",
    "gallery": "cartoons", "generation": "worker", "images": "comic", "offline_art": "comic",
    "export": "rights", "erasure": "rights", "privacy": "rights", "cleanup": "cleanup",
}


@dataclass(frozen=True)
class Import:
    source: str  # dotted module name of the importer
    target: str  # dotted module name imported (ours only)
    line: int
    local: bool  # inside a function
    why: str  # the comment on the line, or on the line above it


def module_name(path, root=ROOT):
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def sources(root=ROOT):
    yield root / "app.py"
    yield from sorted((root / "chalicelib").rglob("*.py"))


def _targets(node, source):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: resolve against the importer's package
        base = source.split(".")[:-node.level]
        module = ".".join(base + ([node.module] if node.module else []))
    else:
        module = node.module or ""
    return [f"{module}.{alias.name}" for alias in node.names]


def _resolve(name, known):
    """The longest known module a dotted name starts with (`from pkg import mod` names mod)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(root=ROOT):
    paths = list(sources(root))
    known = {module_name(path, root) for path in paths}
    found = []
    for path in paths:
        source = module_name(path, root)
        lines = path.read_text().splitlines()
        tree = ast.parse(path.read_text())
        local_nodes = {id(n) for fn in ast.walk(tree)
                       if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
                       for n in ast.walk(fn)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            text = lines[node.lineno - 1]
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            why = text.partition("#")[2].strip() or (above[1:].strip()
                                                      if above.startswith("#") else "")
            for target in _targets(node, source):
                resolved = _resolve(target, known) or target
                found.append(Import(source, resolved, node.lineno, id(node) in local_nodes,
                                    why))
    return found


def package_of(module):
    parts = module.split(".")
    if parts[0] == "app":
        return "app"
    if parts[0] != "chalicelib" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in RANKS else FLAT.get(parts[1])


def ours(found):
    return [i for i in found if package_of(i.target) and i.source != i.target]


def upward(found):
    """Imports that point up, out of a leaf, or into the worker from anywhere but app.py."""
    wrong = []
    for item in ours(found):
        src, dst = package_of(item.source), package_of(item.target)
        if src == dst:
            continue
        if (RANKS[dst] > RANKS[src] or src == "comic"
                or (dst == "worker" and src != "app")):
            wrong.append(item)
    return wrong


def _graph(found, with_local):
    graph = {}
    for item in ours(found):
        graph.setdefault(item.source, set())
        graph.setdefault(item.target, set())
        if with_local or not item.local:
            graph[item.source].add(item.target)
    return graph


def circles(found, *, with_local=True):
    """The groups of modules that import each other, directly or not (Tarjan's strongly
    connected components of more than one module), each sorted; function-local imports count
    unless `with_local` is false."""
    graph = _graph(found, with_local)
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(groups)


def packages(found):
    """The packages of the layout that hold at least one of the modules read."""
    return sorted({package_of(i.source) for i in found} - {None},
                  key=lambda name: RANKS.get(name, -1))


def layers(found, *, with_local=True):
    """The longest chain of imports between our modules (1 = imports none), function-local
    imports included unless `with_local` is false. Raises on a circle."""
    graph = _graph(found, with_local)
    depth = {}

    def walk(module, seen=()):
        if module in depth:
            return depth[module]
        if module in seen:
            raise ValueError(f"import cycle through {module}")
        depth[module] = 1 + max((walk(t, (*seen, module)) for t in graph.get(module, ())),
                                default=0)
        return depth[module]

    return max((walk(m) for m in graph), default=0)


def local_imports(found):
    """Function-local imports anywhere (ours or a library's), and whether a comment says why."""
    return [i for i in found if i.local]
