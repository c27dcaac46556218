from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RutasConfig(AppConfig):
    name = "rutas"
    verbose_name = _("Rutas de asistencia")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from att import cambios, registros
        from att.models import DiagnosticoCapacidad, EgresoCapacidad
        from rutas import (
            demo,
            perfil,
            rules,  # noqa: F401 - registra los permisos
        )
        from rutas.models import Ruta

        registros.registrar_demo("rutas", demo.generar, orden=60)
        perfil.registrar()  # secciones «Rutas de asistencia» y «Capacidad» del perfil de la entidad

        # Fuente de cambios de la API: lo de la entidad territorial de la ruta o del diagnóstico.
        cambios.registrar(Ruta, entidad="entidad_id")
        cambios.registrar(DiagnosticoCapacidad, entidad="entidad_id")
        cambios.registrar(EgresoCapacidad, campo="creado", entidad="entidad_id")
