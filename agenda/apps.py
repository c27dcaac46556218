from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda nacional y planes de trabajo")
    default_auto_field = "django.db.models.BigAutoField"
