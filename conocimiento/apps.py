from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConocimientoConfig(AppConfig):
    name = "conocimiento"
    verbose_name = _("Gestión del conocimiento")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from att import cambios
        from conocimiento.models import (
            Curso,
            Discusion,
            EspacioComunidad,
            EstadoRecurso,
            Evento,
            Inscripcion,
            PreguntaFrecuente,
            Recurso,
            SesionFormacion,
        )

        # Fuente de cambios de la API: lo publicado es público; la inscripción, solo para quien lee todo.
        cambios.registrar(Recurso, entidad="entidad_id", publico=lambda r: r.estado == EstadoRecurso.PUBLICADO)
        for modelo in (EspacioComunidad, Discusion, Curso, SesionFormacion, Evento):
            cambios.registrar(modelo, publico=True)
        cambios.registrar(Inscripcion)
        cambios.registrar(PreguntaFrecuente, campo="actualizada", entidad="oferta.entidad_id",
                          publico=lambda p: p.publicada)
