"""El archivo de una importación en dos pasos: se guarda al hacer el ensayo y se vuelve a leer al
confirmar, sin que la persona lo suba otra vez.

El ticket lleva el ámbito (qué se importa, p. ej. `demandas` o `plan-12`) y la persona: un ticket
de otra persona o de otro ámbito no se confirma.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings


def _carpeta() -> Path:
    carpeta = Path(settings.MEDIA_ROOT) / "importaciones"
    carpeta.mkdir(parents=True, exist_ok=True)
    return carpeta


def _prefijo(usuario, ambito: str) -> str:
    if not re.fullmatch(r"[a-z0-9-]+", ambito):
        raise ValueError("El ámbito de una importación solo lleva minúsculas, dígitos y guiones.")
    return f"{ambito}-u{usuario.pk}-"


def guardar_para_confirmar(archivo, *, usuario, ambito: str) -> tuple[str, Path]:
    """Guarda el archivo subido y devuelve (ticket, ruta)."""
    ticket = f"{_prefijo(usuario, ambito)}{uuid.uuid4().hex}{Path(archivo.name).suffix.lower()}"
    ruta = _carpeta() / ticket
    with ruta.open("wb") as salida:
        for trozo in archivo.chunks():
            salida.write(trozo)
    return ticket, ruta


def ruta_del_ticket(ticket: str, *, usuario, ambito: str) -> Path | None:
    """La ruta del archivo del ensayo, o None si el ticket no es de esta persona y ámbito o ya no está."""
    nombre = Path(ticket or "").name
    ruta = _carpeta() / nombre
    if not nombre.startswith(_prefijo(usuario, ambito)) or not ruta.is_file():
        return None
    return ruta


def descartar(ruta: Path | None) -> None:
    if ruta is not None:
        ruta.unlink(missing_ok=True)
