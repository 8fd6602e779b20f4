"""The import structure of app.py and chalicelib/: how many layers deep the module-level imports
stack, which imports point the wrong way (up, out of comic/, into worker/), and the
function-local imports with the comment that says why each one is local.

    python benchmarks/imports.py [TREE]   # TREE: another checkout to read, default this one
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import layers


def main():
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else layers.ROOT
    found = layers.imports(root)
    modules = {layers.module_name(p, root) for p in layers.sources(root)}
    wrong = layers.upward(found)
    local = layers.local_imports(found)
    print(f"modules: {len(modules)}")
    print(f"import layers (longest module-level chain): {layers.layers(found)}, "
          f"counting function-local imports too: {layers.layers(found, with_local=True)}")
    print(f"upward imports: {len(wrong)}")
    for item in wrong:
        print(f"  {item.source}:{item.line} -> {item.target}")
    statements = {(i.source, i.line): i for i in local}.values()
    print(f"function-local import statements: {len(statements)}, without a comment saying "
          f"why: {sum(1 for i in statements if not i.why)}")
    for item in statements:
        print(f"  {item.source}:{item.line} {item.target}  # {item.why or '(no reason given)'}")


if __name__ == "__main__":
    main()
