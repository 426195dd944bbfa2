from django.apps import AppConfig


class AssetsConfig(AppConfig):
    """查控: inquiry into a debtor's property, asset records, control measures under one budget,
    renewals and waiting lists (DOMAIN.md §4)."""

    name = "enforcelink.assets"
    label = "assets"
    verbose_name = "财产查控"
