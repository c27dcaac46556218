"""Páginas de error en español (handler400/403/404/500 y el fallo de CSRF).

Bajo /api/ responden JSON con la forma de los errores de la API (`{"detail": …}`, como el
manejador de att/api/errores.py); en el resto del sitio, una página con el diseño del sitio.
La de 500 no usa procesadores de contexto ni la base de datos: se muestra aunque estos fallen.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def _es_api(request) -> bool:
    return request.path.startswith("/api/")


def _mensaje(exception) -> str:
    """El mensaje de la excepción si es una frase para la persona (los servicios los escriben en
    español); nunca el texto en inglés de get_object_or_404 ni el detalle del enrutador."""
    argumento = exception.args[0] if exception is not None and exception.args else None
    if not isinstance(argumento, str) or "matches the given query" in argumento:
        return ""
    return argumento


def _responder(request, estado: int, plantilla: str, detalle: str, mensaje: str = ""):
    if _es_api(request):
        return JsonResponse({"detail": mensaje or detalle}, status=estado,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, plantilla, {"mensaje": mensaje}, status=estado)


@requires_csrf_token
def error_400(request, exception=None):
    return _responder(request, 400, "400.html", _("La solicitud no es válida."))


@requires_csrf_token
def error_403(request, exception=None):
    return _responder(request, 403, "403.html", _("No tiene permiso para realizar esta acción."),
                      _mensaje(exception))


@requires_csrf_token
def error_404(request, exception=None):
    return _responder(request, 404, "404.html", _("No existe o no tiene acceso a ello."), _mensaje(exception))


@requires_csrf_token
def error_500(request):
    if _es_api(request):
        return JsonResponse({"detail": _("Error interno del servidor. Ya quedó registrado; intente más tarde.")},
                            status=500, json_dumps_params={"ensure_ascii": False})
    # Sin `request`: ningún procesador de contexto (sesión, alertas) que pueda volver a fallar.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_fallo(request, reason=""):
    """CSRF_FAILURE_VIEW: el formulario venció (p. ej. la página quedó abierta mucho tiempo)."""
    if _es_api(request):
        return JsonResponse({"detail": _("Falta la verificación CSRF de la sesión. Vuelva a cargar la página.")},
                            status=403, json_dumps_params={"ensure_ascii": False})
    return render(request, "403_csrf.html", status=403)
