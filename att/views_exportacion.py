"""La página de una exportación grande que genera Celery (`att.exportacion.diferir`): su estado, que se
actualiza sola mientras se genera, y la descarga cuando está lista. La clave del enlace es secreta (UUID);
si la pidió una persona autenticada, solo ella la ve."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from att import exportacion
from att.models import ArchivoExportado, EstadoExportacion


def _pedida(request, clave) -> ArchivoExportado:
    pedida = get_object_or_404(ArchivoExportado, clave=clave)
    if pedida.usuario_id is not None and pedida.usuario_id != request.user.pk:
        raise Http404
    return pedida


@require_GET
def exportacion_estado(request, clave):
    pedida = _pedida(request, clave)
    en_curso = pedida.estado in (EstadoExportacion.PENDIENTE, EstadoExportacion.GENERANDO)
    return render(request, "att/exportacion.html", {"pedida": pedida, "en_curso": en_curso})


@require_GET
def exportacion_descargar(request, clave):
    from django.utils.translation import gettext as _

    pedida = _pedida(request, clave)
    return exportacion.respuesta_archivo_generado(
        pedida, pedida.formato, pedida.nombre or f"exportacion.{pedida.formato}",
        no_listo=_("La exportación aún no está lista."))
