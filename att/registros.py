"""Registros explícitos por los que las apps le aportan cosas a `att` sin que `att` las importe.

`att` está debajo de todas las apps (.importlinter): no puede importarlas ni buscarlas por nombre
(`import_module`, `apps.get_model`), porque entonces un módulo renombrado o quitado desaparece en
silencio. En cambio, cada app se anota desde su `ready()`:

- `registrar_resumen_inicio(area, funcion, orden, depende_de)`: cifras de la portada; `funcion()` devuelve
  una lista de {"etiqueta", "valor", "url"}. La portada la guarda en la caché con las áreas de cifras de
  `depende_de` (`att.cifras`; por defecto, la propia `area`): solo se recalcula cuando cambian.
- `registrar_mapa_inicio(funcion, depende_de)`: el mapa público de la portada (lo aporta el seguimiento),
  guardado igual.
- `registrar_referencia(area, cargar, orden)`: la referencia propia de una app que necesita las entidades
  ya cargadas (p. ej. las acciones del PAS); `manage.py cargar_referencia` llama `cargar()` en ese orden.
- `registrar_demo(area, generar, orden)`: el generador de datos de demostración de la app, que usa
  `manage.py generar_demo` en ese orden (`generar(escala=, rng=, salida=)`).

Las secciones del perfil de una entidad territorial tienen su propio registro (`att/perfil.py`) y los
importadores de archivos el suyo (`att.importacion.registrar_importador`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Aporte:
    area: str
    funcion: Callable
    orden: int
    depende_de: tuple[str, ...] = ()


_RESUMENES: dict[str, Aporte] = {}
_DEMOS: dict[str, Aporte] = {}
_REFERENCIAS: dict[str, Aporte] = {}
_MAPA: list[Aporte] = []


def registrar_resumen_inicio(area: str, funcion: Callable, *, orden: int, depende_de: tuple[str, ...] = ()) -> None:
    _RESUMENES[area] = Aporte(area, funcion, orden, tuple(depende_de) or (area,))


def resumenes_inicio() -> list[Aporte]:
    return sorted(_RESUMENES.values(), key=lambda a: (a.orden, a.area))


def registrar_mapa_inicio(funcion: Callable, *, depende_de: tuple[str, ...]) -> None:
    _MAPA[:] = [Aporte("mapa", funcion, 0, tuple(depende_de))]


def mapa_inicio() -> Aporte | None:
    return _MAPA[0] if _MAPA else None


def registrar_demo(area: str, generar: Callable, *, orden: int) -> None:
    _DEMOS[area] = Aporte(area, generar, orden)


def demos() -> list[Aporte]:
    return sorted(_DEMOS.values(), key=lambda a: (a.orden, a.area))


def registrar_referencia(area: str, cargar: Callable, *, orden: int) -> None:
    _REFERENCIAS[area] = Aporte(area, cargar, orden)


def referencias() -> list[Aporte]:
    return sorted(_REFERENCIAS.values(), key=lambda a: (a.orden, a.area))
