from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda nacional y planes de trabajo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from agenda.models import (
            AgendaNacional,
            Compromiso,
            LineaPlan,
            PlanConcertado,
            PlanDeTrabajo,
        )
        from att import cambios

        # Fuente de cambios de la API: la agenda es pública; lo demás, de la entidad dueña del plan.
        cambios.registrar(AgendaNacional, publico=True)
        cambios.registrar(PlanDeTrabajo, entidad="entidad_id")
        cambios.registrar(LineaPlan, entidad="plan.entidad_id")
        cambios.registrar(PlanConcertado, entidad="entidad_territorial_id")
        cambios.registrar(Compromiso, entidad="plan.entidad_territorial_id")
