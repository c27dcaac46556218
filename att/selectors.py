import datetime
import functools
from decimal import Decimal

from django.db import connection, models
from django.db.models import Count, F, Q
from django.utils import timezone

from att.models import (
    Departamento,
    Dependencia,
    Entidad,
    InformeEmpalme,
    Membresia,
    Municipio,
    Notificacion,
    PuntajeMDM,
    TipoEntidad,
    Usuario,
)


def conteos_inicio() -> dict:
    """Cifras vivas de la portada: tres consultas, sin importar cuántas filas haya."""
    territorio = Municipio.objects.aggregate(
        municipios=Count("pk"), pdet=Count("pk", filter=Q(pdet=True)), zomac=Count("pk", filter=Q(zomac=True))
    )
    entidades = Entidad.objects.filter(activa=True).aggregate(
        nacionales=Count("pk", filter=Q(tipo__in=TipoEntidad.nacionales())),
        territoriales=Count("pk", filter=Q(tipo__in=TipoEntidad.territoriales())),
        otras=Count("pk", filter=~Q(tipo__in=TipoEntidad.nacionales() + TipoEntidad.territoriales())),
    )
    return {"departamentos": Departamento.objects.count(), **territorio, **entidades}


def entidades_buscar(*, texto: str = "", tipo: str = ""):
    qs = Entidad.objects.select_related("departamento", "municipio").filter(activa=True)
    if texto:
        qs = qs.filter(Q(nombre__unaccent__icontains=texto) | Q(sigla__unaccent__icontains=texto))
    if tipo:
        qs = qs.filter(tipo=tipo)
    return qs.order_by("nombre")


def notificaciones_de(usuario, *, solo_no_leidas: bool = False):
    qs = Notificacion.objects.filter(usuario=usuario).order_by(F("leida_en").asc(nulls_first=True), "-creada")
    return qs.filter(leida_en__isnull=True) if solo_no_leidas else qs


def alertas_sin_leer(usuario) -> int:
    """La insignia del encabezado, en cada página de quien tiene sesión: la misma cuenta que
    `Notificacion.objects.filter(usuario=usuario, leida_en__isnull=True).count()` (una prueba lo fija), con
    su SQL armado una vez por proceso (armarlo con el ORM costaba más que ejecutarlo por el índice). La
    persona de la sesión ya la trae contada desde el comienzo de la solicitud (`_att_alertas_sin_leer`, ver
    `att.models.usuarios.cargando_de_sesion`), y los servicios que marcan alertas leídas la olvidan."""
    ya_contadas = getattr(usuario, "_att_alertas_sin_leer", None)
    if ya_contadas is not None:
        return ya_contadas
    with connection.cursor() as cursor:
        cursor.execute(_sql_alertas_sin_leer(), [usuario.pk])
        return cursor.fetchone()[0]


@functools.cache
def _sql_alertas_sin_leer() -> str:
    qn = connection.ops.quote_name
    tabla, usuario, leida = (Notificacion._meta.db_table, Notificacion._meta.get_field("usuario").column,
                             Notificacion._meta.get_field("leida_en").column)
    return f"SELECT COUNT(*) FROM {qn(tabla)} WHERE {qn(usuario)} = %s AND {qn(leida)} IS NULL"


def eventos_seguridad(*, tipo: str = "", texto: str = ""):
    """Registro de seguridad, lo más reciente primero, por tipo y por correo, IP o persona."""
    from att.models import EventoSeguridad

    qs = EventoSeguridad.objects.select_related("usuario").order_by("-creado", "-pk")
    if tipo:
        qs = qs.filter(tipo=tipo)
    if texto:
        qs = qs.filter(Q(correo__icontains=texto) | Q(ip__icontains=texto) | Q(usuario__email__icontains=texto)
                       | Q(usuario__nombre__unaccent__icontains=texto))
    return qs


def dependencias_elegibles(entidad_ids, actual_id=None):
    """Dependencias activas de las entidades dadas, más la que ya está ligada aunque esté inactiva."""
    filtro = Q(entidad_id__in=entidad_ids, activa=True)
    if actual_id:
        filtro |= Q(pk=actual_id)
    return Dependencia.objects.filter(filtro).select_related("entidad").order_by("entidad__nombre", "nombre")


# --- Perfil de una entidad territorial ---------------------------------------------------------
def identidad_territorial(entidad: Entidad) -> dict:
    """Identidad y atributos de focalización de la ET (públicos): los del municipio para una alcaldía;
    para una gobernación, su departamento y cuántos municipios tiene. Historia MDM (a lo sumo 12 años)."""
    municipio = entidad.municipio if entidad.tipo == TipoEntidad.ALCALDIA else None
    departamento = municipio.departamento if municipio is not None else entidad.departamento
    datos = {"municipio": municipio, "departamento": departamento, "mdm": []}
    if municipio is not None:
        datos["mdm"] = list(PuntajeMDM.objects.filter(municipio=municipio).order_by("-anio")[:12])
    elif departamento is not None:
        conteo = Municipio.objects.filter(departamento=departamento).aggregate(
            n=Count("pk"), pdet=Count("pk", filter=Q(pdet=True)), zomac=Count("pk", filter=Q(zomac=True)))
        datos["n_municipios"], datos["n_pdet"], datos["n_zomac"] = conteo["n"], conteo["pdet"], conteo["zomac"]
    return datos


