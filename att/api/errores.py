"""El único manejador de errores de la API (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

Las vistas de la API llaman a los servicios sin envolverlos: lo que estos lanzan llega aquí y sale
como JSON en español con la forma que documenta el esquema (att/api/esquema.py):
- `ValidationError` de Django: 400 con los errores por campo y los demás en `non_field_errors`
  (409 si su código es «conflicto»: choca con lo que otro acaba de guardar);
- `PermissionDenied` de Django: 403 con su mensaje en `detail`;
- `Http404`: 404 con `detail` (sin el texto en inglés de get_object_or_404);
- los errores propios de DRF, con sus mensajes traducidos.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as ValidacionDjango
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

# Código de los errores que son un choque con lo que otro acaba de guardar (la API responde 409).
CONFLICTO = "conflicto"
NO_ENCONTRADO = _("No existe o no tiene acceso a ello.")


class Conflicto(exceptions.APIException):
    """Lo pedido choca con lo que otro acaba de guardar (p. ej. dos primeras mediciones del mes a la vez)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Lo pedido choca con lo que otro acaba de guardar.")
    default_code = "conflicto"


def _validacion(error: ValidacionDjango) -> exceptions.APIException:
    if getattr(error, "code", None) == CONFLICTO:
        return Conflicto(error.messages[0])
    if hasattr(error, "error_dict"):
        detalle = {("non_field_errors" if campo == NON_FIELD_ERRORS else campo): mensajes
                   for campo, mensajes in error.message_dict.items()}
        return exceptions.ValidationError(detalle)
    return exceptions.ValidationError({"non_field_errors": error.messages})


def manejador_excepciones(exc, context):
    if isinstance(exc, ValidacionDjango):
        exc = _validacion(exc)
    elif isinstance(exc, Http404):
        # get_object_or_404 dice «No Oferta matches the given query.»: ese texto no sale.
        mensaje = str(exc.args[0]) if exc.args else ""
        exc = exceptions.NotFound(mensaje if mensaje and "matches the given query" not in mensaje
                                  else NO_ENCONTRADO)
    return exception_handler(exc, context)
