"""Cruce de oferta y demanda (DOMAIN §5, «Matching»; CONPES 4091 §5.3.1).

Para una demanda, las ofertas publicadas y vigentes candidatas, ordenadas por un puntaje que
calcula PostgreSQL (anotaciones con subconsultas EXISTS sobre las tablas intermedias), con una
línea de explicación en español por criterio: tema y descriptor, capacidad, focalización y
cobertura de la entidad, etapa del ciclo, modalidad y canal, cupos disponibles.
Las ofertas cuya focalización excluye a la entidad no se proponen.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from att.models import DescriptorTematico, Entidad, Tema, TipoEntidad
from demanda.models import ESTADOS_OCUPAN_CUPO, Demanda
from oferta.models import EstadoOferta, Oferta

# Pesos del puntaje (suman 100 en el mejor caso).
PESO_TEMA, PESO_TEMA_RELACIONADO, PESO_DESCRIPTOR = 35, 18, 10
PESO_CAPACIDAD, PESO_ETAPA = 15, 15
PESO_LISTA, PESO_DEPARTAMENTO, PESO_PERFIL, PESO_ABIERTA = 10, 8, 6, 4
PESO_MODALIDAD, PESO_CANAL = 5, 5
PESO_CUPOS, CASTIGO_SIN_CUPOS = 5, -40

TemaOferta = Oferta.temas.through
DescriptorOferta = Oferta.descriptores.through
CapacidadOferta = Oferta.capacidades.through
EtapaOferta = Oferta.etapas.through
ModalidadOferta = Oferta.modalidades.through
DepartamentoOferta = Oferta.focaliza_departamentos.through
EntidadOferta = Oferta.focaliza_entidades.through


def _departamento_de(entidad: Entidad) -> str | None:
    if entidad.departamento_id:
        return entidad.departamento_id
    return entidad.municipio_id[:2] if entidad.municipio_id else None


def filtro_focalizacion(entidad: Entidad) -> Q:
    """Q sobre Oferta: las ofertas cuya focalización incluye a `entidad`. Criterio vacío = todas.

    Los criterios se suman (Y): tipo de entidad (alcaldías / gobernaciones), departamentos,
    categoría Ley 617, grupo MDM, PDET, ZOMAC y lista explícita. Categoría, grupo MDM, PDET y
    ZOMAC son atributos municipales: una gobernación no los cumple.
    """
    if entidad is None or entidad.tipo not in TipoEntidad.territoriales():
        return Q(pk__in=[])
    q = Q(dirigida_a_alcaldias=True) if entidad.tipo == TipoEntidad.ALCALDIA else Q(dirigida_a_gobernaciones=True)
    depto = _departamento_de(entidad)
    deptos = DepartamentoOferta.objects.filter(oferta_id=OuterRef("pk"))
    q &= ~Exists(deptos) | Exists(deptos.filter(departamento_id=depto))
    lista = EntidadOferta.objects.filter(oferta_id=OuterRef("pk"))
    q &= ~Exists(lista) | Exists(lista.filter(entidad_id=entidad.pk))
    municipio = entidad.municipio if entidad.tipo == TipoEntidad.ALCALDIA and entidad.municipio_id else None
    if municipio is not None and municipio.categoria:
        q &= Q(focaliza_categorias=[]) | Q(focaliza_categorias__contains=[municipio.categoria])
    else:
        q &= Q(focaliza_categorias=[])
    if municipio is not None and municipio.grupo_mdm:
        q &= Q(focaliza_grupos_mdm=[]) | Q(focaliza_grupos_mdm__contains=[municipio.grupo_mdm])
    else:
        q &= Q(focaliza_grupos_mdm=[])
    if municipio is None or not municipio.pdet:
        q &= Q(solo_pdet=False)
    if municipio is None or not municipio.zomac:
        q &= Q(solo_zomac=False)
    return q


def _existe(tabla, campo, valores) -> Exists | Value:
    if valores is None or valores == []:
        return Value(False, output_field=BooleanField())
    filtro = {f"{campo}__in": valores} if isinstance(valores, list) else {campo: valores}
    return Exists(tabla.objects.filter(oferta_id=OuterRef("pk"), **filtro))


class _Contexto:
    """Lo que se necesita saber de la demanda: temas (propios, padres y subtemas) y descriptores en
    una sola consulta (UNION ALL), más la entidad si no vino cargada."""

    def __init__(self, demanda: Demanda):
        if "entidad" not in demanda._state.fields_cache:
            demanda.entidad = Entidad.objects.select_related("municipio", "departamento").get(pk=demanda.entidad_id)
        self.demanda = demanda
        self.entidad = demanda.entidad
        filas = []
        if demanda.pk:
            TemaDemanda = Demanda.temas.through
            propios = TemaDemanda.objects.filter(demanda_id=demanda.pk).values("tema_id")
            temas = (
                Tema.objects.filter(Q(pk__in=propios) | Q(padre_id__in=propios) | Q(subtemas__in=propios))
                .annotate(k=Value("t", output_field=CharField()),
                          directo=Exists(TemaDemanda.objects.filter(demanda_id=demanda.pk, tema_id=OuterRef("pk"))))
                .values_list("k", "pk", "nombre", "directo").order_by().distinct()
            )
            descriptores = (
                DescriptorTematico.objects.filter(demandas=demanda.pk)
                .annotate(k=Value("d", output_field=CharField()), directo=Value(True, output_field=BooleanField()))
                .values_list("k", "pk", "nombre", "directo").order_by()
            )
            filas = list(temas.union(descriptores, all=True))
        self.tema_ids = [pk for k, pk, _n, directo in filas if k == "t" and directo]
        self.relacionados = [pk for k, pk, _n, directo in filas if k == "t" and not directo]
        self.nombres_tema = {pk: nombre for k, pk, nombre, _d in filas if k == "t"}
        self.descriptores = {pk: nombre for k, pk, nombre, _d in filas if k == "d"}


def _banderas(c: _Contexto, d: Demanda) -> dict:
    """Una expresión booleana por criterio (EXISTS sobre las tablas intermedias, con índice)."""
    return {
        "tema_exacto": _existe(TemaOferta, "tema_id", c.tema_ids),
        "tema_relacionado": _existe(TemaOferta, "tema_id", c.relacionados),
        "descriptor_comun": _existe(DescriptorOferta, "descriptortematico_id", list(c.descriptores)),
        "capacidad_comun": _existe(CapacidadOferta, "capacidad_id", d.capacidad_id),
        "etapa_comun": _existe(EtapaOferta, "etapaciclo_id", d.etapa_id),
        "modalidad_comun": _existe(ModalidadOferta, "modalidad_id", d.modalidad_id),
        "canal_comun": (ExpressionWrapper(Q(canal_id=d.canal_id), output_field=BooleanField()) if d.canal_id
                        else Value(False, output_field=BooleanField())),
        "en_lista": _existe(EntidadOferta, "entidad_id", c.entidad.pk),
        "en_departamento": _existe(DepartamentoOferta, "departamento_id", _departamento_de(c.entidad)),
        "por_perfil": ExpressionWrapper(
            ~Q(focaliza_categorias=[]) | ~Q(focaliza_grupos_mdm=[]) | Q(solo_pdet=True) | Q(solo_zomac=True),
            output_field=BooleanField(),
        ),
    }


def _ocupados():
    return Coalesce(Subquery(
        Demanda.objects.filter(oferta_id=OuterRef("pk"), estado__in=ESTADOS_OCUPAN_CUPO)
        .order_by().values("oferta_id").annotate(n=Count("oferta_id")).values("n")[:1],
        output_field=IntegerField(),
    ), 0)


def _puntaje(b: dict):
    def si(expr, puntos, otro=0):
        return Case(When(expr, then=Value(puntos)), default=Value(otro), output_field=IntegerField())

    return (
        Case(When(b["tema_exacto"], then=Value(PESO_TEMA)), When(b["tema_relacionado"], then=Value(PESO_TEMA_RELACIONADO)),
             default=Value(0), output_field=IntegerField())
        + si(b["descriptor_comun"], PESO_DESCRIPTOR)
        + si(b["capacidad_comun"], PESO_CAPACIDAD)
        + si(b["etapa_comun"], PESO_ETAPA)
        + Case(When(b["en_lista"], then=Value(PESO_LISTA)), When(b["en_departamento"], then=Value(PESO_DEPARTAMENTO)),
               When(b["por_perfil"], then=Value(PESO_PERFIL)), default=Value(PESO_ABIERTA), output_field=IntegerField())
        + si(b["modalidad_comun"], PESO_MODALIDAD)
        + si(b["canal_comun"], PESO_CANAL)
        # Los cupos solo se cuentan si la oferta los limita (CASE evalúa en orden: sin subconsulta si no hay límite).
        + Case(When(cupos__isnull=True, then=Value(PESO_CUPOS)),
               When(cupos__gt=_ocupados(), then=Value(PESO_CUPOS)),
               default=Value(CASTIGO_SIN_CUPOS), output_field=IntegerField())
    )


def consulta_candidatas(demanda: Demanda, limite: int = 20, contexto: _Contexto | None = None) -> QuerySet:
    """La consulta de orden (una sola, filas angostas: pk y puntaje); el benchmark la explica."""
    c = contexto or _Contexto(demanda)
    hoy = timezone.localdate()
    todos_temas = c.tema_ids + c.relacionados
    if todos_temas:
        relevante = Q(pk__in=TemaOferta.objects.filter(tema_id__in=todos_temas).values("oferta_id"))
    elif c.descriptores:
        relevante = Q(pk__in=DescriptorOferta.objects.filter(descriptortematico_id__in=list(c.descriptores)).values("oferta_id"))
    else:
        return Oferta.objects.none().values_list("pk", "publicada_en")
    return (
        Oferta.objects.filter(estado=EstadoOferta.PUBLICADA)
        .filter(Q(vigencia_hasta__isnull=True) | Q(vigencia_hasta__gte=hoy))
        .filter(relevante)
        .filter(filtro_focalizacion(c.entidad))
        .annotate(puntaje=_puntaje(_banderas(c, demanda)))
        .order_by("-puntaje", F("publicada_en").desc(nulls_last=True), "pk")
        .values_list("pk", "puntaje")[:limite]
    )


def ofertas_candidatas(demanda: Demanda, limite: int = 20) -> list[Oferta]:
    """Ofertas candidatas ordenadas; cada una con `.puntaje` y `.explicacion` (líneas en español)."""
    c = _Contexto(demanda)
    orden = list(consulta_candidatas(demanda, limite, c))
    if not orden:
        return []
    ids = [pk for pk, _p in orden]
    # Solo las columnas que usan la explicación y las páginas (la fila completa trae el vector de
    # búsqueda y las facetas: más lenta de leer y de convertir).
    por_pk = {o.pk: o for o in Oferta.objects.filter(pk__in=ids).select_related("entidad", "canal").only(
        "nombre", "entidad__nombre", "entidad__sigla", "canal__nombre", "cupos", "focaliza_categorias",
        "focaliza_grupos_mdm", "solo_pdet", "solo_zomac",
    )}
    # Banderas de cada criterio y cupos ocupados para las pocas ofertas elegidas: una sola consulta
    # (UNION ALL de búsquedas por índice en las tablas intermedias y en las demandas que ocupan cupo).
    d = demanda
    criterios = [
        ("t", TemaOferta, "tema_id", c.tema_ids + c.relacionados),
        ("d", DescriptorOferta, "descriptortematico_id", list(c.descriptores)),
        ("c", CapacidadOferta, "capacidad_id", d.capacidad_id),
        ("e", EtapaOferta, "etapaciclo_id", d.etapa_id),
        ("m", ModalidadOferta, "modalidad_id", d.modalidad_id),
        ("l", EntidadOferta, "entidad_id", c.entidad.pk),
        ("p", DepartamentoOferta, "departamento_id", _departamento_de(c.entidad)),
    ]
    partes = []
    for clave, tabla, campo, valores in criterios:
        if valores is None or valores == []:
            continue
        filtro = {f"{campo}__in": valores} if isinstance(valores, list) else {campo: valores}
        partes.append(
            tabla.objects.filter(oferta_id__in=ids, **filtro).order_by()
            .annotate(k=Value(clave, output_field=CharField()), o=F("oferta_id"),
                      x=F("tema_id") if clave == "t" else Value(0, output_field=IntegerField()))
            .values_list("k", "o", "x")
        )
    con_cupos = [pk for pk in ids if por_pk[pk].cupos is not None]
    if con_cupos:
        partes.append(
            Demanda.objects.filter(oferta_id__in=con_cupos, estado__in=ESTADOS_OCUPAN_CUPO).order_by()
            .values("oferta_id").annotate(k=Value("o", output_field=CharField()), o=F("oferta_id"), x=Count("pk"))
            .values_list("k", "o", "x")
        )
    marcas = defaultdict(set)
    temas_por_oferta = defaultdict(list)
    ocupados = {}
    if partes:
        for clave, oferta_id, x in partes[0].union(*partes[1:], all=True):
            if clave == "o":
                ocupados[oferta_id] = x
                continue
            if clave == "t":
                temas_por_oferta[oferta_id].append(c.nombres_tema.get(x, ""))
                clave = "t" if x in c.tema_ids else "r"
            marcas[clave].add(oferta_id)
    exactos, relacionados = marcas["t"], marcas["r"]
    descriptor, capacidad, etapa, modalidad = marcas["d"], marcas["c"], marcas["e"], marcas["m"]
    lista, departamento = marcas["l"], marcas["p"]
    for o in por_pk.values():
        o.tema_exacto, o.tema_relacionado = o.pk in exactos, o.pk in relacionados
        o.descriptor_comun, o.capacidad_comun, o.etapa_comun = o.pk in descriptor, o.pk in capacidad, o.pk in etapa
        o.modalidad_comun, o.canal_comun = o.pk in modalidad, bool(d.canal_id) and o.canal_id == d.canal_id
        o.en_lista, o.en_departamento = o.pk in lista, o.pk in departamento
        o.por_perfil = bool(o.focaliza_categorias or o.focaliza_grupos_mdm or o.solo_pdet or o.solo_zomac)
        o.ocupados = ocupados.get(o.pk, 0)
    ofertas = []
    for pk, puntaje in orden:
        o = por_pk[pk]
        o.puntaje = puntaje
        o.cupos_libres = None if o.cupos is None else o.cupos - o.ocupados
        o.explicacion = explicar(o, demanda, c, sorted(temas_por_oferta[o.pk]))
        ofertas.append(o)
    return ofertas


def _lista(nombres) -> str:
    return ", ".join(f"«{n}»" for n in nombres)


def explicar(o: Oferta, d: Demanda, c: _Contexto, temas: list[str]) -> list[str]:
    lineas = []
    # Tema y descriptor
    descriptores = _lista(c.descriptores.values())
    if o.tema_exacto:
        linea = _("Tema: coincide en %(t)s.") % {"t": _lista(temas)}
    elif o.tema_relacionado:
        linea = _("Tema: relacionado (tema padre o subtema) %(t)s.") % {"t": _lista(temas)}
    else:
        linea = _("Tema: ninguno en común.")
    if o.descriptor_comun:
        linea += " " + _("Comparte el descriptor %(d)s.") % {"d": descriptores}
    lineas.append(linea)
    # Capacidad
    if d.capacidad_id is None:
        lineas.append(_("Capacidad: la demanda no indica cuál fortalecer."))
    elif o.capacidad_comun:
        lineas.append(_("Capacidad: fortalece «%(c)s», la que pide la entidad.") % {"c": d.capacidad})
    else:
        lineas.append(_("Capacidad: no fortalece «%(c)s».") % {"c": d.capacidad})
    # Focalización y cobertura
    entidad = c.entidad
    if o.en_lista:
        lineas.append(_("Cobertura: la oferta incluye expresamente a %(e)s.") % {"e": entidad.nombre})
    elif o.en_departamento:
        depto = entidad.departamento.nombre if entidad.departamento_id else _departamento_de(entidad)
        lineas.append(_("Cobertura: focaliza el departamento de %(d)s, donde está la entidad.") % {"d": depto})
    elif o.por_perfil:
        lineas.append(_("Cobertura: focaliza entidades con el perfil de %(e)s (categoría, grupo MDM, PDET o ZOMAC).")
                      % {"e": entidad.nombre})
    else:
        lineas.append(_("Cobertura: abierta a todas las entidades territoriales de su tipo."))
    # Etapa del ciclo
    if d.etapa_id is None:
        lineas.append(_("Etapa del ciclo: la demanda no la indica."))
    elif o.etapa_comun:
        lineas.append(_("Etapa del ciclo: es útil en «%(e)s», la etapa en que está la entidad.") % {"e": d.etapa})
    else:
        lineas.append(_("Etapa del ciclo: no está pensada para «%(e)s».") % {"e": d.etapa})
    # Modalidad y canal
    partes = []
    if d.modalidad_id:
        partes.append((_("ofrece la modalidad «%(m)s»") if o.modalidad_comun else _("no ofrece la modalidad «%(m)s»"))
                      % {"m": d.modalidad})
    if d.canal_id:
        partes.append((_("canal «%(c)s» como se prefiere") if o.canal_comun else _("su canal es «%(c)s», no el preferido"))
                      % {"c": o.canal})
    lineas.append(_("Modalidad y canal: %(p)s.") % {"p": "; ".join(partes)} if partes
                  else _("Modalidad y canal: la demanda no indica preferencia."))
    # Cupos
    if o.cupos is None:
        lineas.append(_("Cupos: sin límite."))
    elif o.cupos_libres and o.cupos_libres > 0:
        lineas.append(_("Cupos: quedan %(l)d de %(c)d.") % {"l": o.cupos_libres, "c": o.cupos})
    else:
        lineas.append(_("Cupos: agotados (%(c)d de %(c)d ocupados).") % {"c": o.cupos})
    return lineas
