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
    assert set(PERMISSIONS) == set(Action)
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in SRC.rglob("*")
        if path.suffix in (".py", ".html") and path.name != "permissions.py"
    )
    unasked = [a for a in Action if f"Action.{a.name}" not in code and f"may.{a.value}" not in code]
    assert unasked == [], f"actions nobody asks: {unasked}"


# A role condition typed where people meet the code: the question belongs to `can`.
ROLE_CONDITION = re.compile(
    r"\b(is_court_staff|is_unit_staff|is_supervisor|is_superuser|can_approve)\b"
    r"|\b(user|actor)\.role\s*(==|!=|in\b|not\s+in\b)"
)
VIEW_MODULES = ("views.py", "batch_views.py", "api.py")


def _conditions(path: Path) -> list[str]:
    """Each line holding a condition on a role, once (the outermost expression found there)."""
    found: dict[int, str] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If | ast.IfExp | ast.BoolOp | ast.Compare | ast.UnaryOp):
            segment = ast.unparse(getattr(node, "test", node))
            if ROLE_CONDITION.search(segment):
                found.setdefault(node.lineno, f"{path}:{node.lineno}: {segment}")
    return list(found.values())


def test_no_view_api_or_template_types_a_role_condition():
    found = [hit for name in VIEW_MODULES for path in SRC.rglob(name) for hit in _conditions(path)]
    for path in SRC.rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for tag in re.findall(r"{%\s*(?:if|elif)\b[^%]*%}", line):
                if ROLE_CONDITION.search(tag):
                    found.append(f"{path}:{number}: {tag}")
    assert found == [], "ask orgs.permissions.can (templates: may.<action>):\n" + "\n".join(found)


def test_the_structural_check_sees_a_typed_condition(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def v(user):\n    if user.role == 'president':\n        return {'role': user.role}\n")
    assert [hit.split(": ", 1)[1] for hit in _conditions(sample)] == ["user.role == 'president'"]


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
    assert can(root, Action.EDIT_DEFAULT_TEMPLATES) and can(root, Action.EDIT_TEMPLATES, world.court)
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
    file_case(world.other_court)
    model = type(mine)
    assert list(restrict(model.objects.all(), world.officer, Action.CLOSE)) == [mine]
    assert not restrict(model.objects.all(), world.supervisor, Action.CLOSE).exists()
    assert restrict(model.objects.all(), world.supervisor, Action.READ_COURT_RECORDS).count() == 2


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
