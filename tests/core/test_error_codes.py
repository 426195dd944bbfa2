"""Error codes as enums per app (issue 13 §6): every code the source raises is in its app's enum
(`<app>/codes.py`) or in core's, every enum member is raised somewhere, and docs/api.md lists each
app's codes exactly as its enum does. The codes are found by reading the source (AST), so a new
`InvalidInput("NEW_CODE", …)` fails here until it is listed."""

from __future__ import annotations

import ast
import importlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import pytest

import enforcelink
from enforcelink.core.codes import ApiCode, CoreCode
from enforcelink.core.errors import InvalidInput, RuleViolation

SRC = Path(enforcelink.__file__).parent
DOCS = SRC.parents[1] / "docs" / "api.md"
CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}")
# Calls whose first arguments carry a code: the DomainError family (its subclasses are found below),
# a spreadsheet's `table.error`, the API's `error_body` and the middleware's `_refusal(request, code, …)`.
HELPERS = {"error", "error_body", "_refusal"}
CODE_KEYWORDS = {"code", "error_code"}
SHARED = (CoreCode, ApiCode)  # codes any app may answer with


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "CODE"` assignments, so `InvalidInput(CODE, …)` is followed."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _codes_in(node: ast.AST | None, constants: dict[str, str]) -> Iterator[str]:
    """The code-like strings an argument can evaluate to (both arms of `a if c else b`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
        yield node.value
    elif isinstance(node, ast.Name) and CODE.fullmatch(constants.get(node.id, "")):
        yield constants[node.id]
    elif (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id.endswith("Code")
    ):
        yield node.attr  # CasesCode.CASE_CLOSED, once call sites name the enum
    elif isinstance(node, ast.IfExp):
        yield from _codes_in(node.body, constants)
        yield from _codes_in(node.orelse, constants)


def _call_name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """DomainError and every class deriving from it anywhere in the source (TableError, …)."""
    classes = {"DomainError"}
    definitions = [node for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    while True:
        more = {
            c.name
            for c in definitions
            if any(getattr(b, "id", getattr(b, "attr", "")) in classes for b in c.bases)
        }
        if more <= classes:
            return classes
        classes |= more


def _codes_of(tree: ast.Module, carriers: set[str]) -> Iterator[str]:
    constants = _module_constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if _call_name(node) in carriers:
                for argument in node.args[:2]:
                    yield from _codes_in(argument, constants)
            for keyword in node.keywords:
                if keyword.arg in CODE_KEYWORDS:
                    yield from _codes_in(keyword.value, constants)
        elif isinstance(node, ast.Dict):  # an error body written out: {"code": …}
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "code":
                    yield from _codes_in(value, constants)


def raised_codes() -> dict[str, dict[str, set[str]]]:
    """app → code → the files raising it."""
    trees = {
        path.relative_to(SRC): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.relative_to(SRC).parts and path.name != "codes.py"
    }
    carriers = _error_classes(list(trees.values())) | HELPERS
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for relative, tree in trees.items():
        for code in _codes_of(tree, carriers):
            found[relative.parts[0]][code].add(str(relative))
    return found


def app_enums() -> dict[str, type[StrEnum]]:
    """Each app's enum, found as `<app>/codes.py` holding one StrEnum (core's holds two)."""
    enums = {}
    for path in sorted(SRC.glob("*/codes.py")):
        module = importlib.import_module(f"enforcelink.{path.parent.name}.codes")
        members = [
            v
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum
        ]
        if path.parent.name != "core":
            assert len(members) == 1, f"{path} should hold one StrEnum, the app's codes"
            enums[path.parent.name] = members[0]
    enums["core"] = CoreCode
    return enums


RAISED = raised_codes()
ENUMS = app_enums()


def test_the_source_is_read():
    """A walk that found nothing would pass everything below: the known codes are there."""
    assert "CASE_CLOSED" in RAISED["cases"]
    assert "TEXT_CONTROL_CHARACTER" in RAISED["core"]  # raised through a module constant
    assert "PAYLOAD_TOO_LARGE" in RAISED["core"]  # the middleware's refusal
    assert "ATTACHMENT_BASE64" in RAISED["linkage"]  # a DRF ValidationError(code=…)
    assert "FILE_TYPE" in RAISED["core"]  # a TableError, a subclass of InvalidInput
    assert "INVALID" not in RAISED["core"]  # DRF's `invalid`, compared and answered as INVALID_INPUT
    assert sum(len(codes) for codes in RAISED.values()) > 150


@pytest.mark.parametrize("app", sorted(RAISED))
def test_every_raised_code_is_in_its_apps_enum_or_cores(app):
    enum = ENUMS.get(app)
    allowed = {member.value for source in (*SHARED, *([enum] if enum else [])) for member in source}
    unlisted = {code: sorted(files) for code, files in RAISED[app].items() if code not in allowed}
    where = f"{app}/codes.py" if enum else f"a new {app}/codes.py"
    assert not unlisted, f"list these codes in {where} and in docs/api.md: {unlisted}"


@pytest.mark.parametrize("app", sorted(ENUMS))
def test_every_listed_code_is_raised_by_its_app(app):
    """No code stays listed after nothing raises it any more. (ApiCode is exempt: most of its codes
    are Django REST framework's own, upper-cased by core.api.)"""
    dead = sorted(member.value for member in ENUMS[app] if member.value not in RAISED[app])
    assert not dead, f"{app}'s enum lists codes nothing in {app} raises: {dead}"


def _docs_sections() -> dict[str, set[str]]:
    """'core.codes.CoreCode' → the codes in the first column of its table under '### Codes per app'."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("### Codes per app")
    end = text.index("\n## ", start)
    sections: dict[str, set[str]] = {}
    current = None
    for line in text[start:end].splitlines():
        if line.startswith("#### "):
            current = re.search(r"\(`([\w.]+)`\)\s*$", line).group(1)
            sections[current] = set()
        elif current and line.startswith("| `"):
            sections[current] |= set(re.findall(r"`([A-Z0-9_]+)`", line.split("|")[1]))
    return sections


def test_docs_list_every_apps_codes_as_its_enum_does():
    sections = _docs_sections()
    enums = {
        f"{enum.__module__.removeprefix('enforcelink.')}.{enum.__name__}": enum
        for enum in (*ENUMS.values(), ApiCode)
    }
    assert set(sections) == set(enums), "one section per enum in docs/api.md's 'Codes per app'"
    for name, enum in enums.items():
        assert sections[name] == {member.value for member in enum}, name


def test_the_general_table_names_only_listed_codes():
    text = DOCS.read_text(encoding="utf-8")
    table = text[text.index("| Code | Meaning |") : text.index("### Codes per app")]
    rows = [line for line in table.splitlines()[2:] if line.startswith("| `")]
    named = {code for line in rows for code in re.findall(r"`([A-Z0-9_]+)`", line.split("|")[1])}
    listed = {member.value for enum in (*ENUMS.values(), ApiCode) for member in enum}
    assert named and named <= listed, named - listed


def test_a_member_answers_exactly_as_its_string():
    """Call sites can name the enum without changing a byte of the API's answer."""
    from enforcelink.cases.codes import CasesCode

    by_member = InvalidInput(CasesCode.CASE_CLOSED, "closed", field="x").as_dict()
    by_string = InvalidInput("CASE_CLOSED", "closed", field="x").as_dict()
    assert json.dumps(by_member) == json.dumps(by_string)
    assert str(RuleViolation(CoreCode.AMOUNT_NEGATIVE, "m")) == "AMOUNT_NEGATIVE: m"
