"""Validación de archivos que suben los usuarios (evidencias, anexos, documentos)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


# Firma de los primeros bytes de cada tipo: un .pdf que no empieza por %PDF no es un PDF.
FIRMAS = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "odp": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
}
TEXTO = {"csv", "txt"}


def _contenido_coincide(archivo, extension: str) -> bool:
    inicio = archivo.read(2048)
    archivo.seek(0)
    if isinstance(inicio, str):
        return True
    if extension in FIRMAS:
        return inicio.startswith(FIRMAS[extension])
    if extension in TEXTO:
        return b"\x00" not in inicio
    return True


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
    if archivo.size == 0:
        raise ValidationError(
            _("El archivo «%(nombre)s» está vacío."), code="vacio", params={"nombre": Path(archivo.name).name}
        )
    if archivo.size > max_bytes:
        raise ValidationError(
            _("El archivo «%(nombre)s» pesa %(peso)s; el máximo es %(maximo)s."),
            code="demasiado_grande",
            params={"nombre": Path(archivo.name).name, "peso": filesizeformat(archivo.size),
                    "maximo": filesizeformat(max_bytes)},
        )
    if hasattr(archivo, "read") and not _contenido_coincide(archivo, extension):
        raise ValidationError(
            _("El contenido de «%(nombre)s» no corresponde a un archivo .%(ext)s. Revise que no esté dañado "
              "o que no le hayan cambiado la extensión."),
            code="contenido_no_coincide", params={"nombre": Path(archivo.name).name, "ext": extension},
        )
