"""Datos abiertos de la oferta (`/oferta/exportar/`): lo público de las ofertas publicadas, por
`att.exportacion` (celdas con tipo, fórmulas escapadas, BOM, listas con «;», textos enteros) y con
la etiqueta al lado de cada código (`temas` y `temas_nombres`). Las columnas de código son las de la
importación (`oferta.importacion`): un archivo exportado se lee de vuelta."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from att.exportacion import Tabla
from att.models import CategoriaLey617, Estructura, GrupoMDM

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


TROZO = 2000  # filas por viaje del cursor del servidor


def fila(o: dict) -> list:
    """Los valores de una oferta (una fila de `selectors.para_exportar`, con sus listas ya agregadas en SQL)
    en el orden de `COLUMNAS`, con su tipo (fechas, enteros, sí/no)."""
    v = {"id": o["id"], "entidad": o["entidad_sigla"], "entidad_nombre": o["entidad__nombre"],
         "canal": o["canal__codigo"], "canal_nombre": o["canal__nombre"], "estructura": o["estructura"],
         "estructura_nombre": str(Estructura(o["estructura"]).label) if o["estructura"] else "",
         "cupos": o["cupos"], "vigencia_desde": o["vigencia_desde"], "vigencia_hasta": o["vigencia_hasta"],
         "publicada_en": o["publicada_en"],
         "cooferentes": o["lista_cooferentes_sigla"], "cooferentes_nombres": o["lista_cooferentes_nombre"],
         "focaliza_entidades": [c or "" for c in o["lista_focaliza_entidades_divipola"]],
         "focaliza_entidades_nombres": o["lista_focaliza_entidades_nombre"],
         "costo_por_et": o["costo_por_et"], "indicadores": o["lista_indicadores_nombre"]}
    for m in M2M:
        v[m], v[f"{m}_nombres"] = o[f"lista_{m}_codigo"], o[f"lista_{m}_nombre"]
    for nombre in OPCIONES:
        valores = list(o[nombre] or [])
        etiquetas = _ETIQUETAS[nombre]
        v[nombre], v[f"{nombre}_nombres"] = valores, [str(etiquetas.get(x, x)) for x in valores]
    for nombre in (*TEXTOS, *DISENO):
        v[nombre] = o[nombre]
    si, no = _("sí"), _("no")
    for nombre in SI_NO:
        v[nombre] = si if o[nombre] else no
    return [v[c] for c in COLUMNAS]


_ETIQUETAS = {nombre: dict(opciones.choices) for nombre, opciones in OPCIONES.items()}


def filas(ofertas):
    """Las filas de `selectors.para_exportar(...)`, leídas por trozos con un cursor del servidor."""
    for oferta in ofertas.iterator(chunk_size=TROZO):
        yield fila(oferta)


def tabla_datos_abiertos(filtros) -> Tabla:
    """Las ofertas publicadas con los filtros del portal, como tabla exportable (filas perezosas)."""
    from . import selectors

    qs = selectors.para_exportar(filtros)
    return Tabla(nombre=f"ofertas-att-{timezone.localdate():%Y%m%d}", titulo=_("Ofertas"), cabeza=COLUMNAS,
                 filas=filas(qs), contar=qs.count)


# --- Instantánea de los datos abiertos completos -------------------------------------------------------
# Sin filtros, `/oferta/exportar/` sirve un archivo ya generado (casi sin CPU) guardado en el almacenamiento
# de medios con la huella de las publicadas en su nombre: si cambian (publicar, archivar, editar, vencer),
# el nombre cambia, la vista lo sirve en flujo una vez y pide regenerarla (`oferta.generar_datos_abiertos`).
CARPETA_INSTANTANEA = "datos_abiertos"


def nombre_instantanea(formato: str, huella: str) -> str:
    import hashlib

    return f"{CARPETA_INSTANTANEA}/ofertas-{hashlib.sha256(huella.encode()).hexdigest()[:20]}.{formato}"


def instantanea(formato: str) -> str | None:
    """El nombre de la instantánea vigente del `formato` en el almacenamiento, o None si no existe o está vieja."""
    from django.core.files.storage import default_storage

    from . import selectors

    nombre = nombre_instantanea(formato, selectors.huella_publicadas())
    return nombre if default_storage.exists(nombre) else None


def _guardar(nombre: str, archivo) -> None:
    """Guarda sin que un lector vea el archivo a medias: en disco, se escribe aparte y se renombra."""
    import os
    import uuid

    from django.core.files import File
    from django.core.files.storage import default_storage

    try:
        destino = default_storage.path(nombre)
    except NotImplementedError:  # almacenamiento remoto: la subida ya es atómica
        default_storage.save(nombre, File(archivo))
        return
    os.makedirs(os.path.dirname(destino), exist_ok=True)
    parcial = f"{destino}.{uuid.uuid4().hex}.parcial"
    with open(parcial, "wb") as salida:
        while trozo := archivo.read(1024 * 1024):
            salida.write(trozo)
    os.replace(parcial, destino)


def generar_instantanea() -> list[str]:
    """Genera el CSV y el XLSX de todas las publicadas si no existen con la huella actual, y borra los viejos.
    Devuelve los nombres generados."""
    import tempfile

    from django.core.files.storage import default_storage

    from att.exportacion import archivo_xlsx, trozos_csv

    from . import selectors

    huella = selectors.huella_publicadas()
    hechos, vigentes = [], set()
    for formato in ("csv", "xlsx"):
        nombre = nombre_instantanea(formato, huella)
        vigentes.add(nombre.rsplit("/", 1)[-1])
        if default_storage.exists(nombre):
            continue
        tabla = tabla_datos_abiertos(selectors.FiltrosPortal())
        if formato == "csv":
            archivo = tempfile.TemporaryFile()  # noqa: SIM115 - se cierra en el `with` de abajo
            for trozo in trozos_csv(tabla.cabeza, tabla.filas):
                archivo.write(trozo)
            archivo.seek(0)
        else:
            archivo = archivo_xlsx([tabla.hoja()])
        with archivo:
            _guardar(nombre, archivo)
        hechos.append(nombre)
    try:
        _carpetas, archivos = default_storage.listdir(CARPETA_INSTANTANEA)
    except FileNotFoundError:
        archivos = []
    for viejo in archivos:
        if viejo not in vigentes and not viejo.endswith(".parcial"):
            default_storage.delete(f"{CARPETA_INSTANTANEA}/{viejo}")
    return hechos
