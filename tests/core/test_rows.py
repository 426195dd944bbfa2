"""Bulk writes (`core.rows`): what COPY writes on PostgreSQL reads back exactly as `bulk_create`'s."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from enforcelink.core.models import AuditEvent, Notification
from enforcelink.core.rows import _Column, insert_rows, insert_values, new, update_rows
from enforcelink.linkage.models import AssistanceRequest, Delivery, DeliveryStatus, ReplyReceipt, RequestEvent
from tests.factories import UserFactory

MOMENT = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)

AWKWARD = 'a "quoted" \\ back\\slash\ttab\nnewline\r執行 ☃ {"json": [1, null]} \\N'


def _event(seq: int, **fields) -> AuditEvent:
    return AuditEvent(seq=seq, created_at=dt.datetime(2026, 12, 2, 8, 30, 1, 123456, tzinfo=dt.UTC),
                      action="test.rows", object_type="test", prev_hash="0" * 64, hash=str(seq) * 64, **fields)  # fmt: skip


def test_inserted_rows_get_their_keys_and_read_back_as_written(db):
    user = UserFactory()
    after = {"text": AWKWARD, "nested": [{"k": "v\\", "n": None, "f": 1.5}], "empty": {}}
    rows = [
        _event(1, actor=user, actor_label=AWKWARD, after=after, case_id=7),
        _event(2, before=None, after=None),
        _event(3, object_id="", before=[AWKWARD], after="just a string"),
    ]
    with transaction.atomic():
        assert insert_rows(rows) == rows
    assert len({row.pk for row in rows}) == 3 and all(row.pk and not row._state.adding for row in rows)
    stored = {event.pk: event for event in AuditEvent.objects.filter(action="test.rows")}
    for row in rows:
        back = stored[row.pk]
        for name in ("seq", "created_at", "actor_id", "actor_label", "object_id", "case_id", "court_id",
                     "before", "after", "hash"):  # fmt: skip
            assert getattr(back, name) == getattr(row, name), name
    # Usable at once: updated by key; and a later insert takes a new key.
    rows[0].actor_label = "changed"
    update_rows(rows[:1], ["actor_label"])
    assert AuditEvent.objects.get(pk=rows[0].pk).actor_label == "changed"
    [later] = insert_rows([_event(4)])
    assert later.pk > max(row.pk for row in rows)


def test_updated_rows_read_back_as_written_and_others_are_untouched(db):
    """Several columns at once — text, NULL, JSON, a timestamp — over more rows than one batch."""
    rows = insert_rows([_event(seq, after={"n": seq}) for seq in range(1, 8)])
    moment = dt.datetime(2026, 12, 3, 9, 0, 0, 654321, tzinfo=dt.UTC)
    changed = rows[:5]
    for row in changed:
        row.actor_label, row.after, row.case_id, row.created_at = (
            AWKWARD,
            {"k": [AWKWARD, None]},
            None,
            moment,
        )
    update_rows(changed, ["actor_label", "after", "case_id", "created_at"], batch_size=2)
    stored = {event.pk: event for event in AuditEvent.objects.filter(action="test.rows")}
    for row in changed:
        back = stored[row.pk]
        assert (back.actor_label, back.after, back.case_id, back.created_at) == (
            AWKWARD,
            {"k": [AWKWARD, None]},
            None,
            moment,
        )
    for row in rows[5:]:
        assert stored[row.pk].after == {"n": row.seq} and stored[row.pk].actor_label == ""


def test_auto_now_add_is_filled_in(db):
    user = UserFactory()
    [note] = insert_rows([Notification(user=user, kind="k", message=AWKWARD)])
    assert note.created_at is not None
    assert Notification.objects.get(pk=note.pk).created_at == note.created_at


def test_a_related_object_saved_after_it_was_assigned_gives_its_key(db):
    user = UserFactory.build()
    note = Notification(user=user, kind="k", message="m")
    user.save()
    [saved] = insert_rows([note])
    assert Notification.objects.get(pk=saved.pk).user_id == user.pk


def test_a_refused_row_writes_none_of_them(db):
    user = UserFactory()
    good = Notification(user=user, kind="k", message="m")
    bad = Notification(user_id=user.pk + 10_000, kind="k", message="m")  # no such user
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows([good, bad])
        transaction.get_connection().check_constraints()  # what the commit would check
    assert not Notification.objects.exists()


def test_nothing_to_insert_is_nothing():
    assert insert_rows([]) == []


def test_values_go_to_the_database_as_django_prepares_them(db):
    """`_Column` skips Django's preparation only where it would hand the value back unchanged: every
    column gets the same value of the same type (a TextChoices member, a bool in a small integer
    field, JSON, a UUID, None)."""
    item = Delivery(
        endpoint_id=3, request_id=9, event="request.sent", payload={"a": [1, "執行"]},
        status=DeliveryStatus.PENDING, attempts=True, next_attempt_at=dt.datetime(2026, 12, 2, tzinfo=dt.UTC),
        lease_token=uuid.uuid4(), last_status=None, last_error="",
    )  # fmt: skip
    moment = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    request = AssistanceRequest(
        case_id=4, unit_id=5, request_type="inquire_deposits", purpose="查询", legal_basis="第二百五十三条",
        details={"amount": "12.50"}, status="sent", sla_amount=3, sla_unit="working_days", batch=uuid.uuid4(),
        notice_id=None, created_by_id=2, sent_at=moment, due_on=dt.date(2026, 12, 7), acknowledged_at=None,
        completed_at=dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC), result={}, reason="",
    )  # fmt: skip
    for obj in (item, request):
        for adding in (False, True):  # an update reads the attribute; an insert asks pre_save first
            for field in type(obj)._meta.concrete_fields:
                ours = _Column(field, connection).value(obj, adding=adding)
                raw = field.pre_save(obj, True) if adding else getattr(obj, field.attname)
                django = field.get_db_prep_save(raw, connection)
                assert type(ours) is type(django), field.name
                if not getattr(field, "auto_now_add", False):  # (pre_save stamps a new time each call)
                    assert getattr(ours, "obj", ours) == getattr(django, "obj", django), field.name


def test_a_naive_datetime_goes_through_django_as_it_would_be_saved(db, settings):
    """A naive moment is made aware in the platform's zone by Django, never passed on as it is."""
    settings.USE_TZ = True
    field = AssistanceRequest._meta.get_field("sent_at")
    request = AssistanceRequest(sent_at=dt.datetime(2026, 12, 2, 9, 30))
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        django = field.get_db_prep_save(request.sent_at, connection)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        ours = _Column(field, connection).value(request, adding=False)
    assert ours == django


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Delivery, {"endpoint_id": 3, "request_id": 9, "event": "request.sent", "payload": {"a": 1}}),
        (
            RequestEvent,
            {"request_id": 9, "kind": "sent", "status_after": "sent", "actor_id": 2, "at": MOMENT},
        ),
        (
            AuditEvent,
            {"seq": 7, "created_at": MOMENT, "action": "request.sent", "object_type": "x", "prev_hash": "0"},
        ),
        (ReplyReceipt, {"unit_id": 4, "key": "k", "request_id": 9, "fingerprint": "f"}),
    ],
)
def test_new_makes_what_the_model_makes(model, values):
    """`rows.new` skips Model.__init__: the instance must be the one `model(**values)` gives, field
    for field (defaults included: a fresh dict each time for a JSON default), new and unsaved."""
    ours, django = new(model, **values), model(**values)
    for field in model._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(django, field.attname), field.name
    assert ours._state.adding and ours._state.db is None and ours.pk is None
    dict_defaults = [f.attname for f in model._meta.concrete_fields if f.default is dict]
    for attname in dict_defaults:
        assert getattr(ours, attname) is not getattr(new(model, **values), attname)