def informe_empalme(entidad: Entidad) -> InformeEmpalme | None:
    return InformeEmpalme.objects.filter(entidad=entidad).first()


# --- Periodos de gobierno ------------------------------------------------------------------------------

def periodos_gobierno():
    """Los periodos de gobierno territorial, del más antiguo al más reciente."""
    from att.models import PeriodoGobierno

    return PeriodoGobierno.objects.order_by("inicio")


def periodo_de(fecha):
    """El periodo de gobierno en que cae `fecha` (fecha o fecha y hora), o None si ninguno la cubre."""
    from att.models import PeriodoGobierno

    if fecha is None:
        return None
    if isinstance(fecha, datetime.datetime):
        fecha = timezone.localtime(fecha).date() if timezone.is_aware(fecha) else fecha.date()
    return PeriodoGobierno.objects.filter(inicio__lte=fecha, fin__gte=fecha).first()


def periodo_por_codigo(codigo: str):
    """El periodo con ese código («2024-2027») o None; para los filtros de páginas y API."""
    from att.models import PeriodoGobierno

    if not codigo:
        return None
    return PeriodoGobierno.objects.filter(codigo=codigo).first()


def _campo_final(modelo, ruta: str):
    campo = None
    for parte in ruta.split("__"):
        campo = modelo._meta.get_field(parte)
        if campo.is_relation:
            modelo = campo.related_model
    return campo


def filtrar_por_periodo(qs, campo_fecha: str, periodo):
    """Acota `qs` a lo que cae en `periodo` por `campo_fecha` (ruta con «__», fecha, fecha y hora o un
    año de vigencia).

    `periodo` es un PeriodoGobierno, su código o None (sin filtro). Con fecha y hora compara la
    fecha local, así que lo creado el 31 de diciembre a las 23:00 queda en el periodo que termina.
    """
    if periodo is None or periodo == "":
        return qs
    if isinstance(periodo, str):
        periodo = periodo_por_codigo(periodo)
        if periodo is None:
            return qs.none()
    campo = _campo_final(qs.model, campo_fecha)
    if isinstance(campo, models.IntegerField):  # una vigencia (año)
        return qs.filter(**{f"{campo_fecha}__gte": periodo.inicio.year, f"{campo_fecha}__lte": periodo.fin.year})
    ruta = f"{campo_fecha}__date" if isinstance(campo, models.DateTimeField) else campo_fecha
    return qs.filter(**{f"{ruta}__gte": periodo.inicio, f"{ruta}__lte": periodo.fin})


def membresias_en_periodo(entidad, periodo):
    """Quién sirvió en `entidad` durante `periodo`: membresías cuyo intervalo [desde, hasta] lo
    toca (sin `hasta`, siguen hasta hoy: no cuentan en un periodo futuro). Lo más antiguo primero."""
    from att.models import Membresia

    qs = Membresia.objects.filter(entidad=entidad).select_related("usuario")
    if periodo is not None:
        abiertas = Q(hasta__isnull=True)
        if periodo.inicio > timezone.localdate():
            abiertas &= Q(desde__gte=periodo.inicio)
        qs = qs.filter(Q(desde__lte=periodo.fin) & (Q(hasta__gte=periodo.inicio) | abiertas))
    return qs.order_by("desde", "usuario__nombre")


def administraciones_de(entidad) -> list[dict]:
    """Para cada periodo de gobierno, las personas que sirvieron en la entidad (dos consultas)."""
    from att.models import Membresia

    hoy = timezone.localdate()
    periodos = list(periodos_gobierno())
    membresias = list(Membresia.objects.filter(entidad=entidad).select_related("usuario").order_by("desde"))
    filas = []
    for periodo in periodos:
        personas = [m for m in membresias
                    if m.desde <= periodo.fin and (m.hasta or max(hoy, m.desde)) >= periodo.inicio]
        if personas:
            filas.append({"periodo": periodo, "membresias": personas})
    return filas


# --- Diagnósticos de capacidad y egresos ---------------------------------------------------------------

def diagnosticos_de(entidad):
    """Diagnósticos de la entidad territorial, del primero (línea base) al último, con sus
    valoraciones y quién los hizo ya cargados."""
    from att.models import DiagnosticoCapacidad

    return (
        DiagnosticoCapacidad.objects.filter(entidad=entidad)
        .select_related("realizado_por", "entidad_que_diagnostica")
        .prefetch_related("valoraciones__capacidad", "valoraciones__nivel", "valoraciones__tipo")
        .order_by("fecha", "pk")
    )


