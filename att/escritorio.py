"""Registro de lo que aparece en el escritorio de cada persona (`/mi-escritorio/`).

El escritorio junta lo que espera a *esta* persona en todas las áreas; `att` no importa las apps (está
debajo de todas). Cada app registra desde su `ready()` sus grupos, en un módulo `<app>/escritorio.py`:

    from att import escritorio
    escritorio.registrar(escritorio.Grupo(
        clave="mis-demandas", titulo=_("Sus demandas"), orden=20, items=selectors.demandas_de_escritorio,
    ))

- `items(usuario)` devuelve la lista de `Item` para esa persona, o `None` si el grupo no le toca (no aparece;
  una lista vacía muestra el grupo con su texto `vacio`). Debe costar un número fijo de consultas, sin importar
  cuántos registros haya: el escritorio fija su número de consultas en las pruebas.
- Cada `Item` enlaza (`url`) a una página que esa persona puede abrir y donde puede actuar: la prueba del
  escritorio abre cada enlace de cada rol de la demo y exige 200.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Item:
    titulo: str
    url: str
    estado: str = ""  # etiqueta corta: «Registrada», «Vencido»…
    siguiente: str = ""  # qué sigue o qué debe hacer la persona, en una frase
    fecha: date | None = None
    urgente: bool = False  # vencido o esperando a la persona: se resalta


@dataclass(frozen=True)
class Grupo:
    clave: str  # único; es también el ancla (#clave) en la página
    titulo: str  # gettext_lazy
    orden: int
    items: Callable  # items(usuario) -> list[Item] | None
    vacio: str = ""  # texto cuando la lista está vacía (gettext_lazy)
    mas: Callable | None = None  # mas(usuario) -> (texto, url) de la lista completa, o None


@dataclass
class GrupoLleno:
    grupo: Grupo
    items: list[Item] = field(default_factory=list)
    mas: tuple[str, str] | None = None

    @property
    def clave(self):
        return self.grupo.clave

    @property
    def titulo(self):
        return self.grupo.titulo

    @property
    def vacio(self):
        return self.grupo.vacio


_GRUPOS: dict[str, Grupo] = {}
LIMITE = 10  # elementos por grupo: lo más reciente o lo más urgente; «mas» lleva a la lista completa


def registrar(grupo: Grupo) -> None:
    """Agrega (o reemplaza, si se repite la clave: `ready()` puede correr dos veces en pruebas) un grupo."""
    _GRUPOS[grupo.clave] = grupo


def quitar(clave: str) -> Grupo | None:
    return _GRUPOS.pop(clave, None)


def grupos() -> list[Grupo]:
    return sorted(_GRUPOS.values(), key=lambda g: (g.orden, g.clave))


def escritorio_de(usuario) -> list[GrupoLleno]:
    """Los grupos que le tocan a `usuario`, con sus elementos (a lo sumo `LIMITE` por grupo)."""
    llenos = []
    for grupo in grupos():
        items = grupo.items(usuario)
        if items is None:
            continue
        mas = grupo.mas(usuario) if grupo.mas is not None else None
        llenos.append(GrupoLleno(grupo, list(items)[:LIMITE], mas))
    return llenos
