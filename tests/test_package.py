"""The package's shape: public names pinned, imports flowing one way, no private reach-ins."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import regulars

SRC = Path(regulars.__file__).parent

#: The boxes of ARCHITECTURE.md, left to right: a box imports only from boxes to its left.
BOXES = ("ingest", "store", "enrich", "features", "models", "scores", "segments", "playbooks", "outbox", "measure",
         "metrics", "report", "demo", "app", "api", "web", "cli")
#: Small modules every box may use.
SHARED = {"errors", "config", "schema", "exports", "_time", "_hours", "_sql", "_files", "_json", "_lazy", "_faults", "_version",
          "_charts", "_glance", "_default_settings"}
#: Interfaces call only the application layer (and the shared modules); the dashboard also
#: uses the API's public names (its keys and errors), being served beside it.
INTERFACES = {"api", "web", "cli"}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


def _box(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return parts[0] if len(parts) > 1 else parts[0]


def _package(path: Path) -> str:
    return ".".join(("regulars", *path.relative_to(SRC).parent.parts))


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("regulars"):
            found.append((node.module, node.lineno))
            found += [(f"{node.module}.{a.name}", node.lineno) for a in node.names if node.module == "regulars"]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("regulars")]
    return found


def test_imports_flow_one_way_and_never_reach_into_other_packages():
    problems = []
    for path in _modules():
        box = _box(path)
        if box in SHARED or box in ("__init__", "pipeline"):
            continue
        for module, line in _imports(path):
            parts = module.split(".")
            if len(parts) < 2:
                continue
            target = parts[1]
            where = f"{path.relative_to(SRC)}:{line} imports {module}"
            if target in SHARED or (target == box and box in INTERFACES):
                continue
            if box in INTERFACES and target != "app" and not (target in INTERFACES and len(parts) == 2
                                                               and BOXES.index(target) < BOXES.index(box)):
                problems.append(f"{where} (an interface calls only regulars.app)")
            elif target in BOXES and target != box and BOXES.index(target) > BOXES.index(box):
                problems.append(f"{where} (a back edge: {target} is right of {box})")
            elif any(p.startswith("_") for p in parts[2:]) and not module.startswith(_package(path) + "."):
                problems.append(f"{where} (a private module of another package)")
    assert not problems, "\n".join(problems)


#: A statement as this code base writes SQL (upper-case keywords); app/ leaves every query to the store.
_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|WITH|ALTER|DROP)\b.*\b(FROM|INTO|SET|TABLE|AS)\b",
                  re.DOTALL)


def _strings(tree: ast.AST) -> list[tuple[str, int]]:
    """Every string constant and f-string (its literal parts joined), with its line."""
    found = []
    parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            found.append(("".join(v.value for v in node.values if isinstance(v, ast.Constant)), node.lineno))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts:
            found.append((node.value, node.lineno))
    return found


def sql_in_app(root: Path = SRC) -> list[str]:
    """Where the application layer holds a query (it must call the store's reads instead)."""
    return [f"{path.relative_to(root)}:{line} holds SQL: {text.strip()[:50]!r}"
            for path in sorted((root / "app").rglob("*.py"))
            for text, line in _strings(ast.parse(path.read_text())) if _SQL.match(text)]


def private_imports(root: Path = SRC) -> list[str]:
    """Where a module imports a private name (``_name``, not a module) of another module."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("regulars"):
                folder = root.joinpath(*node.module.split(".")[1:])
                problems += [f"{path.relative_to(root)}:{node.lineno} imports {a.name} from {node.module}"
                             for a in node.names if a.name.startswith("_") and not a.name.startswith("__")
                             and not (folder / f"{a.name}.py").exists() and not (folder / a.name).is_dir()]
    return problems


def test_the_application_layer_holds_no_sql_and_no_module_takes_anothers_private_names():
    assert not sql_in_app(), "\n".join(sql_in_app())
    assert not private_imports(), "\n".join(private_imports())


def test_the_checks_catch_sql_in_app_and_a_private_import(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "_bad.py").write_text(
        'from regulars.app._plan import _messages\n'
        'def f(store):\n    return store.rows(f"SELECT count(*) FROM outbox WHERE status = {1}")\n'
        'WORDS = "select the customers you want"\n')
    assert [p.split(" holds")[0] for p in sql_in_app(tmp_path)] == ["app/_bad.py:3"]
    assert private_imports(tmp_path) == ["app/_bad.py:1 imports _messages from regulars.app._plan"]


def _sources() -> dict[str, str]:
    return {str(p.relative_to(SRC)): p.read_text() for p in _modules()}


def test_the_purchase_rule_and_the_consent_rule_each_exist_once():
    """A purchase is defined in features/_purchases.py (ingest only gives a missing status its
    default); the store keeps sales by the SQL generated from that rule. Whether
    a customer may be messaged is ``playbooks.consented``, used by the planner and by delivery."""
    from regulars.features import stored_sales_sql
    from regulars.store._sales_sql import STORED_SALES

    sources = _sources()
    assert not [p for p, text in sources.items() if "PURCHASE_SQL" in text]
    assert {p for p, text in sources.items() if re.search(r"import .*\bPURCHASE\b", text)} == {
        "features/_purchases.py", "ingest/_stage.py"}
    assert not [p for p, text in sources.items() if "coalesce(status" in text and p != "ingest/_stage.py"]
    assert STORED_SALES == stored_sales_sql(), "run `python -m regulars.features._purchases` to regenerate"
    assert [p for p, text in sources.items() if "unknown_is_yes if" in text] == ["playbooks/_guards.py"]
    assert all("consented(" in sources[p] for p in ("playbooks/_plan.py", "outbox/_deliver.py"))


def _packages() -> list[str]:
    names = ["regulars"]
    for info in pkgutil.walk_packages([str(SRC)], "regulars."):
        if info.ispkg:
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _packages())
def test_every_package_pins_a_sorted_complete_all(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), name
    assert list(module.__all__) == sorted(module.__all__), name
    for public in module.__all__:
        assert getattr(module, public, None) is not None, f"{name}.{public}"


def test_every_dependency_imported_is_declared():
    import sys
    import tomllib

    declared = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {d.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower().replace("-", "_") for d in declared}
    aliases = {"ibis_framework": "ibis", "pyyaml": "yaml", "scikit_learn": "sklearn", "vadersentiment": "vaderSentiment"}
    names = {aliases.get(n, n) for n in names}
    used = set()
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                used |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                used.add(node.module.split(".")[0])
    third_party = {m for m in used if m not in sys.stdlib_module_names and m not in ("regulars", "__future__")}
    assert third_party <= names, third_party - names
