"""Steps shared by the browser journeys."""

from __future__ import annotations

from playwright.sync_api import Page, expect

PASSWORD = "correct-horse-9"  # tests.factories.UserFactory's password


def log_in(page: Page, base: str, username: str = "zhang.officer") -> None:
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").first.click()
    expect(page).to_have_url(f"{base}/")


def log_out(page: Page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")


def open_menu(page: Page, href: str) -> None:
    """Follow the navigation's link to `href` the way a person does: open its menu first when it sits
    in a closed group (案件 ▾, 协执 ▾, …)."""
    link = page.locator(f".mainnav a[href='{href}']")
    if not link.is_visible():
        page.locator(".mainnav details", has=page.locator(f"a[href='{href}']")).locator("summary").click()
    link.click()
