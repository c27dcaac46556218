"""Borradores del lado del servidor para los formularios largos (demanda, oferta, avance).

`static/js/borrador.js` envía lo escrito (sin archivos) unos segundos después de que la persona deja de
escribir; al volver a abrir el formulario la vista lo restaura (`att.selectors.contexto_borrador`) y
`includes/borrador.html` lo anuncia con un botón para descartarlo. Se borra cuando el formulario se
envía con éxito (`att.services.borrador_descartar`, desde la vista del formulario).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from att import services

# Los formularios que guardan borrador (clave que usan su vista y su plantilla).
FORMULARIOS_CON_BORRADOR = frozenset({"demanda.demanda", "oferta.oferta", "seguimiento.avance"})
GUARDADOS_POR_MINUTO = 30
_PROPIOS = ("csrfmiddlewaretoken", "_token_envio", "_borrador_formulario", "_borrador_objeto")


def _clave_y_objeto(datos) -> tuple[str, int]:
    clave = datos.get("_borrador_formulario") or datos.get("formulario") or ""
    objeto = str(datos.get("_borrador_objeto") or datos.get("objeto") or "0")
    if clave not in FORMULARIOS_CON_BORRADOR or not objeto.isdigit():
        raise ValidationError(_("Formulario desconocido."))
    return clave, int(objeto)


def _demasiados(usuario) -> bool:
    clave = f"borrador:limite:{usuario.pk}:{int(timezone.now().timestamp() // 60)}"
    cache.add(clave, 0, 120)
    try:
        return cache.incr(clave) > GUARDADOS_POR_MINUTO
    except ValueError:  # la clave venció entre add e incr
        return False


@login_required
@require_POST
def guardar(request):
    try:
        clave, objeto = _clave_y_objeto(request.POST)
    except ValidationError as e:
        return JsonResponse({"error": " ".join(e.messages)}, status=400)
    if _demasiados(request.user):
        return JsonResponse({"error": _("Demasiados guardados seguidos: espere un momento.")}, status=429)
    datos = {}
    for campo in request.POST:
        if campo in _PROPIOS:
            continue
        valores = request.POST.getlist(campo)
        datos[campo] = valores if len(valores) > 1 else valores[0]
    try:
        borrador = services.borrador_guardar(por=request.user, formulario=clave, objeto_id=objeto, datos=datos)
    except (ValidationError, PermissionDenied) as e:
        return JsonResponse({"error": " ".join(getattr(e, "messages", [str(e)]))}, status=400)
    hora = time_format(timezone.localtime(borrador.actualizado), "H:i")
    return JsonResponse({"guardado": borrador.actualizado.isoformat(),
                         "texto": _("Borrador guardado a las %(h)s.") % {"h": hora}})


@login_required
@require_POST
def descartar(request):
    try:
        clave, objeto = _clave_y_objeto(request.POST)
    except ValidationError as e:
        raise PermissionDenied(" ".join(e.messages)) from e
    services.borrador_descartar(por=request.user, formulario=clave, objeto_id=objeto)
    messages.info(request, _("Borrador descartado."))
    siguiente = request.POST.get("siguiente") or "/"
    if not url_has_allowed_host_and_scheme(siguiente, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        siguiente = "/"
    return redirect(siguiente)
