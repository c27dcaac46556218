from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PasConfig(AppConfig):
    name = "pas"
    verbose_name = _("Plan de Acción y Seguimiento (PAS) del CONPES 4091")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from att import cambios, registros
        from pas import demo, referencia
        from pas.models import Accion, CorteSemestral, ReportePAS

        # Fuente de cambios de la API: la acción y sus reportes son de la entidad responsable; los cortes, públicos.
        cambios.registrar(Accion, entidad="entidad_id")
        cambios.registrar(ReportePAS, entidad="accion.entidad_id")
        cambios.registrar(CorteSemestral, publico=True)

        registros.registrar_demo("pas", demo.generar, orden=70)
        registros.registrar_referencia("pas", referencia.cargar, orden=10)
