"""People are named by their names, not their login names: the admin's welcome, and whatever asks
Django for a user's full or short name."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.factories import UserFactory


def test_the_admin_welcomes_the_person_by_name(client, db):
    root = UserFactory(username="admin", full_name="系统管理员", is_superuser=True, is_staff=True, role="")
    client.force_login(root)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    welcome = re.search(r'<div id="user-tools">\s*Welcome,\s*<strong>(.*?)</strong>', page)
    assert welcome and welcome.group(1) == "系统管理员"


def test_full_and_short_names_are_the_persons_name_or_else_the_login(db):
    named = UserFactory(username="qj-officer1", full_name="王斌")
    unnamed = UserFactory(username="qj-officer2", full_name="")
    assert named.get_full_name() == named.get_short_name() == "王斌"
    assert unnamed.get_full_name() == unnamed.get_short_name() == "qj-officer2"
