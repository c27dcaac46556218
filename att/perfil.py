"""Registro de secciones del perfil de una entidad territorial (`/territorio/<DIVIPOLA>/`).

El perfil junta lo que saben varias apps; `att` no importa ninguna de ellas (está debajo de todas). Cada app
registra sus secciones desde su `ready()`, en un módulo `<app>/perfil.py`:

    from att import perfil
    perfil.registrar(perfil.Seccion(
        clave="demandas", titulo=_("Demandas"), orden=30, plantilla="demanda/perfil/demandas.html",
        datos=selectors.demandas_para_perfil,            # datos(entidad, usuario) -> objeto | None
        campos=("demanda.Demanda.estado", "demanda.Demanda.entidad"),
        empalme=selectors.demandas_para_empalme,         # empalme(entidad) -> [(hoja, encabezados, filas)]
    ))

- `datos(entidad, usuario)` es el selector acotado por permisos de la sección: devuelve lo que la plantilla
  pinta (con `datos` en el contexto) o `None` si ese usuario no debe verla (la sección no aparece).
- `publica=True`: la sección se muestra también al visitante anónimo y a quien no es de la entidad (entonces
  `datos()` recibe ese usuario; debe mostrar solo lo público). Una sección no pública ni siquiera se consulta
  para quien no puede ver la parte privada del perfil (`att.permisos.puede_ver_perfil_privado`).
- `campos`: «app_label.Modelo.campo» (o «app_label.Modelo.relacion__campo») que la sección lee. El chequeo de
  sistema `att.E201` hace fallar el arranque (`manage.py check`, runserver, migrate, pruebas) si alguno no
  existe: un campo renombrado ya no deja una sección vacía en silencio.
- `empalme(entidad)`: lo que la sección aporta al informe de empalme (PDF y XLSX), como hojas
  `(titulo_hoja, encabezados, filas)`; `None` si no aporta.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.template import TemplateDoesNotExist
from django.template.loader import get_template


@dataclass(frozen=True)
class Seccion:
    clave: str  # "rutas", "demandas", …: única; es también el ancla (#clave) en la página
    titulo: str  # gettext_lazy
    orden: int
    plantilla: str  # plantilla que pinta la sección con `datos`
    datos: Callable  # datos(entidad, usuario) -> objeto para la plantilla, o None si no le toca ver
    publica: bool = False  # se muestra a visitantes anónimos (entonces datos() recibe usuario anónimo)
    campos: tuple[str, ...] = ()  # "app_label.Modelo.campo" que usa; el chequeo de sistema falla si no existe
    empalme: Callable | None = None  # empalme(entidad) -> list[(titulo_hoja, encabezados, filas)]


_SECCIONES: dict[str, Seccion] = {}


def registrar(seccion: Seccion) -> None:
    """Agrega (o reemplaza, si se llama dos veces con la misma clave: `ready()` puede repetirse en pruebas)
    una sección del perfil. Llamado desde el `ready()` de cada app."""
    _SECCIONES[seccion.clave] = seccion


def secciones() -> list[Seccion]:
    """Las secciones registradas, en su orden (y por clave, a igual orden)."""
    return sorted(_SECCIONES.values(), key=lambda s: (s.orden, s.clave))


def quitar(clave: str) -> Seccion | None:
    """Quita una sección (para pruebas que registran una temporal)."""
    return _SECCIONES.pop(clave, None)


def resolver_campo(ruta: str):
    """Ubica «app_label.Modelo.campo[__campo…]» entre los modelos instalados y devuelve el último campo.
    Lanza LookupError con un mensaje que dice qué parte no existe."""
    partes = ruta.split(".")
    if len(partes) != 3 or not all(partes):
        raise LookupError(f"«{ruta}» no tiene la forma app_label.Modelo.campo")
    etiqueta, nombre_campo = f"{partes[0]}.{partes[1]}".lower(), partes[2]
    # get_models() (todos los instalados) en vez de buscar un modelo por nombre de otra app.
    modelo = next((m for m in apps.get_models() if m._meta.label_lower == etiqueta), None)
    if modelo is None:
        raise LookupError(f"el modelo {partes[0]}.{partes[1]} no existe")
    campo = None
    for trozo in nombre_campo.split("__"):
        if modelo is None:
            raise LookupError(f"«{trozo}» sigue a un campo que no es una relación")
        try:
            campo = modelo._meta.get_field(trozo)
        except FieldDoesNotExist as e:
            raise LookupError(f"{modelo._meta.label} no tiene el campo «{trozo}»") from e
        modelo = campo.related_model
    return campo


@checks.register()
def revisar_secciones(app_configs=None, **kwargs):
    """att.E201: una sección nombra un campo que no existe; att.E202: su plantilla no existe;
    att.E203: `datos` o `empalme` no se pueden llamar."""
    errores = []
    for seccion in secciones():
        for ruta in seccion.campos:
            try:
                resolver_campo(ruta)
            except LookupError as e:
                errores.append(checks.Error(
                    f"La sección «{seccion.clave}» del perfil usa el campo «{ruta}»: {e}.",
                    hint="Actualice `campos` y la consulta de la sección en su <app>/perfil.py.",
                    obj=f"att.perfil:{seccion.clave}", id="att.E201"))
        try:
            get_template(seccion.plantilla)
        except TemplateDoesNotExist:
            errores.append(checks.Error(
                f"La sección «{seccion.clave}» del perfil pinta con «{seccion.plantilla}», que no existe.",
                obj=f"att.perfil:{seccion.clave}", id="att.E202"))
        if not callable(seccion.datos) or (seccion.empalme is not None and not callable(seccion.empalme)):
            errores.append(checks.Error(
                f"La sección «{seccion.clave}» del perfil necesita funciones en `datos` y `empalme`.",
                obj=f"att.perfil:{seccion.clave}", id="att.E203"))
    return errores
