"""Importación de puntajes MDM por municipio y año: solo el mapeo de columnas (`att.importacion`)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from att import importacion as imp
from att.lugares import LugarNoResuelto, Nomenclator
from att.models import GrupoMDM, PuntajeMDM
from seguimiento import rules

COLUMNAS = {
    "codigo_divipola": ("código DIVIPOLA", "divipola", "codigo", "municipio", "codigo municipio", "cod dane"),
    "departamento": ("depto", "dpto"),
    "anio": ("año", "ano", "vigencia"),
    "puntaje": ("puntaje mdm", "mdm", "puntaje_mdm"),
    "grupo": ("grupo mdm", "grupo_mdm"),
}


class ImportadorMDM(imp.Importador):
    tipo = "mdm"
    titulo = _("Importar puntajes MDM")
    columnas = COLUMNAS
    obligatorias = ("codigo_divipola", "anio", "puntaje")

    def permitir(self):
        if not rules.valida(self.por):
            raise PermissionDenied(_("Solo el equipo DNP importa puntajes MDM."))

    def preparar(self):
        self.lugares = Nomenclator.cargar()

    def validar(self, fila, numero):
        errores = []
        try:
            codigo = self.lugares.municipio(fila.get("codigo_divipola"), fila.get("departamento", ""))
        except LugarNoResuelto as e:
            errores.append(imp.ErrorFila(e.mensaje, sugerencia=e.sugerencia, candidatos=e.candidatos))
        try:
            anio = imp.numero(fila.get("anio"), entero=True)
            if anio is None or not 2000 <= anio <= 2100:
                raise imp.ErrorFila("")
        except imp.ErrorFila:
            errores.append(imp.ErrorFila(_("el año no es válido (entre 2000 y 2100)")))
        try:
            puntaje = imp.numero(fila.get("puntaje"))
            if puntaje is None:
                raise imp.ErrorFila("")
            if not 0 <= puntaje <= 100:
                errores.append(imp.ErrorFila(_("el puntaje debe estar entre 0 y 100")))
        except imp.ErrorFila:
            errores.append(imp.ErrorFila(_("el puntaje no es un número")))
        grupo = imp.texto(fila.get("grupo")).upper()
        if grupo and grupo not in GrupoMDM.values:
            errores.append(imp.ErrorFila(_("el grupo «%(g)s» no es C ni G1–G5") % {"g": grupo}))
        if errores:
            raise imp.ErroresFila(errores)
        return codigo, anio, Decimal(puntaje).quantize(Decimal("0.01")), grupo

    def escribir(self, validos, importacion=None):
        existentes = {
            (p.municipio_id, p.anio): p
            for p in PuntajeMDM.objects.filter(municipio_id__in={v[0] for v in validos}, anio__in={v[1] for v in validos})
        }
        nuevos, cambiados = [], []
        for codigo, anio, puntaje, grupo in validos:
            p = existentes.get((codigo, anio))
            if p:
                p.puntaje, p.grupo = puntaje, grupo or p.grupo
                cambiados.append(p)
            else:
                nuevos.append(PuntajeMDM(municipio_id=codigo, anio=anio, puntaje=puntaje, grupo=grupo))
        bulk_create_with_history(nuevos, PuntajeMDM, batch_size=1000, default_user=self.por,
                                 default_change_reason="importación MDM")
        bulk_update_with_history(cambiados, PuntajeMDM, ["puntaje", "grupo"], batch_size=1000, default_user=self.por,
                                 default_change_reason="importación MDM")
        return len(validos)

    def url_destino(self, importacion):
        return "/seguimiento/capacidades/"

    ejemplo: ClassVar[dict] = {"codigo_divipola": "05001", "anio": 2024, "puntaje": 71.5, "grupo": "C"}

    def catalogos(self):
        return {"grupo": list(GrupoMDM.choices)}
