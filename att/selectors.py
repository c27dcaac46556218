from django.db.models import Count, F, Q

from att.models import Departamento, Dependencia, Entidad, Municipio, Notificacion, TipoEntidad


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
