"""Issue 14 §1: the notification list, opening one, read/unread, mark all, the bell — a person's
own notifications only (another's is a 404 like a missing one); and `notify` inside a transaction."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from enforcelink.core.models import Notification
from enforcelink.core.notifications import notify

pytestmark = pytest.mark.usefixtures("english")


def note(user, message="节点已超期", url="/cases/", read=False):
    from django.utils import timezone

    return Notification.objects.create(
        user=user, kind="node.overdue", message=message, url=url, read_at=timezone.now() if read else None
    )


def test_the_list_shows_unread_by_default_and_all_on_asking(world, client_for):
    unread, read = note(world.officer, "未读的"), note(world.officer, "已读的", read=True)
    note(world.colleague, "别人的")
    client = client_for("officer")
    page = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="en")
    assert [n.pk for n in page.context["page"].object_list] == [unread.pk]
    everything = client.get(reverse("notifications"), {"show": "all"})
    assert [n.pk for n in everything.context["page"].object_list] == [unread.pk, read.pk]  # unread first
    assert "别人的" not in everything.content.decode()
    assert client.get(reverse("notifications"), {"show": "junk"}).context["show"] == "unread"


def test_opening_marks_read_and_goes_to_its_page(world, client_for):
    mine = note(world.officer, url="/cases/12/")
    response = client_for("officer").get(reverse("notification-open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/12/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_link_to_another_site_is_not_followed(world, client_for):
    mine = note(world.officer, url="https://evil.example/")
    response = client_for("officer").get(reverse("notification-open", args=[mine.pk]))
    assert response["Location"] == reverse("notifications")


def test_mark_read_unread_and_all(world, client_for):
    first, second = note(world.officer), note(world.officer)
    others = note(world.colleague)
    client = client_for("officer")
    assert client.post(reverse("notification-mark", args=[first.pk, "read"])).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    client.post(reverse("notification-mark", args=[first.pk, "unread"]))
    first.refresh_from_db()
    assert first.read_at is None
    assert client.post(reverse("notification-mark", args=[first.pk, "junk"])).status_code == 404
    client.post(reverse("notifications-read-all"))
    assert not Notification.objects.filter(user=world.officer, read_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.read_at is None  # mark all is mine only
    assert second.pk


def test_another_persons_notification_is_a_404_like_a_missing_one(world, client_for):
    theirs = note(world.colleague)
    client = client_for("officer")
    missing = theirs.pk + 1000
    for name, args in (("notification-open", []), ("notification-mark", ["read"])):
        method = client.get if name == "notification-open" else client.post
        foreign = method(reverse(name, args=[theirs.pk, *args]))
        absent = method(reverse(name, args=[missing, *args]))
        assert foreign.status_code == absent.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_needs_post_and_the_pages_a_sign_in(world, client_for):
    mine = note(world.officer)
    assert client_for("officer").get(reverse("notification-mark", args=[mine.pk, "read"])).status_code == 405
    anonymous = client_for(None)
    for url in (reverse("notifications"), reverse("notification-open", args=[mine.pk])):
        assert anonymous.get(url)["Location"].startswith(reverse("login"))


def test_the_bell_shows_the_unread_count(world, client_for):
    for _ in range(3):
        note(world.officer)
    note(world.officer, read=True)
    body = client_for("officer").get(reverse("notifications")).content.decode()
    assert 'id="bell"' in body and '<span class="badge">3</span></a>' in body


def test_the_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    for _ in range(3):
        note(world.officer)
    client = client_for("officer")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notifications"), {"show": "all"})
    for _ in range(20):
        note(world.officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications"), {"show": "all"})


def test_notify_skips_whoever_acted(world):
    with transaction.atomic():
        made = notify([world.officer, world.colleague.pk, None, world.officer], kind="k", message="m",
                      exclude=[world.colleague])  # fmt: skip
    assert [n.user_id for n in made] == [world.officer.pk]
