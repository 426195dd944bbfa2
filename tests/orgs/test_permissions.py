"""One permission vocabulary (issue 13 §3): the table in the docs is the code's, views and templates
type no role condition, and `can` answers by role, organisation and record."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.template import Context, Template

from enforcelink.core.actors import SYSTEM, SystemActor
from enforcelink.core.errors import NotFound
from enforcelink.orgs.api_auth import UnitPrincipal
from enforcelink.orgs.models import ApiKey, Role
from enforcelink.orgs.permissions import (
    API_KEY,
    OPERATOR,
    PERMISSIONS,
    Action,
    May,
    can,
    hats,
    is_own_request,
    require,
    restrict,
    role_table,
)
from tests.factories import UserFactory, file_case

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "enforcelink"


def test_the_docs_print_the_table_of_the_code():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    printed = re.search(r"<!-- permissions:begin -->\n(.*?)\n<!-- permissions:end -->", text, re.S)
    assert printed is not None, "docs/architecture.md lost its permissions table"
    assert printed.group(1) == role_table(), "paste role_table() into docs/architecture.md"


def test_every_action_has_a_rule_and_is_asked_somewhere():
    """Asked in code (`Action.X` as an expression, not a mention in a comment) or in a template."""
    assert set(PERMISSIONS) == set(Action)
    asked = set()
    for path in SRC.rglob("*.py"):
        if path.name == "permissions.py" and path.parent.name == "orgs":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "Action":
                asked.add(node.attr)
    for path in SRC.rglob("*.html"):
        asked |= {Action(name).name for name in re.findall(r"\bmay\.(\w+)", path.read_text("utf-8"))}
    unasked = [action for action in Action if action.name not in asked]
    assert unasked == [], f"actions nobody asks: {unasked}"


# A role condition typed where people meet the code: the question belongs to `can`.
ROLE_FLAGS = {"is_court_staff", "is_unit_staff", "is_supervisor", "is_superuser", "is_staff", "can_approve"}
ORG_IDS = {"court_id", "unit_id", "body_id", "team_id"}
PEOPLE = re.compile(r"^(request\.)?(user|actor|me|person)\b")
VIEW_MODULES = ("views.py", "batch_views.py", "api.py", "forms.py")
TEMPLATE_ROLE = re.compile(
    r"\b(user|request\.user)\.(is_court_staff|is_unit_staff|is_supervisor|is_superuser|is_staff|role|can_approve)\b"
)


def _conditions(path: Path) -> list[str]:
    """Each line that reads a role flag, compares a role, or compares a person's organisation id
    (`user.court_id == case.court_id`), once."""
    found: dict[int, str] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        hit = False
        if isinstance(node, ast.Attribute) and node.attr in ROLE_FLAGS:
            hit = True
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "getattr" and len(node.args) > 1:
            hit = isinstance(node.args[1], ast.Constant) and node.args[1].value in ROLE_FLAGS
        elif isinstance(node, ast.Compare) and any(
            isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops
        ):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and PEOPLE.match(ast.unparse(side)):
                    hit = hit or side.attr == "role" or side.attr in ORG_IDS
        if hit:
            found.setdefault(node.lineno, f"{path}:{node.lineno}: {ast.unparse(node)}")
    return list(found.values())


def _template_conditions(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []
    for tag in re.finditer(r"{%\s*(?:if|elif|with)\b.*?%}", text, re.S):
        if TEMPLATE_ROLE.search(tag.group(0)):
            found.append(f"{path}:{text.count(chr(10), 0, tag.start()) + 1}: {tag.group(0)}")
    return found


def test_no_view_api_form_or_template_types_a_role_condition():
    found = [hit for name in VIEW_MODULES for path in SRC.rglob(name) for hit in _conditions(path)]
    found += [hit for path in SRC.rglob("*.html") for hit in _template_conditions(path)]
    assert found == [], "ask orgs.permissions.can (templates: may.<action>):\n" + "\n".join(found)


def test_templates_ask_only_actions_that_exist():
    """A misspelt `may.aprove_request` would hide its link silently ({% if %} swallows the KeyError)."""
    named = {m for path in SRC.rglob("*.html") for m in re.findall(r"\bmay\.(\w+)", path.read_text("utf-8"))}
    assert named and named <= {action.value for action in Action}, named - {a.value for a in Action}


def test_the_structural_check_sees_a_typed_condition(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text(
        "def v(user, case):\n"
        "    if user.role == 'president':\n"
        "        return {'role': user.role}\n"
        "    ok = getattr(user, 'is_court_staff', False)\n"
        "    return user.court_id == case.court_id or request.user.is_staff\n"
    )
    assert [hit.split(": ", 1)[0].rsplit(":", 1)[1] for hit in _conditions(sample)] == ["2", "4", "5"]
    page = tmp_path / "page.html"
    page.write_text(
        "{% if x %}{% endif %}\n{% if a and\n   user.is_staff %}{% endif %}{% with s=user.is_court_staff %}"
    )
    assert len(_template_conditions(page)) == 2


# --- what `can` answers ------------------------------------------------------------------------------


def _who(world):
    return {
        Role.OFFICER: world.officer,
        Role.PRESIDENT: world.president,
        Role.COMMAND: world.command,
        Role.LIAISON: world.liaison,
        Role.SUPERVISOR: world.supervisor,
    }


def test_without_a_record_can_follows_the_table_for_every_role_and_action(world):
    leader = UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    admin = UserFactory(username="court_admin", court=world.court, role=Role.ADMIN)
    unit_leader = UserFactory(username="unit_leader", unit=world.unit, role=Role.UNIT_LEADER)
    people = {**_who(world), Role.TEAM_LEADER: leader, Role.ADMIN: admin, Role.UNIT_LEADER: unit_leader}
    for role, user in people.items():
        assert hats(user) == {role}
        for action, rule in PERMISSIONS.items():
            assert can(user, action) is (role in rule.hats), (role, action)


def test_a_role_without_its_organisation_an_inactive_person_and_a_sweep_may_nothing(world):
    homeless = UserFactory(username="homeless", court=None, role=Role.OFFICER)
    world.officer.is_active = False
    for actor in (homeless, world.officer, SYSTEM, SystemActor("cli:import"), None):
        assert hats(actor) == frozenset()
        assert not any(can(actor, action) for action in Action)


def test_court_actions_stay_in_the_actors_court(world):
    case = file_case(world.court)
    assert can(world.officer, Action.WRITE, case)
    assert can(world.officer, Action.FILE, world.court)
    assert not can(world.outsider, Action.WRITE, case)
    assert not can(world.outsider, Action.FILE, world.court)
    assert not can(world.supervisor, Action.WRITE, case)  # supervisors read, never write
    assert not can(world.liaison, Action.WRITE, case)
    with pytest.raises(NotFound):
        require(world.outsider, Action.CLOSE, case)
    assert can(world.president, Action.DECIDE_EXTENSION, case)
    assert not can(world.officer, Action.DECIDE_EXTENSION, case)


def test_the_operator_has_no_court_business_but_drafts_and_administers(world):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    case = file_case(world.court)
    assert hats(root) == {OPERATOR, "admin_site"}
    assert can(root, Action.DRAFT_REQUEST, case)
    assert can(root, Action.ADMINISTER_LISTS) and can(root, Action.VIEW_OVERDUE)
    assert can(root, Action.EDIT_DEFAULTS) and can(root, Action.EDIT_TEMPLATES, world.court)
    for action in (Action.FILE, Action.SEND_REQUEST, Action.APPROVE_REQUEST, Action.REVEAL_ID, Action.CLOSE):
        assert not can(root, action, case), action


def test_a_units_key_answers_for_its_unit_only_and_a_revoked_one_for_none(world):
    key = ApiKey.objects.create(unit=world.unit, name="core", prefix="abcd1234", key_hash="x" * 64)
    mine = type("Req", (), {"unit_id": world.unit.pk})()
    theirs = type("Req", (), {"unit_id": world.other_unit.pk})()
    for actor in (key, UnitPrincipal(key)):
        assert hats(actor) == {API_KEY}
        assert can(actor, Action.REPLY, mine) and can(actor, Action.REPLY_BATCH)
        assert not can(actor, Action.REPLY, theirs)
        assert not can(actor, Action.USE_INBOX)  # the web inbox is for people
        assert not can(actor, Action.SEND_REQUEST)
    assert can(world.liaison, Action.REPLY, mine) and not can(world.liaison, Action.REPLY_BATCH)
    key.revoked_at = key.created_at
    assert hats(key) == frozenset() and not can(key, Action.REPLY, mine)


def test_restrict_narrows_a_queryset_to_the_actors_court(world):
    mine = file_case(world.court)
    theirs = file_case(world.other_court)
    model = type(mine)
    assert list(restrict(model.objects.all(), world.officer, Action.CLOSE)) == [mine]
    assert not restrict(model.objects.all(), world.supervisor, Action.CLOSE).exists()
    assert list(restrict(model.objects.all(), world.supervisor, Action.READ_COURT_RECORDS)) == [mine]
    # Review of issue 13: a supervisor's hat reaches only what it can see, for one record too.
    assert can(world.supervisor, Action.READ_COURT_RECORDS, mine)
    assert not can(world.supervisor, Action.READ_COURT_RECORDS, theirs)
    assert list(restrict(model.objects.all(), world.officer, Action.MESSAGE, "court")) == [mine]


def test_four_eyes_the_author_does_not_approve(world):
    from enforcelink.linkage.models import AssistanceRequest

    leader = UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    case = file_case(world.court)
    request = AssistanceRequest.objects.create(
        case=case,
        unit=world.unit,
        request_type="freeze",
        sla_amount=1,
        sla_unit="working_days",
        created_by=leader,
    )
    assert can(world.president, Action.APPROVE_REQUEST, request)
    assert is_own_request(leader, request) is True
    assert not can(leader, Action.APPROVE_REQUEST, request)


def test_templates_ask_may(world):
    rendered = Template("{% if may.file %}file{% endif %}|{% if may.use_inbox %}inbox{% endif %}")
    assert rendered.render(Context({"may": May(world.officer)})) == "file|"
    assert rendered.render(Context({"may": May(world.liaison)})) == "|inbox"
    with pytest.raises(KeyError):
        May(world.officer)["no_such_action"]
