"""Capas de los mapas: una cifra por territorio (municipio o departamento), cada capa en UNA consulta
agregada por código DIVIPOLA, más una consulta con los territorios (nombre, enlace, atributos).

Las capas leen de todas las apps (demanda, oferta, agenda, seguimiento): por eso viven en el último
piso. El dibujo (geometría, proyección, SVG) es de `att.mapas`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Coalesce, Left
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda.models import LineaPlan
from att import mapas
from att.models import CategoriaLey617, Entidad, GrupoMDM, TipoEntidad
from demanda.models import Demanda
from demanda.selectors import demandas_en_brecha
from oferta.models import EstadoOferta, Oferta
from seguimiento.models import EstadoLineaEntidad, Percepcion

MUNICIPIO, DEPARTAMENTO = "municipio", "departamento"


@dataclass(frozen=True)
class Capa:
    clave: str
    nombre: str  # qué se muestra, para el título
    unidad: str  # encabezado de la columna del valor
    corto: str = ""  # nombre breve, para el menú de capas
    categorica: bool = False
    solo_municipal: bool = False
    filtros: tuple[str, ...] = ()


CAPAS = {c.clave: c for c in [
    Capa("demanda", corto=gettext_lazy("Demanda"), nombre=gettext_lazy("Demandas registradas"), unidad=gettext_lazy("Demandas"),
         filtros=("tema", "estado", "periodo")),
    Capa("oferta", corto=gettext_lazy("Oferta"), nombre=gettext_lazy("Cobertura de la oferta publicada"), unidad=gettext_lazy("Ofertas que la alcanzan"),
         filtros=("tema", "oferente", "periodo")),
    Capa("brechas", corto=gettext_lazy("Brechas"), nombre=gettext_lazy("Brechas: demanda abierta sin oferta que la atienda"), unidad=gettext_lazy("Demandas sin oferta"),
         filtros=("tema", "periodo")),
    Capa("asistencia", corto=gettext_lazy("Asistencia"), nombre=gettext_lazy("Asistencia recibida: líneas de plan que llegan a la entidad"),
         unidad=gettext_lazy("Líneas"), filtros=("tema", "oferente", "periodo")),
    Capa("percepcion", corto=gettext_lazy("Percepción"), nombre=gettext_lazy("Percepción de calidad: promedio de las calificaciones (1 a 5)"),
         unidad=gettext_lazy("Promedio"), filtros=("oferente", "periodo")),
    Capa("capacidad", corto=gettext_lazy("Capacidad (MDM)"), nombre=gettext_lazy("Capacidad inicial: grupo MDM"), unidad=gettext_lazy("Grupo MDM"),
         categorica=True, solo_municipal=True),
    Capa("focalizacion", corto=gettext_lazy("PDET y ZOMAC"), nombre=gettext_lazy("Focalización: municipios PDET y ZOMAC"), unidad=gettext_lazy("PDET / ZOMAC"),
         categorica=True, solo_municipal=True),
    Capa("categoria", corto=gettext_lazy("Categoría"), nombre=gettext_lazy("Categoría municipal (Ley 617)"), unidad=gettext_lazy("Categoría"),
         categorica=True, solo_municipal=True),
]}


@dataclass
class Filtros:
    capa: str = "demanda"
    nivel: str = MUNICIPIO
    departamento: str = ""
    tema: int | None = None
    estado: str = ""
    oferente: int | None = None
    desde: date | None = None
    hasta: date | None = None
    orden: str = "valor"


@dataclass
class Fila:
    codigo: str
    nombre: str
    departamento: str
    entidad_id: int | None
    valor: object = None
    texto_valor: str = ""
    clase: str = "m-n"
    detalle: object = ""
    extra: str = ""
    enlace: str = ""


@dataclass
class Mapa:
    capa: Capa
    filtros: Filtros
    filas: list[Fila]
    leyenda: list[dict]
    titulo: str
    svg: str
    total: object = None
    notas: list[str] = field(default_factory=list)
    columna_extra: str = ""  # otra cifra por territorio, solo en la tabla (p. ej. la oferta en la portada)


# --- Territorios ------------------------------------------------------------------------------------
def _territorios(nivel: str, departamento: str = "") -> list[Fila]:
    """Una consulta: las alcaldías (con su municipio) o las gobernaciones (Bogotá: su alcaldía mayor)."""
    if nivel == MUNICIPIO:
        qs = Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA, municipio__isnull=False)
        if departamento:
            qs = qs.filter(municipio__departamento_id=departamento)
        filas = qs.values_list("pk", "municipio_id", "municipio__nombre", "municipio__departamento__nombre",
                               "municipio__grupo_mdm", "municipio__pdet", "municipio__zomac", "municipio__categoria")
        return [Fila(codigo=c, nombre=n, departamento=d, entidad_id=pk, detalle=(g, p, z, cat))
                for pk, c, n, d, g, p, z, cat in filas]
    qs = Entidad.objects.filter(Q(tipo=TipoEntidad.GOBERNACION) | Q(tipo=TipoEntidad.ALCALDIA, municipio_id="11001"))
    filas = qs.values_list("pk", "departamento_id", "departamento__nombre")
    return [Fila(codigo=c, nombre=n, departamento=n, entidad_id=pk) for pk, c, n in filas]


def _codigo_expr(nivel: str, campo: str = "entidad"):
    """Código del territorio de la entidad de `campo`: municipio (solo alcaldías) o departamento."""
    if nivel == MUNICIPIO:
        return F(f"{campo}__municipio_id")
    return Coalesce(F(f"{campo}__departamento_id"), Left(F(f"{campo}__municipio_id"), 2))


def _por_nivel(qs, filtros: Filtros, campo: str = "entidad"):
    if filtros.nivel == MUNICIPIO:
        qs = qs.filter(**{f"{campo}__tipo": TipoEntidad.ALCALDIA})
        if filtros.departamento:
            qs = qs.filter(**{f"{campo}__municipio__departamento_id": filtros.departamento})
    return qs


# --- Capas (una consulta cada una) ---------------------------------------------------------------------
def _demanda(filtros: Filtros, qs=None) -> dict[str, int]:
    qs = Demanda.objects.all() if qs is None else qs
    if filtros.tema:
        qs = qs.filter(pk__in=Demanda.temas.through.objects.filter(tema_id=filtros.tema).values("demanda_id"))
    if filtros.estado:
        qs = qs.filter(estado=filtros.estado)
    if filtros.desde:
        qs = qs.filter(creada__date__gte=filtros.desde)
    if filtros.hasta:
        qs = qs.filter(creada__date__lte=filtros.hasta)
    qs = _por_nivel(qs, filtros)
    return dict(qs.annotate(codigo=_codigo_expr(filtros.nivel)).values("codigo")
                .annotate(n=Count("pk")).values_list("codigo", "n"))


def _brechas(filtros: Filtros) -> dict[str, int]:
    return _demanda(Filtros(**{**filtros.__dict__, "estado": ""}), demandas_en_brecha())


# Ofertas sin lista explícita: se agrupan por su «firma» de focalización (departamentos, categorías,
# grupos MDM, PDET, ZOMAC, tipo de entidad) y cada entidad se cruza con las firmas (pocas decenas),
# no con cada oferta; las de lista explícita se cruzan solo con las entidades de su lista.
_SQL_COBERTURA = """
WITH o AS (
  SELECT o.id, o.dirigida_a_alcaldias, o.dirigida_a_gobernaciones, o.focaliza_categorias, o.focaliza_grupos_mdm,
         o.solo_pdet, o.solo_zomac,
         ARRAY(SELECT x.departamento_id FROM {deptos} x WHERE x.oferta_id = o.id ORDER BY 1)::varchar[] AS deptos,
         EXISTS (SELECT 1 FROM {lista} x WHERE x.oferta_id = o.id) AS con_lista
  FROM oferta_oferta o
  WHERE o.estado = %s AND o.vigencia_desde <= %s AND (o.vigencia_hasta IS NULL OR o.vigencia_hasta >= %s) {extra}
), firmas AS (
  SELECT dirigida_a_alcaldias, dirigida_a_gobernaciones, focaliza_categorias, focaliza_grupos_mdm, solo_pdet,
         solo_zomac, deptos, COUNT(*) AS n
  FROM o WHERE NOT con_lista GROUP BY 1, 2, 3, 4, 5, 6, 7
), e AS (
  SELECT e.id, e.tipo, {codigo} AS codigo, coalesce(e.departamento_id, left(e.municipio_id, 2)) AS depto,
         ({municipal}) AS municipal, m.categoria, m.grupo_mdm, m.pdet, m.zomac
  FROM att_entidad e LEFT JOIN att_municipio m ON m.codigo = e.municipio_id
  WHERE {donde}
), firmas_depto AS (
  -- Una fila por departamento de la firma: así se cruzan por igualdad (hash) con las entidades de ese
  -- departamento y no todas las entidades con todas las firmas (miles × miles a escala nacional).
  SELECT f.*, unnest(f.deptos) AS d FROM firmas f WHERE cardinality(f.deptos) > 0
), firmas_nacionales AS MATERIALIZED (
  SELECT * FROM firmas WHERE cardinality(deptos) = 0
), pares AS (
  SELECT e.id, f.n FROM e JOIN firmas_nacionales f ON {regla}
  UNION ALL
  SELECT e.id, f.n FROM e JOIN firmas_depto f ON f.d = e.depto AND {regla}
  UNION ALL
  SELECT e.id, 1 FROM o f JOIN {lista} x ON x.oferta_id = f.id JOIN e ON e.id = x.entidad_id
  WHERE f.con_lista AND {regla}
)
-- Se suma por el id entero (ordenar 250.000 pares por un texto iba a disco) y luego se pone el código.
SELECT e.codigo, SUM(s.n)::int FROM (SELECT id, SUM(n) AS n FROM pares GROUP BY id) s JOIN e ON e.id = s.id
GROUP BY e.codigo
"""
# La regla de `demanda.matching.filtro_focalizacion` sobre una entidad `e` y una oferta o firma `f`.
_REGLA = """
  (CASE WHEN e.tipo = 'alcaldia' THEN f.dirigida_a_alcaldias ELSE f.dirigida_a_gobernaciones END)
  AND (cardinality(f.deptos) = 0 OR e.depto = ANY(f.deptos))
  AND (f.focaliza_categorias = '{{}}' OR (e.municipal AND e.categoria <> '' AND e.categoria = ANY(f.focaliza_categorias)))
  AND (f.focaliza_grupos_mdm = '{{}}' OR (e.municipal AND e.grupo_mdm <> '' AND e.grupo_mdm = ANY(f.focaliza_grupos_mdm)))
  AND (NOT f.solo_pdet OR (e.municipal AND e.pdet)) AND (NOT f.solo_zomac OR (e.municipal AND e.zomac))
