from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandaConfig(AppConfig):
    name = "demanda"
    verbose_name = _("Demanda territorial")
    default_auto_field = "django.db.models.BigAutoField"
