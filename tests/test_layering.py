"""Dependencies point one way: the ``claims`` library never imports the CLI, service or training
layers (nor web/database frameworks) and never reads environment variables."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[1] / "claims"
FORBIDDEN = {"service", "training", "triage_cli", "fastapi", "typer", "click", "sqlalchemy"}


def library_modules() -> list[Path]:
    return sorted(LIBRARY.rglob("*.py"))


def test_library_imports_no_upper_layer() -> None:
    for path in library_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert not roots & FORBIDDEN, f"{path.name} imports {roots & FORBIDDEN}"


def test_library_reads_no_environment_and_never_prints() -> None:
    for path in library_modules():
        source = path.read_text(encoding="utf-8")
        assert "os.environ" not in source and "getenv" not in source, path.name
        tree = ast.parse(source)
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        assert not [c for c in calls if c.func.id == "print"], path.name


def test_taxonomy_imports_without_heavy_dependencies() -> None:
    code = (
        "import sys, claims.taxonomy, claims.records, claims.validation\n"
        "heavy = {'torch', 'transformers', 'presidio_analyzer', 'spacy'} & set(sys.modules)\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
