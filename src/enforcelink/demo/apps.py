from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DemoConfig(AppConfig):
    name = "enforcelink.demo"
    label = "demo"
    verbose_name = "演示数据"

    def ready(self) -> None:
        from enforcelink.core import narration

        # The trail's label of what `demo-data` creates (world.build_world), in words.
        narration.name_machine("demo-data", gettext_lazy("demo data"))
        # The printed liaison's unit answers by hand: `simulate agencies` leaves it alone.
        from enforcelink.demo.linkage import human_units
        from enforcelink.linkage.simulator import leave_to_people

        leave_to_people(human_units)
