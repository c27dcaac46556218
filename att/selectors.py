from django.db.models import Count, F, Q

from att.models import (
    Departamento,
    Dependencia,
    Entidad,
    InformeEmpalme,
    Municipio,
    Notificacion,
    PuntajeMDM,
    TipoEntidad,
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
    return Notificacion.objects.filter(usuario=usuario, leida_en__isnull=True).count()


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
        datos.update(n_municipios=conteo["n"], n_pdet=conteo["pdet"], n_zomac=conteo["zomac"])
    return datos


def informe_empalme(entidad: Entidad) -> InformeEmpalme | None:
    return InformeEmpalme.objects.filter(entidad=entidad).first()
