"""Páginas de las conversaciones (`att.conversaciones`): enviar un mensaje y descargar un adjunto.

La conversación se muestra en la página de su objeto (la ficha de la demanda, el plan concertado);
aquí solo llegan el envío del formulario y las descargas, ambas con el permiso del objeto: quien no
lo puede ver recibe 404, como en la página."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from att import conversaciones, services
from att.forms import MensajeForm
from att.idempotencia import CAMPO_FORMULARIO
from att.models import AdjuntoMensaje


def _objeto_o_404(usuario, nombre: str, pk: int):
    tipo = conversaciones.tipo(nombre)
    objeto = tipo.obtener(usuario, pk) if tipo is not None else None
    if objeto is None:
        raise Http404(_("No existe la conversación o no tiene acceso a ella."))
    return objeto


@login_required
@require_POST
def mensaje_nuevo(request, tipo, pk):
    objeto = _objeto_o_404(request.user, tipo, pk)
    form = MensajeForm(request.POST, request.FILES)
    errores = []
    if form.is_valid():
        try:
            mensaje = services.mensaje_publicar(
                objeto=objeto, por=request.user, texto=form.cleaned_data["texto"],
                adjuntos=form.cleaned_data["adjuntos"], clave=request.POST.get(CAMPO_FORMULARIO, ""),
            )
        except ValidationError as e:
            errores = e.messages
        else:
            messages.success(request, _("Mensaje enviado. Avisamos a los demás participantes."))
            return redirect(f"{conversaciones.tipo_de(objeto).url(objeto)}#mensaje-{mensaje.pk}")
    else:
        errores = [e for lista in form.errors.values() for e in lista]
    # El texto no se pierde: vuelve al formulario con los errores (los archivos hay que elegirlos de nuevo).
    conversaciones.guardar_borrador(request, objeto, request.POST.get("texto", ""), errores)
    messages.error(request, _("El mensaje no se envió: %(e)s") % {"e": " ".join(errores)})
    return redirect(conversaciones.url_de(objeto))


@login_required
def adjunto(request, pk):
    adjunto = get_object_or_404(AdjuntoMensaje.objects.select_related("mensaje"), pk=pk)
    tipo = conversaciones.tipo_por_contenido(adjunto.mensaje.tipo_id)
    if tipo is None or tipo.obtener(request.user, adjunto.mensaje.objeto_id) is None:
        raise Http404(_("No existe el archivo o no tiene acceso a él."))
    return FileResponse(adjunto.archivo.open("rb"), as_attachment=True, filename=adjunto.nombre)
