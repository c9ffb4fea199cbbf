from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("Welfare")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from welfare.trigram_planning import reapply_trigram_cost

        # pg_dump does not keep the cost of pg_trgm's function: `migrate` after a restore sets it again.
        post_migrate.connect(reapply_trigram_cost, sender=self, dispatch_uid="welfare.reapply_trigram_cost")
