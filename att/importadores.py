"""Importación de atributos de focalización por municipio (categoría, grupo MDM, PDET, ZOMAC y
puntaje MDM): solo el mapeo de columnas; el resto es `att.importacion`."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.utils.translation import gettext as _

from att import importacion as imp
from att import permisos
from att.lugares import LugarNoResuelto, Nomenclator
from att.models import CategoriaLey617, GrupoMDM

COLUMNAS = {
    "codigo_divipola": ("código DIVIPOLA", "divipola", "codigo", "codigo municipio", "código del municipio",
                        "cod dane", "codigo dane"),
    "departamento": ("depto", "dpto"),
    "municipio": ("nombre del municipio", "entidad"),
    "categoria": ("categoría", "categoria ley 617", "categoría ley 617"),
    "grupo_mdm": ("grupo", "grupo mdm"),
    "pdet": ("es pdet",),
    "zomac": ("es zomac",),
    "anio_mdm": ("año mdm", "anio", "año"),
    "puntaje_mdm": ("puntaje", "puntaje mdm", "mdm"),
}


class ImportadorAtributos(imp.Importador):
    tipo = "atributos"
    titulo = _("Importar atributos de focalización")
    columnas = COLUMNAS

    def permitir(self):
        if self.por is not None and not permisos.es_admin_dnp(self.por):
            raise imp.PermissionDenied(_("Solo un administrador DNP puede importar atributos de focalización."))

    def preparar(self):
        self.lugares = Nomenclator.cargar()
        self.categorias = imp.Catalogo.de_opciones(_("categorías (Ley 617)"), CategoriaLey617)
        self.grupos = imp.Catalogo.de_opciones(_("grupos MDM"), GrupoMDM)

    def validar(self, fila, numero):
        codigo, municipio = imp.texto(fila.get("codigo_divipola")), imp.texto(fila.get("municipio"))
        departamento = imp.texto(fila.get("departamento"))
        if not (codigo or municipio):
            raise imp.ErrorFila(_("falta el código DIVIPOLA o el par departamento y municipio."))
        try:
            codigo = self.lugares.municipio(codigo or municipio, departamento)
        except LugarNoResuelto as e:
            raise imp.ErrorFila(e.mensaje, sugerencia=e.sugerencia, candidatos=e.candidatos) from None
        cambios: dict = {"codigo": codigo}
        categoria = imp.texto(fila.get("categoria")).upper().replace("ESPECIAL", "E")
        if categoria:
            if categoria not in CategoriaLey617.values:
                raise imp.ErrorFila(_("la categoría «%(c)s» no es válida (use E, 1, 2, 3, 4, 5 o 6).") % {"c": categoria})
            cambios["categoria"] = categoria
        grupo = imp.texto(fila.get("grupo_mdm")).upper()
        if grupo:
            if grupo not in GrupoMDM.values:
                raise imp.ErrorFila(_("el grupo MDM «%(g)s» no es válido (use C, G1, G2, G3, G4 o G5).") % {"g": grupo})
            cambios["grupo_mdm"] = grupo
        for columna in ("pdet", "zomac"):
            try:
                valor = imp.si_no(fila.get(columna))
            except imp.ErrorFila as e:
                raise imp.ErrorFila(e.mensaje, columna=columna) from None
            if valor is not None:
                cambios[columna] = valor
        anio, puntaje = fila.get("anio_mdm", ""), fila.get("puntaje_mdm", "")
        if imp.texto(anio) or imp.texto(puntaje):
            try:
                anio_num, puntaje_num = imp.numero(anio, entero=True), imp.numero(puntaje)
            except imp.ErrorFila:
                anio_num = puntaje_num = None
            if anio_num is None or puntaje_num is None:
                raise imp.ErrorFila(_("anio_mdm y puntaje_mdm deben ser números (p. ej. 2023 y 54,3)."))
            if not (2000 <= anio_num <= 2100) or not (0 <= puntaje_num <= 100):
                raise imp.ErrorFila(_("el año MDM debe estar entre 2000 y 2100 y el puntaje entre 0 y 100."))
            cambios["mdm"] = (anio_num, Decimal(puntaje_num).quantize(Decimal("0.01")))
        return cambios

    def escribir(self, validos, importacion=None):
        from att.services import _atributos_escribir

        _atributos_escribir(validos, por=self.por)
        return len(validos)

    def url_destino(self, importacion):
        return "/nucleo/entidades/"

    ejemplo: ClassVar[dict] = {"codigo_divipola": "05001", "departamento": "Antioquia", "municipio": "Medellín",
                               "categoria": "E", "grupo_mdm": "C", "pdet": "no", "zomac": "no", "anio_mdm": 2024,
                               "puntaje_mdm": 71.5}

    def catalogos(self):
        return {"categoria": list(CategoriaLey617.choices), "grupo_mdm": list(GrupoMDM.choices),
                "pdet": [("sí", "sí"), ("no", "no")], "zomac": [("sí", "sí"), ("no", "no")]}
