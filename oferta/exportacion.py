"""Datos abiertos de la oferta (`/oferta/exportar/`): lo público de las ofertas publicadas, por
`att.exportacion` (celdas con tipo, fórmulas escapadas, BOM, listas con «;», textos enteros) y con
la etiqueta al lado de cada código (`temas` y `temas_nombres`). Las columnas de código son las de la
importación (`oferta.importacion`): un archivo exportado se lee de vuelta."""

from __future__ import annotations

from django.utils.translation import gettext as _

from att.models import CategoriaLey617, Estructura, GrupoMDM

from .forms import codigo_divipola
from .models import FuenteFinanciacion, PublicoObjetivo

M2M = ("descriptores", "temas", "capacidades", "etapas", "modalidades", "focaliza_departamentos")
OPCIONES = {"focaliza_categorias": CategoriaLey617, "focaliza_grupos_mdm": GrupoMDM,
            "publico_objetivo": PublicoObjetivo, "fuentes_financiacion": FuenteFinanciacion}
TEXTOS = ("nombre", "necesidad", "descripcion", "bienes_entregados", "requisitos", "cronograma", "alineacion_pnd",
          "contacto_nombre", "contacto_email", "contacto_telefono")
# Diseño del producto (solo en la descarga: la importación no lo lee).
DISENO = ("brecha_capacidad", "objetivo_capacidad", "cadena_insumos", "cadena_actividades", "cadena_productos",
          "cadena_resultados")
SI_NO = ("continua", "dirigida_a_alcaldias", "dirigida_a_gobernaciones", "solo_pdet", "solo_zomac")

COLUMNAS = [
    "id", "entidad", "entidad_nombre", "cooferentes", "cooferentes_nombres", "nombre", "necesidad", "descripcion",
    *[c for m in M2M for c in (m, f"{m}_nombres")],
    "canal", "canal_nombre", "estructura", "estructura_nombre", *SI_NO,
    *[c for o in OPCIONES for c in (o, f"{o}_nombres")],
    "focaliza_entidades", "focaliza_entidades_nombres",
    "bienes_entregados", "requisitos", "cronograma", "cupos", "alineacion_pnd", "contacto_nombre", "contacto_email",
    "contacto_telefono", "vigencia_desde", "vigencia_hasta", "publicada_en",
    *DISENO, "costo_por_et", "indicadores",
]


def _sigla(entidad) -> str:
    return entidad.sigla or entidad.nombre


def fila(oferta) -> list:
    """Los valores de una oferta en el orden de `COLUMNAS`, con su tipo (fechas, enteros, sí/no)."""
    v = {"id": oferta.pk, "entidad": _sigla(oferta.entidad), "entidad_nombre": oferta.entidad.nombre,
         "canal": oferta.canal.codigo, "canal_nombre": oferta.canal.nombre, "estructura": oferta.estructura,
         "estructura_nombre": str(Estructura(oferta.estructura).label) if oferta.estructura else "",
         "cupos": oferta.cupos, "vigencia_desde": oferta.vigencia_desde, "vigencia_hasta": oferta.vigencia_hasta,
         "publicada_en": oferta.publicada_en}
    cooferentes = list(oferta.cooferentes.all())
    v["cooferentes"], v["cooferentes_nombres"] = [_sigla(e) for e in cooferentes], [e.nombre for e in cooferentes]
    for m in M2M:
        objetos = list(getattr(oferta, m).all())
        v[m], v[f"{m}_nombres"] = [o.codigo for o in objetos], [o.nombre for o in objetos]
    for nombre, opciones in OPCIONES.items():
        valores = list(getattr(oferta, nombre) or [])
        etiquetas = dict(opciones.choices)
        v[nombre], v[f"{nombre}_nombres"] = valores, [str(etiquetas.get(x, x)) for x in valores]
    entidades = list(oferta.focaliza_entidades.all())
    v["focaliza_entidades"] = [codigo_divipola(e) for e in entidades]
    v["focaliza_entidades_nombres"] = [e.nombre for e in entidades]
    for nombre in (*TEXTOS, *DISENO):
        v[nombre] = getattr(oferta, nombre)
    v["costo_por_et"] = oferta.costo_por_et
    v["indicadores"] = [i.nombre for i in oferta.indicadores.all()]
    for nombre in SI_NO:
        v[nombre] = _("sí") if getattr(oferta, nombre) else _("no")
    return [v[c] for c in COLUMNAS]


def filas(ofertas):
    for oferta in ofertas:
        yield fila(oferta)
