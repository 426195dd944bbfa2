"""What the expiry reminders remember (R-ASSET-02): one row per measure, term and threshold, so an
officer hears of a measure's expiry once per threshold (30 days before by default) and again only for
a new term after a renewal. Inserting the row is the claim: two sweeps at once remind once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExpiryReminder(models.Model):
    """The officer was told that `measure`, in effect until `term_end`, expires within `within_days`."""

    measure = models.ForeignKey(
        "assets.ControlMeasure", on_delete=models.CASCADE, related_name="expiry_reminders",
        verbose_name=_("control measure"),
    )  # fmt: skip
    term_end = models.DateField(_("in effect until"))
    within_days = models.PositiveSmallIntegerField(_("days before the end"))
    notified = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("officer told"),
    )  # fmt: skip
    sent_on = models.DateField(_("sent on"))
    claim = models.CharField(_("sweep"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "term_end", "within_days"], name="expiry_reminder_once"
            )
        ]
        indexes = [models.Index(fields=["claim"], name="expiry_reminder_claim")]
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")

    def __str__(self) -> str:
        return f"{self.measure_id} {self.term_end} −{self.within_days}"
