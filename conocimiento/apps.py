from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConocimientoConfig(AppConfig):
    name = "conocimiento"
    verbose_name = _("Gestión del conocimiento")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from att import cambios, registros
        from conocimiento import demo, perfil, selectors

        registros.registrar_resumen_inicio("conocimiento", selectors.resumen_inicio, orden=50)
        registros.registrar_demo("conocimiento", demo.generar, orden=50)
        perfil.registrar_secciones()
        from att import cifras
        from att.models import Rol, Tema
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

        # Cifras de la portada y facetas del repositorio sin consulta (att/cifras.py): un recurso o un
        # tema que cambia las recalcula.
        cifras.registrar_area("conocimiento", Recurso, Tema)

        # Fuente de cambios de la API, con la visibilidad de sus páginas (conocimiento/selectors.py):
        # - recurso: publicado para todos; sin publicar solo para quien lee todo (lo ve también quien lo
        #   propuso, pero la entidad del recurso es la territorial de la experiencia, no la suya);
        # - espacio: activo; discusión: no oculta y de un espacio activo (la oculta, solo para quien lee
        #   todo: sus moderadores no la reciben por aquí);
        # - curso: publicado para todos; sin publicar, de la entidad que lo ofrece; la sesión, la de su curso;
        # - evento: público; la inscripción, solo para quien lee todo.
        cambios.registrar(Recurso, publico=lambda r: r.estado == EstadoRecurso.PUBLICADO)
        cambios.registrar(EspacioComunidad, publico=lambda e: e.activo)
        cambios.registrar(Discusion, publico=lambda d: not d.oculta and d.espacio.activo)
        cambios.registrar(Curso, entidad="entidad_id", publico=lambda c: c.publicado, roles=[Rol.OFERENTE])
        cambios.registrar(SesionFormacion, entidad="curso.entidad_id", publico=lambda s: s.curso.publicado,
                          roles=[Rol.OFERENTE])
        cambios.registrar(Evento, publico=True)
        cambios.registrar(Inscripcion)
        cambios.registrar(PreguntaFrecuente, campo="actualizada", entidad="oferta.entidad_id",
                          publico=lambda p: p.publicada)