"""


def _oferta(filtros: Filtros) -> dict[str, int]:
    """Ofertas publicadas y vigentes cuya focalización incluye a la alcaldía (o a la gobernación):
    la misma regla de `demanda.matching.filtro_focalizacion`, en conjunto y no entidad por entidad
    (la prueba compara las dos)."""
    hoy = timezone.localdate()
    extra, params_extra = [], []
    if filtros.tema:
        extra.append(f"AND EXISTS (SELECT 1 FROM {Oferta.temas.through._meta.db_table} t "
                     "WHERE t.oferta_id = o.id AND t.tema_id = %s)")
        params_extra.append(filtros.tema)
    if filtros.oferente:
        extra.append("AND o.entidad_id = %s")
        params_extra.append(filtros.oferente)
    if filtros.nivel == MUNICIPIO:
        codigo, municipal = "e.municipio_id", "TRUE"
        donde, params_donde = "e.tipo = %s", [TipoEntidad.ALCALDIA]
        if filtros.departamento:
            donde += " AND left(e.municipio_id, 2) = %s"
            params_donde.append(filtros.departamento)
    else:
        # Bogotá no tiene gobernación: su alcaldía mayor cuenta como el departamento 11.
        codigo = "coalesce(e.departamento_id, left(e.municipio_id, 2))"
        municipal = "e.tipo = 'alcaldia'"
        donde, params_donde = "(e.tipo = %s OR (e.tipo = %s AND e.municipio_id = '11001'))", [
            TipoEntidad.GOBERNACION, TipoEntidad.ALCALDIA]
    regla = _REGLA.format()
    sql = _SQL_COBERTURA.format(
        codigo=codigo, municipal=municipal, extra=" ".join(extra), donde=donde, regla=regla,
        deptos=Oferta.focaliza_departamentos.through._meta.db_table,
        lista=Oferta.focaliza_entidades.through._meta.db_table,
    )
    inicio = filtros.desde or hoy
    # Sin periodo, la misma definición que `Oferta.objects.publicadas()` (publicada y sin vencer hoy,
    # aunque empiece después): la cifra del mapa es la de la portada y el portal.
    fin = filtros.hasta or date.max
    with connection.cursor() as cursor:
        cursor.execute(sql, [EstadoOferta.PUBLICADA, fin, inicio, *params_extra, *params_donde])
        return dict(cursor.fetchall())


def _asistencia(filtros: Filtros) -> dict[str, tuple[int, object]]:
    """Líneas que llegan a la entidad y su avance medio en ella, desde las fotos por (línea × entidad)
    (`EstadoLineaEntidad`): ya traen el departamento de la entidad, sin unir las tablas de la línea."""
    qs = EstadoLineaEntidad.objects.all()
    if filtros.tema:
        qs = qs.filter(linea_id__in=LineaPlan.temas.through.objects.filter(tema_id=filtros.tema).values("lineaplan_id"))
    if filtros.oferente:
        qs = qs.filter(oferente_id=filtros.oferente)
    if filtros.desde:
        qs = qs.filter(linea__fecha_fin__gte=filtros.desde)
    if filtros.hasta:
        qs = qs.filter(linea__fecha_inicio__lte=filtros.hasta)
    if filtros.nivel == MUNICIPIO:
        qs = qs.filter(entidad__tipo=TipoEntidad.ALCALDIA)
        if filtros.departamento:
            qs = qs.filter(departamento_id=filtros.departamento)
        codigo = F("entidad__municipio_id")
        lineas = Count("pk")  # una alcaldía por municipio: cada par es una línea distinta
    else:
        codigo = Coalesce(F("departamento_id"), Left(F("entidad__municipio_id"), 2))
        lineas = Count("linea_id", distinct=True)
    filas = (qs.annotate(codigo=codigo).values("codigo")
             .annotate(n=lineas, avance=Avg("avance"))
             .values_list("codigo", "n", "avance"))
    return {c: (n, a) for c, n, a in filas}


def _percepcion(filtros: Filtros) -> dict[str, tuple[float, int]]:
    qs = Percepcion.objects.all()
    if filtros.oferente:
        qs = qs.filter(oferente_id=filtros.oferente)
    if filtros.desde:
        qs = qs.filter(fecha__gte=filtros.desde)
    if filtros.hasta:
        qs = qs.filter(fecha__lte=filtros.hasta)
    qs = _por_nivel(qs, filtros)
    filas = (qs.annotate(codigo=_codigo_expr(filtros.nivel)).values("codigo")
             .annotate(p=Avg(F("calidad") + F("pertinencia") + F("oportunidad")), n=Count("pk"))
             .values_list("codigo", "p", "n"))
    return {c: (round(float(p) / 3, 2), n) for c, p, n in filas}


_GRUPOS = {g: i for i, g in enumerate(["C", "G1", "G2", "G3", "G4", "G5"])}


def _categorias(capa: str, territorios: list[Fila]) -> list[dict]:
    """Capas de atributos municipales (sin consulta adicional): clase y texto por municipio."""
    if capa == "capacidad":
        etiquetas = dict(GrupoMDM.choices)
        orden = ["C", "G1", "G2", "G3", "G4", "G5"]
        clases = {g: f"k-{i}" for i, g in enumerate(orden)}
        for t in territorios:
            g = t.detalle[0]
            t.valor, t.texto_valor, t.clase = _GRUPOS.get(g), str(etiquetas.get(g, _("Sin dato"))), clases.get(g, "m-n")
        return [{"clase": clases[g], "texto": str(etiquetas.get(g, g))} for g in orden]
    if capa == "focalizacion":
        textos = {(False, False): _("Ninguno"), (False, True): _("Solo ZOMAC"), (True, False): _("Solo PDET"),
                  (True, True): _("PDET y ZOMAC")}
        clases = {(False, False): "k-0", (False, True): "k-2", (True, False): "k-4", (True, True): "k-6"}
        for t in territorios:
            par = (bool(t.detalle[1]), bool(t.detalle[2]))
            t.valor, t.texto_valor, t.clase = sum(par) + (par[0] and 1), str(textos[par]), clases[par]
        return [{"clase": clases[k], "texto": str(textos[k])} for k in clases]
    orden = [c for c in CategoriaLey617.values]
    etiquetas = dict(CategoriaLey617.choices)
    clases = {c: f"k-{i}" for i, c in enumerate(orden)}
    for t in territorios:
        cat = t.detalle[3]
        t.valor, t.texto_valor, t.clase = (len(orden) - orden.index(cat) if cat in orden else None,
                                           str(etiquetas.get(cat, _("Sin dato"))), clases.get(cat, "m-n"))
    return [{"clase": clases[c], "texto": str(etiquetas[c])} for c in orden]


def _numero(v) -> str:
    if isinstance(v, float):
        return f"{v:.2f}".replace(".", ",")
    return f"{v:,}".replace(",", ".")


def _descripcion_filtros(filtros: Filtros, nombres: dict) -> str:
    partes = []
    if filtros.tema:
        partes.append(_("tema: %s") % nombres.get("tema", filtros.tema))
    if filtros.estado:
        partes.append(_("estado: %s") % nombres.get("estado", filtros.estado))
    if filtros.oferente:
        partes.append(_("oferente: %s") % nombres.get("oferente", filtros.oferente))
    if filtros.desde or filtros.hasta:
        partes.append(_("del %(d)s al %(h)s") % {
            "d": filtros.desde.isoformat() if filtros.desde else "…",
            "h": filtros.hasta.isoformat() if filtros.hasta else "…"})
    return "; ".join(partes)


def mapa(filtros: Filtros, *, nombres_filtros: dict | None = None, ident: str = "mapa",
         con_enlaces: bool = True) -> Mapa:
    """El mapa de una capa con sus filas (la tabla dice lo mismo que el mapa)."""
    capa = CAPAS[filtros.capa]
    if capa.solo_municipal:
        filtros.nivel = MUNICIPIO
    territorios = _territorios(filtros.nivel, filtros.departamento if filtros.nivel == MUNICIPIO else "")
    notas = []
    if capa.categorica:
        leyenda = _categorias(capa.clave, territorios)
        total = None
    else:
        if capa.clave == "demanda":
            datos = _demanda(filtros)
        elif capa.clave == "brechas":
            datos = _brechas(filtros)
        elif capa.clave == "oferta":
            datos = _oferta(filtros)
        elif capa.clave == "asistencia":
            crudos = _asistencia(filtros)
            datos = {c: n for c, (n, _a) in crudos.items()}
            notas.append(_("El detalle muestra el avance medio validado de esas líneas en la entidad (o en las entidades del departamento)."))
        else:
            crudos = _percepcion(filtros)
            datos = {c: p for c, (p, _n) in crudos.items()}
        limites = mapas.cortes(datos.values())
        leyenda = mapas.leyenda(limites, formato=_numero)
        for t in territorios:
            v = datos.get(t.codigo)
            if capa.clave == "percepcion":
                t.valor = v
                t.clase = mapas.clase_de(v, limites) if v is not None else "m-n"
                t.texto_valor = _numero(v) if v is not None else _("Sin calificaciones")
                if v is not None:
                    t.detalle = _("%d calificaciones") % crudos[t.codigo][1]
                else:
                    t.detalle = ""
            else:
                t.valor = v or 0
                t.clase = mapas.clase_de(t.valor, limites)
                t.texto_valor = _numero(t.valor)
                t.detalle = ""
                if capa.clave == "asistencia" and v:
                    avance = crudos[t.codigo][1]
                    t.detalle = _("avance %s %%") % (_numero(round(float(avance), 1)) if avance is not None else "—")
        if capa.clave == "percepcion":
            leyenda.insert(0, {"clase": "m-n", "texto": _("Sin calificaciones")})
            leyenda = [f for f in leyenda if f["clase"] != "m-0"]
        total = sum(v for v in datos.values()) if capa.clave != "percepcion" else None
    for t in territorios:
        if capa.categorica:
            t.detalle = ""
    if filtros.orden == "nombre":
        territorios.sort(key=lambda t: (t.departamento, t.nombre))
    else:
        territorios.sort(key=lambda t: (t.valor is None, -(t.valor or 0), t.departamento, t.nombre))
    hoy = timezone.localdate()
    donde = _("por municipio") if filtros.nivel == MUNICIPIO else _("por departamento")
    if filtros.departamento and filtros.nivel == MUNICIPIO and territorios:
        donde = _("municipios de %s") % territorios[0].departamento
    condiciones = _descripcion_filtros(filtros, nombres_filtros or {})
    titulo = _("%(capa)s, %(donde)s, al %(fecha)s") % {"capa": capa.nombre, "donde": donde,
                                                       "fecha": hoy.strftime("%d/%m/%Y")}
    if condiciones:
        titulo += f" ({condiciones})"
    regiones = {}
    # Un solo reverse: la ruta del perfil de la ET (/territorio/<DIVIPOLA>/) con un marcador que se cambia
    # por el código de cada territorio.
    ruta = reverse("territorio", args=["99999"]).replace("99999", "{}")
    for t in territorios:
        texto = f"{t.nombre}: {t.texto_valor}" + (f" ({t.detalle})" if t.detalle else "")
        t.enlace = ruta.format(t.codigo) if con_enlaces and t.entidad_id else ""
        regiones[t.codigo] = mapas.Region(clase=t.clase, texto=texto, enlace=t.enlace)
    descripcion = _("Mapa de Colombia %(donde)s coloreado por %(unidad)s; la tabla al lado tiene las mismas cifras. "
                    "Fuente de los límites: DANE, MGN 2018.") % {"donde": donde, "unidad": str(capa.unidad).lower()}
    svg = mapas.svg(filtros.nivel, regiones, titulo=titulo, descripcion=descripcion, ident=ident,
                    departamento=filtros.departamento if filtros.nivel == MUNICIPIO else "")
    return Mapa(capa=capa, filtros=filtros, filas=territorios, leyenda=leyenda, titulo=titulo, svg=svg,
                total=total, notas=notas)


def mapa_portada() -> Mapa:
    """Portada pública: demanda registrada por departamento, con la oferta que alcanza a cada uno
    (cifras agregadas, sin datos de personas ni títulos). Tres consultas."""
    resultado = mapa(Filtros(capa="demanda", nivel=DEPARTAMENTO), ident="mapa-portada")
    oferta = _oferta(Filtros(capa="oferta", nivel=DEPARTAMENTO))
    resultado.columna_extra = str(_("Ofertas que lo alcanzan"))
    for f in resultado.filas:
        f.extra = _numero(oferta.get(f.codigo, 0))
    return resultado


def filas_html(resultado: Mapa, *, enlaces: bool) -> SafeString:
    """Las filas de la tabla del mapa (1.121 en el mapa municipal), unidas en Python como el SVG:
    con el motor de plantillas eran dos tercios del tiempo de la página."""
    municipal = resultado.filtros.nivel == MUNICIPIO
    con_departamento = municipal and not resultado.filtros.departamento
    ver = escape(_("ver municipios"))
    partes = []
    for f in resultado.filas:
        nombre = escape(f.nombre)
        celda = f'<a href="{escape(f.enlace)}">{nombre}</a>' if enlaces and f.enlace else nombre
        if not municipal and enlaces:
            url = reverse("seguimiento:mapas_departamento", args=[f.codigo])
            celda += f' · <a href="{url}?capa={resultado.capa.clave}">{ver}</a>'
        # El valor va justo después del nombre: en un teléfono la tabla se desplaza de lado y la cifra
        # debe verse sin desplazarla.
        detalle = f' <span class="mapa-fuente">({escape(f.detalle)})</span>' if f.detalle else ""
        fila = [f'<tr data-codigo="{f.codigo}"><th scope="row">{celda}</th>',
                f'<td class="numero" data-valor>{escape(f.texto_valor)}{detalle}</td>']
        if resultado.columna_extra:
            fila.append(f'<td class="numero" data-extra>{escape(f.extra)}</td>')
        if con_departamento:
            fila.append(f"<td>{escape(f.departamento)}</td>")
        fila.append("</tr>")
        partes.append("".join(fila))
    return mark_safe("\n".join(partes))
