"""Errores de los servicios traducidos a respuestas de la API (403, 400 o 409), en español."""

from django.core.exceptions import PermissionDenied as PermisoDjango
from django.core.exceptions import ValidationError as ValidacionDjango
from rest_framework import exceptions, status

# Código de los errores que son un choque con lo que otro acaba de guardar (la API responde 409).
CONFLICTO = "conflicto"


class Conflicto(exceptions.APIException):
    """Lo pedido choca con lo que otro acaba de guardar (p. ej. dos primeras mediciones del mes a la vez)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflicto"


def traducir(error):
    if isinstance(error, PermisoDjango):
        return exceptions.PermissionDenied(str(error))
    if getattr(error, "code", None) == CONFLICTO:
        return Conflicto(error.messages[0])
    if hasattr(error, "message_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"detalle": error.messages})


def ejecutar(funcion, **kwargs):
    """Llama al servicio y convierte sus errores de Django en los de la API."""
    try:
        return funcion(**kwargs)
    except (PermisoDjango, ValidacionDjango) as e:
        raise traducir(e) from e
