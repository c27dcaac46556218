from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicadoresConfig(AppConfig):
    name = "indicadores"
    verbose_name = _("Indicadores")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from att import cambios
        from indicadores.models import Indicador, Medicion

        # Fuente de cambios de la API: de la entidad responsable del indicador.
        cambios.registrar(Indicador, entidad="entidad_id")
        cambios.registrar(Medicion, campo="registrada_en", entidad="indicador.entidad_id")
