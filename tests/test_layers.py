"""Layers point one way: a module never imports one from a layer above it (docs: DESIGN.md's module map).

Every ``import`` of the package is read from the source (module level, inside functions and under
``TYPE_CHECKING`` alike) and checked against the layer table below; a new top-level module or
package must be given a layer here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import storyline

PACKAGE = Path(storyline.__file__).parent

# bottom first; a unit may import units of a lower or equal rank only (equal: itself)
LAYERS: dict[str, float] = {
    # 1: records, errors, configuration, text and partition helpers
    "errors": 1.0, "config": 1.1, "model": 1.2, "partitions": 1.2, "text": 1.3,
    # 2: the stages, each importing only the bottom and the stages before it
    "ingest": 2.0, "extract": 2.1, "provenance": 2.2, "cluster": 2.3, "summarize": 2.4, "nlp": 2.5, "compare": 2.6,
    # 3: persistence of the stages' records
    "store": 3.0,
    # 4: the read side
    "views": 4.0,
    # 5: running the stages over the store, locally or on Spark
    "isolation": 5.0, "pipeline": 5.1, "notify": 5.15, "watch": 5.2, "scale": 5.2,
    # evaluation: only ``storyline eval`` imports it, and lazily
    "eval": 5.5,
    # 6: the outer layers
    "api": 6.0, "cli": 6.1, "__main__": 6.2,
}
ROOT = "storyline"  # the package root re-exports names lazily: anything may read its ``__version__``


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def _module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, package: Path = PACKAGE) -> list[tuple[str, bool]]:
    """Return ``(imported storyline module, not at run time of the import)`` of every import in one file.

    Imports inside functions and under ``if TYPE_CHECKING:`` are the ones not run when the module loads.
    """
    module = _module_name(path, package)
    is_package = path.name == "__init__.py"
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) or (
                    isinstance(child, ast.If) and isinstance(child.test, ast.Name)
                    and child.test.id == "TYPE_CHECKING"):
                visit(child, True)
            elif isinstance(child, ast.Import):
                found.extend((a.name, lazy) for a in child.names if a.name.split(".")[0] == ROOT)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".")[: len(module.split(".")) - child.level + (1 if is_package else 0)]
                    name = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    name = child.module or ""
                if name.split(".")[0] == ROOT:
                    found.append((name, lazy))
            else:
                visit(child, lazy)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_unit_has_a_layer():
    units = {_unit(_module_name(p)) for p in _sources()} - {ROOT}
    assert units <= set(LAYERS), f"give these a layer in LAYERS: {sorted(units - set(LAYERS))}"


def test_no_module_imports_a_layer_above_it():
    upward = []
    for path in _sources():
        source = _unit(_module_name(path))
        if source == ROOT:
            continue
        for imported, _ in _imports(path):
            target = _unit(imported)
            if target not in (ROOT, source) and LAYERS[target] >= LAYERS[source]:
                upward.append(f"{_module_name(path)} imports {imported}")
    assert not upward, "imports pointing up a layer (or across one):\n" + "\n".join(upward)


def test_eval_is_imported_lazily_and_only_by_the_cli():
    eager = []
    for path in _sources():
        source = _unit(_module_name(path))
        for imported, lazy in _imports(path):
            if _unit(imported) == "eval" and source != "eval" and not (source == "cli" and lazy):
                eager.append(f"{_module_name(path)} imports {imported}")
    assert not eager, "evaluation code in the product's import path:\n" + "\n".join(eager)


def test_the_root_package_imports_nothing_eagerly():
    eager = [name for name, lazy in _imports(PACKAGE / "__init__.py") if not lazy]
    assert not eager, eager


def test_the_checker_reads_every_kind_of_import(tmp_path):
    bad = tmp_path / "storyline" / "store" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("from storyline.cluster.online import EventClusterer\nfrom . import store\n"
                   "if TYPE_CHECKING:\n    import storyline.nlp\n\ndef f():\n    from storyline import views\n")
    assert _imports(bad, tmp_path / "storyline") == [
        ("storyline.cluster.online", False), ("storyline.store", False), ("storyline.nlp", True),
        ("storyline", True)]
