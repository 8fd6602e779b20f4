"""The import structure of app.py and chalicelib/: its packages and modules, the circles (groups
of modules importing each other, function-local imports included), the imports that point the
wrong way (up, out of comic/, into worker/), how many layers deep the imports stack, and the
function-local imports with the comment that says why each one is local.

    python benchmarks/imports.py [TREE]   # TREE: another checkout to read, default this one
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools import layers


def main():
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else layers.ROOT
    found = layers.imports(root)
    modules = {layers.module_name(p, root) for p in layers.sources(root)}
    circles = layers.circles(found)
    wrong = layers.upward(found)
    local = layers.local_imports(found)
    print(f"packages: {len(layers.packages(found))}")
    print(f"modules: {len(modules)}")
    print(f"circles (function-local imports included): {len(circles)}, "
          f"module-level only: {len(layers.circles(found, with_local=False))}")
    for group in circles:
        print(f"  {' <-> '.join(group)}")
    print(f"upward imports: {len(wrong)}")
    for item in wrong:
        print(f"  {item.source}:{item.line} -> {item.target}")
    if not circles:
        print(f"import layers (longest chain, function-local imports included): "
              f"{layers.layers(found)}, module-level only: "
              f"{layers.layers(found, with_local=False)}")
    statements = {(i.source, i.line): i for i in local}.values()
    print(f"function-local import statements: {len(statements)}, without a comment saying "
          f"why: {sum(1 for i in statements if not i.why)}")
    for item in statements:
        print(f"  {item.source}:{item.line} {item.target}  # {item.why or '(no reason given)'}")


if __name__ == "__main__":
    main()
