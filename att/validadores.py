"""Validación de lo que escriben y suben los usuarios: largo máximo de los textos libres y
archivos (evidencias, anexos, documentos)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# --- Largo máximo de los textos libres (OWASP ASVS 5.1) ------------------------------------------
# Un solo lugar para los límites. Todos quedan muy por debajo de las 32.767 letras que caben en una
# celda de Excel (una exportación XLSX nunca corta un texto) y del megabyte que admite un tsvector
# de PostgreSQL (la búsqueda de ofertas indexa la necesidad y la descripción: 2 × 10.000 está lejos;
# un megabyte de descripción daba un error 500 al armar el tsvector). Se eligieron por
# encima de lo más largo que producen los datos semilla y `generar_demo` (menos de 1.000 letras).
TEXTO_CORTO = 2_000
"""Motivos, comentarios, observaciones y notas de una transición: unas pocas frases (≈ una página)."""
TEXTO_MEDIO = 5_000
"""Comentarios de revisión, objetivos, compromisos, fórmulas, descripciones de catálogo: varios párrafos."""
TEXTO_LARGO = 10_000
"""Descripciones de una oferta, una demanda, un avance o una mesa de trabajo: unas cuatro páginas."""
TEXTO_EXTENSO = 30_000
"""El contenido completo de un recurso de conocimiento (buena práctica, lección, experiencia): un
documento de unas 12 páginas."""
TEXTO_TECNICO = 2_000
"""Errores que escribe el sistema (bandeja de salida, informes): el código que los escribe los recorta
con `recortar`; no se rechazan. Las alertas (`Notificacion.mensaje`, TEXTO_MEDIO) también se recortan."""
LIMITE_CELDA_XLSX = 32_767
"""Lo más que cabe en una celda de Excel; más allá, Excel corta o se niega a abrir el archivo."""


def largo_maximo(limite: int) -> dict:
    """Argumentos de un `TextField` con largo máximo: `max_length` (el formulario pone `maxlength`
    en el área de texto y valida; la API valida) y el validador (lo aplica `full_clean` en los servicios
    y las importaciones; un `TextField` no lo trae solo, a diferencia de un `CharField`). Los mensajes
    son los de Django y DRF, traducidos al español con LANGUAGE_CODE = "es-co".
    Uso: `models.TextField(_("motivo"), blank=True, **largo_maximo(TEXTO_CORTO))`."""
    return {"max_length": limite, "validators": [MaxLengthValidator(limite)]}


def exigir_largo(modelo, campo: str, texto, *, clave: str | None = None) -> None:
    """Para los servicios que guardan un texto suelto sin `full_clean` (un motivo, un comentario):
    ValidationError en español si pasa del largo máximo de `campo` en `modelo`, con el error bajo
    `clave` (el nombre del argumento o del campo del formulario; por defecto, el del modelo).
    `exigir_largo(Oferta, "comentario_revision", comentario, clave="comentario")`."""
    try:
        MaxLengthValidator(modelo._meta.get_field(campo).max_length)(texto or "")
    except ValidationError as error:
        raise ValidationError({clave or campo: error.error_list}) from None


def exigir_largos(modelo, datos: dict) -> None:
    """Como `exigir_largo`, para los campos de texto de `modelo` que traiga un diccionario de datos
    (los servicios que crean con `objects.create(**campos)`); junta los errores de todos los campos."""
    errores = {}
    for campo, texto in datos.items():
        try:
            limite = modelo._meta.get_field(campo).max_length
        except FieldDoesNotExist:
            continue
        if limite and isinstance(texto, str):
            try:
                MaxLengthValidator(limite)(texto)
            except ValidationError as error:
                errores[campo] = error.error_list
    if errores:
        raise ValidationError(errores)


def recortar(texto, limite: int = TEXTO_TECNICO) -> str:
    """Recorta un texto que escribe el sistema (un error, una alerta) con «…» al final."""
    texto = "" if texto is None else str(texto)
    return texto if len(texto) <= limite else texto[: limite - 1] + "…"


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
