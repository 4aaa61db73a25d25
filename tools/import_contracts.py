"""Import-linter contracts of our own (registered by ``contract_types`` in pyproject.toml).

``models_in_store``: no module outside the store names a model class, whichever store module it
comes through. The ``forbidden`` contract on ``chalicelib.store.models`` sees modules only, so
``from chalicelib.store.youths import Youth`` (a re-export) passes it; this one reads the names.

grimp gives the imports of each module into the store; the importer's source (its syntax tree)
says which names it takes: ``from <store module> import Model`` (relative too, one line or
several) and ``<store module>.Model`` through a module it imported. The model classes are the
classes the models module declares, so a new table is covered without touching the contract.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


@dataclass(frozen=True)
class ModelUse:
    importer: str
    line_number: int
    store_module: str
    name: str


class ModelsStayInStoreContract(Contract):
    """Configuration: ``store`` (the package allowed to use the models) and ``models`` (the module
    declaring them)."""

    type_name = "models_in_store"

    store = fields.ModuleField()
    models = fields.ModuleField()

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        store, models = self.store.name, self.models.name
        names = model_names(source_path(models))
        uses: list[ModelUse] = []
        for importer in sorted(graph.modules):
            if _within(importer, store):
                continue
            imported = graph.find_modules_directly_imported_by(importer)
            if any(_within(module, store) for module in imported):
                uses.extend(model_uses(importer, source_path(importer), store, names))
        output.verbose_print(verbose, f"{len(names)} model classes; {len(uses)} used outside.")
        return ContractCheck(kept=not uses, metadata={"uses": uses})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for use in check.metadata["uses"]:
            output.print_error(
                f"{use.importer} (l.{use.line_number}) uses {use.name} of {use.store_module}",
                bold=False,
            )
            output.new_line()
        output.print("Read and write through the store's functions and the views of domain.stored.")


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def source_path(module: str) -> Path:
    """The file of ``module``, found from its root package without importing it."""
    root, *parts = module.split(".")
    spec = importlib.util.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"{root} is not a package on sys.path")
    base = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    package = base / "__init__.py"
    return package if package.exists() else base.with_suffix(".py")


def model_names(models_path: Path) -> frozenset[str]:
    tree = ast.parse(models_path.read_text(encoding="utf-8"))
    return frozenset(node.name for node in tree.body if isinstance(node, ast.ClassDef))


def model_uses(importer: str, path: Path, store: str, names: frozenset[str]) -> Iterator[ModelUse]:
    """Each model name ``importer`` takes from the store, directly or as a module's attribute."""
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    store_aliases: dict[str, str] = {}  # a name bound to a store module → that module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node, package)
            for alias in node.names:
                if not _within(source, store):
                    continue
                if alias.name in names:
                    yield ModelUse(importer, node.lineno, source, alias.name)
                else:  # ``from chalicelib.store import youths``: maybe a module
                    store_aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _within(alias.name, store) and alias.asname:
                    store_aliases[alias.asname] = alias.name
    yield from _attribute_uses(importer, tree, store, names, store_aliases)


def _attribute_uses(
    importer: str, tree: ast.AST, store: str, names: frozenset[str], aliases: dict[str, str]
) -> Iterator[ModelUse]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or node.attr not in names:
            continue
        owner = _dotted(node.value)
        module = aliases.get(owner or "", owner or "")
        if _within(module, store):
            yield ModelUse(importer, node.lineno, module, node.attr)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` as a string (None: not a plain dotted name)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner else None
    return None
