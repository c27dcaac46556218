from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda nacional y planes de trabajo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from agenda import demo, perfil, selectors
        from agenda.importacion import ImportadorLineas
        from agenda.models import (
            AgendaNacional,
            Compromiso,
            LineaPlan,
            PlanConcertado,
            PlanDeTrabajo,
        )
        from att import cambios, importacion, registros

        registros.registrar_resumen_inicio("agenda", selectors.resumen_inicio, orden=30)
        registros.registrar_demo("agenda", demo.generar, orden=30)
        importacion.registrar_importador("lineas", ImportadorLineas)
        perfil.registrar_secciones()

        # Fuente de cambios de la API: la agenda es pública; lo demás, de la entidad dueña del plan.
        cambios.registrar(AgendaNacional, publico=True)
        cambios.registrar(PlanDeTrabajo, entidad="entidad_id")
        cambios.registrar(LineaPlan, entidad="plan.entidad_id")
        cambios.registrar(PlanConcertado, entidad="entidad_territorial_id")
        cambios.registrar(Compromiso, entidad="plan.entidad_territorial_id")
