from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "enforcelink.linkage"
    label = "linkage"
    verbose_name = "执行联动"
