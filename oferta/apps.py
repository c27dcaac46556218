from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfertaConfig(AppConfig):
    name = "oferta"
    verbose_name = _("Oferta de asistencia técnica")
    default_auto_field = "django.db.models.BigAutoField"