def test_new_refuses_what_the_model_does_not_have():
    with pytest.raises(TypeError, match="request"):
        new(RequestEvent, request=None)  # the attribute name is request_id


def test_new_rows_insert_and_read_back(db):
    user = UserFactory()
    made = insert_rows([new(AuditEvent, seq=10**6 + n, created_at=MOMENT, actor_id=user.pk, action="t", object_type="t",
                            prev_hash="0", hash=str(n)) for n in range(3)])  # fmt: skip
    assert [e.pk for e in made] == list(
        AuditEvent.objects.filter(seq__gte=10**6).order_by("seq").values_list("pk", flat=True)
    )
    assert AuditEvent.objects.filter(seq__gte=10**6, actor=user).count() == 3


def test_an_audit_actor_must_be_a_user(db):
    from enforcelink.core import audit

    with pytest.raises(TypeError, match="user or a label"), transaction.atomic():
        audit.record("t", None, actor=Delivery(pk=5))


def test_insert_values_writes_tuples_and_gives_their_keys_in_order(db):
    user = UserFactory()
    columns = [f.attname for f in Notification._meta.concrete_fields if not f.primary_key]
    made = [
        new(Notification, user_id=user.pk, kind="k", message=f"m{n}", created_at=MOMENT) for n in range(3)
    ]
    rows = [tuple(getattr(obj, name) for name in columns) for obj in made]
    with transaction.atomic():
        keys = insert_values(Notification, columns, rows)
    assert len(keys) == 3 and keys == sorted(keys)
    assert [Notification.objects.get(pk=key).message for key in keys] == ["m0", "m1", "m2"]
    assert insert_values(Notification, columns, []) == []


def test_insert_values_wants_every_column_but_the_key(db):
    with pytest.raises(ValueError, match="message"):
        insert_values(Notification, ["user_id", "kind"], [(1, "k")])


def test_a_unique_violation_in_copy_is_an_integrity_error(db):
    """COPY goes around Django's cursor: its errors are translated all the same (a statement import
    retries a part whose bank reference another booking took, funds.receiving)."""
    first = _event(9)
    with transaction.atomic():
        insert_rows([first])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows([_event(9)])