def _valores_por_diagnostico(entidad_ids) -> dict:
    """{entidad_id: [(diagnostico_id, {capacidad_id: valor}), …]} en orden de fecha (una consulta)."""
    from att.models import ValoracionCapacidad

    por_entidad: dict = {}
    filas = (
        ValoracionCapacidad.objects.filter(diagnostico__entidad_id__in=entidad_ids)
        .order_by("diagnostico__entidad_id", "diagnostico__fecha", "diagnostico_id")
        .values_list("diagnostico__entidad_id", "diagnostico_id", "capacidad_id", "valor")
    )
    for entidad_id, diagnostico_id, capacidad_id, valor in filas:
        lista = por_entidad.setdefault(entidad_id, [])
        if not lista or lista[-1][0] != diagnostico_id:
            lista.append((diagnostico_id, {}))
        lista[-1][1][capacidad_id] = valor
    return por_entidad


def cambio_frente_a_linea_base(base: dict, ultimo: dict) -> dict:
    """{capacidad_id: puntos} para las capacidades valoradas en la línea base y en el último."""
    return {c: ultimo[c] - base[c] for c in base if c in ultimo}


def ganancia_capacidad(entidades) -> dict:
    """{entidad_id: Decimal} puntos de capacidad ganados: por cada capacidad valorada en la línea base
    (primer diagnóstico) y en el último, la diferencia de su valoración (1–5), sumadas. Una entidad
    con un solo diagnóstico gana 0; una sin diagnósticos no aparece. Una consulta."""
    if isinstance(entidades, models.QuerySet):
        ids = entidades.values("pk")
    else:
        ids = [getattr(e, "pk", e) for e in entidades]
    resultado = {}
    for entidad_id, diagnosticos in _valores_por_diagnostico(ids).items():
        base, ultimo = diagnosticos[0][1], diagnosticos[-1][1]
        resultado[entidad_id] = Decimal(sum(cambio_frente_a_linea_base(base, ultimo).values()))
    return resultado


def egresos_cumplidos():
    """Egresos que gradúan a una entidad en una capacidad (motivo «cumplido»)."""
    from att.models import EgresoCapacidad, MotivoEgreso

    return EgresoCapacidad.objects.filter(motivo=MotivoEgreso.CUMPLIDO)


def egresada(entidad, capacidad) -> bool:
    """¿La entidad territorial ya egresó de `capacidad` con el objetivo cumplido?

    Solo el egreso «cumplido» cuenta: un egreso «cerrado con motivo» termina la ruta sin que la
    capacidad se haya alcanzado, y la entidad sigue recibiendo alertas. Acepta objetos o ids."""
    return egresos_cumplidos().filter(
        entidad_id=getattr(entidad, "pk", entidad), capacidad_id=getattr(capacidad, "pk", capacidad)
    ).exists()


def egresos_por_entidad(entidad_ids) -> dict[int, set[int]]:
    """{entidad_id: {capacidad_id egresada, …}} para decidir en lote (una consulta)."""
    resultado: dict[int, set[int]] = {}
    for entidad_id, capacidad_id in egresos_cumplidos().filter(entidad_id__in=entidad_ids).values_list(
        "entidad_id", "capacidad_id"
    ):
        resultado.setdefault(entidad_id, set()).add(capacidad_id)
    return resultado


def usuarios_con_rol(entidad, roles):
    """Personas activas con una membresía vigente (activa, sin fin pasado) de alguno de `roles` en `entidad`.

    `entidad`: una entidad, su id, varias (lista, queryset) o None para cualquier entidad (los roles
    del DNP). `roles`: un `Rol` o varios. Devuelve un queryset sin repetidos (subconsulta, sin
    DISTINCT): el único lugar que decide a quién le llega lo que es para «el rol X de la entidad Y».
    """
    roles = [roles] if isinstance(roles, str) else list(roles)
    membresias = Membresia.objects.vigentes().filter(rol__in=roles)
    if entidad is not None:
        if isinstance(entidad, (Entidad, int, str)):
            membresias = membresias.filter(entidad=entidad)
        else:
            membresias = membresias.filter(entidad__in=entidad)
    return Usuario.objects.filter(is_active=True, pk__in=membresias.values("usuario_id"))


# --- Borradores de formularios largos (issue 15) -------------------------------------------------
def borrador_de(usuario, formulario: str, objeto_id: int = 0):
    """El borrador de ESTA persona para ese formulario y objeto (nadie lee el de otra)."""
    from att.models import Borrador

    if usuario is None or not usuario.is_authenticated:
        return None
    return Borrador.objects.filter(usuario=usuario, formulario=formulario, objeto_id=int(objeto_id or 0)).first()


def contexto_borrador(usuario, formulario: str, objeto_id: int = 0, *, restaurar: bool = True) -> dict:
    """Lo que `includes/borrador.html` necesita; `borrador` solo si se va a restaurar (página nueva)."""
    return {"clave": formulario, "objeto": int(objeto_id or 0),
            "borrador": borrador_de(usuario, formulario, objeto_id) if restaurar else None}
