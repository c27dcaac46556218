"""Validación de archivos que suben los usuarios (evidencias, anexos, documentos)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def validar_adjunto(archivo, *, extensiones=None, max_bytes=None) -> None:
    """Rechaza con un mensaje en español los archivos de tipo o tamaño no permitidos."""
    extensiones = [e.lower() for e in (extensiones or settings.ATT_ADJUNTO_EXTENSIONES)]
    max_bytes = max_bytes or settings.ATT_ADJUNTO_MAX_BYTES
    extension = Path(archivo.name).suffix.lower().lstrip(".")
    if extension not in extensiones:
        raise ValidationError(
            _("El archivo «%(nombre)s» no es de un tipo permitido. Tipos aceptados: %(tipos)s."),
            code="tipo_no_permitido",
            params={"nombre": Path(archivo.name).name, "tipos": ", ".join(extensiones)},
        )
    if archivo.size > max_bytes:
        raise ValidationError(
            _("El archivo «%(nombre)s» pesa %(peso)s; el máximo es %(maximo)s."),
            code="demasiado_grande",
            params={"nombre": Path(archivo.name).name, "peso": filesizeformat(archivo.size),
                    "maximo": filesizeformat(max_bytes)},
        )
