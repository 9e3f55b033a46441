"""The README's "What Attune promises" table names tests that exist, so it cannot drift."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def promises() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## What Attune promises")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


def test_every_test_the_promises_name_exists() -> None:
    section = promises()
    named = 0
    current_file: str | None = None
    for reference in re.findall(r"`((?:tests/[\w/]+\.py)?(?:::\w+)?)`", section):
        path, _, name = reference.partition("::")
        current_file = path or current_file
        assert current_file is not None, reference
        source = (REPO / current_file).read_text(encoding="utf-8")
        tests = {
            node.name
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
        }
        assert tests, current_file
        if name:
            assert name in tests, f"README names {current_file}::{name}, which does not exist"
            named += 1
    assert named >= 15
