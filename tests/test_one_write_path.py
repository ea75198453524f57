"""The one-write-path rule (STYLE.md): interfaces parse, call a service, render; they never write models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INTERFACES = ["apps/api", "apps/vendors", "apps/dashboard"]
WRITE_METHODS = {
    "save",
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}


def _write_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITE_METHODS
        ):
            target = ast.unparse(node.func.value)
            # dict.update / set.update on plain containers are not model writes; managers and instances are.
            if node.func.attr == "update" and not (".objects" in target or target.endswith(")")):
                continue
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node.func)}")
    return found


def _modules() -> list[Path]:
    return [p for folder in INTERFACES for p in sorted((ROOT / folder).rglob("*.py"))]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_interface_modules_do_not_write_models(path):
    assert _write_calls(path) == []


def test_the_guard_catches_a_write(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "Contact.objects.filter(id=1).update(email=None)\ncontact.save()\nx = {}\nx.update(a=1)\n"
    )
    sample_root = sample.relative_to(tmp_path)
    calls = [c.split(": ", 1)[1] for c in _write_calls_at(sample, tmp_path)]
    assert calls == ["Contact.objects.filter(id=1).update", "contact.save"], sample_root


def _write_calls_at(path: Path, root: Path) -> list[str]:
    global ROOT
    saved, ROOT = ROOT, root
    try:
        return _write_calls(path)
    finally:
        ROOT = saved
