"""Toda lectura de la gestión del conocimiento (páginas y API usan lo mismo)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchRank
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from att import busqueda, permisos
from att.models import Entidad, Membresia, Rol, Tema, TipoEntidad
from conocimiento.models import (
    Curso,
    Discusion,
    EspacioComunidad,
    EstadoInscripcion,
    EstadoRecurso,
    Evento,
    Inscripcion,
    MiembroEspacio,
    PreguntaFrecuente,
    Recurso,
    Respuesta,
    RolMiembro,
    SesionFormacion,
    TipoRecurso,
)
from conocimiento.rules import gestiona_oferta, modera_espacio


# --- Repositorio -----------------------------------------------------------------------------
def recursos_visibles(usuario) -> QuerySet[Recurso]:
    """Publicados para todos; además, lo propio de quien propuso; todo para quien lee todo."""
    if permisos.lee_todo(usuario):
        return Recurso.objects.all()
    filtro = Q(estado=EstadoRecurso.PUBLICADO)
    if usuario is not None and usuario.is_authenticated:
        filtro |= Q(propuesto_por=usuario)
    return Recurso.objects.filter(filtro)


@dataclass
class ResultadoBusqueda:
    recursos: QuerySet
    facetas: dict = field(default_factory=dict)
    total: int | None = None  # cuántos recursos hay en la lista, si ya se sabe (con las facetas)


def _lista(valor) -> list[str]:
    """Un valor o varios (lista) como lista de textos no vacíos y sin repetir."""
    if valor in (None, ""):
        return []
    valores = valor if isinstance(valor, (list, tuple, set)) else [valor]
    return sorted({str(v).strip() for v in valores if str(v).strip()})


def buscar_recursos(*, usuario=None, q: str = "", tipo="", tema="", departamento="",
                    entidad: str | int = "", oferta: str | int = "", solo_publicados: bool = True,
                    con_facetas: bool = True) -> ResultadoBusqueda:
    """Búsqueda en español (sin tildes, con raíces y prefijos, `att.busqueda`) por el vector ponderado,
    con facetas y sus conteos. `tipo`, `tema` y `departamento` aceptan un valor o una lista: O entre
    los valores de una faceta, Y entre facetas.

    Tres consultas de facetas más la lista, sin importar cuántos recursos haya; sin consulta de texto,
    las facetas salen de la caché por área (`att.cifras`) y el total de la lista, de la faceta de tipo.
    """
    tipos, temas, deptos = _lista(tipo), _lista(tema), _lista(departamento)
    base = Recurso.objects.filter(estado=EstadoRecurso.PUBLICADO) if solo_publicados else recursos_visibles(usuario)
    consulta = None
    if q.strip():
        consulta = busqueda.consulta(q)
        base = base.filter(busqueda=consulta)
    if oferta:
        base = base.filter(oferta_id=oferta)
    if entidad:
        base = base.filter(entidad_id=entidad)
    # Cada faceta se cuenta con los demás filtros aplicados (la propia se deja libre para poder sumar
    # otro valor o cambiarlo).
    por_tipo = base
    por_tema = base
    por_depto = base
    if tipos:
        por_tema = por_tema.filter(tipo__in=tipos)
        por_depto = por_depto.filter(tipo__in=tipos)
    if temas:
        tema_filtro = Q(pk__in=Recurso.temas.through.objects.filter(tema_id__in=temas).values("recurso_id"))
        por_tipo = por_tipo.filter(tema_filtro)
        por_depto = por_depto.filter(tema_filtro)
    if deptos:
        por_tipo = por_tipo.filter(departamento_id__in=deptos)
        por_tema = por_tema.filter(departamento_id__in=deptos)
    final = por_tipo.filter(tipo__in=tipos) if tipos else por_tipo
    lista = final.select_related("entidad", "departamento", "propuesto_por").prefetch_related(
        Prefetch("temas", queryset=Tema.objects.only("pk", "nombre"))
    )
    if consulta is not None:
        lista = lista.annotate(rango=SearchRank(F("busqueda"), consulta)).order_by("-rango", "-publicado_en", "-pk")
    elif solo_publicados:
        # Lo publicado siempre tiene fecha (restricción recurso_publicado_con_fecha): sin «NULLS LAST» el
        # orden es el mismo y usa el índice (estado, -publicado_en) en vez de ordenar todo (1 ms frente a
        # 115 ms con 25.000 publicados).
        lista = lista.order_by("-publicado_en", "-pk")
    else:
        lista = lista.order_by(F("publicado_en").desc(nulls_last=True), "-pk")
    facetas, total = {}, None
    if con_facetas:
        def calcular():
            return _facetas(por_tipo, por_tema, por_depto, tipos, temas, deptos)

        if consulta is None and solo_publicados and not oferta and not entidad:
            # Sin consulta (la entrada al repositorio y la navegación por facetas): los conteos son los
            # mismos para todos y solo cambian con un recurso o un tema (`att.cifras`, área «conocimiento»).
            from att import cifras

            parte = f"{','.join(tipos)}|{','.join(temas)}|{','.join(deptos)}"
            facetas = cifras.leer("conocimiento:facetas", ("conocimiento",), calcular, parte=parte)
        else:
            facetas = calcular()
        # El total de la lista sale de la faceta de tipo (contada con los demás filtros): sin otro COUNT.
        total = sum(f["n"] for f in facetas["tipo"] if not tipos or f["valor"] in tipos)
    return ResultadoBusqueda(recursos=lista, facetas=facetas, total=total)


def _facetas(por_tipo, por_tema, por_depto, tipos, temas, deptos) -> dict:
    """Los conteos de cada faceta con los demás filtros aplicados (tres consultas agregadas)."""
    etiquetas_tipo = dict(TipoRecurso.choices)
    facetas = {"tipo": [
        {"valor": f["tipo"], "etiqueta": str(etiquetas_tipo.get(f["tipo"], f["tipo"])), "n": f["n"],
         "activo": f["tipo"] in tipos}
        for f in por_tipo.order_by().values("tipo").annotate(n=Count("pk")).order_by("-n", "tipo")
    ]}
    filas_tema = (
        Recurso.temas.through.objects.filter(recurso__in=por_tema.order_by().values("pk"))
        .values("tema_id", "tema__nombre").annotate(n=Count("recurso_id")).order_by("-n", "tema__nombre")[:30]
    )
    facetas["tema"] = [
        {"valor": str(f["tema_id"]), "etiqueta": f["tema__nombre"], "n": f["n"], "activo": str(f["tema_id"]) in temas}
        for f in filas_tema
    ]
    filas_depto = (
        por_depto.order_by().filter(departamento__isnull=False)
        .values("departamento_id", "departamento__nombre").annotate(n=Count("pk"))
        .order_by("-n", "departamento__nombre")[:40]
    )
    facetas["departamento"] = [
        {"valor": f["departamento_id"], "etiqueta": f["departamento__nombre"], "n": f["n"],
         "activo": f["departamento_id"] in deptos}
        for f in filas_depto
    ]
    return facetas


def sugerencia_repositorio(q: str, **filtros) -> str:
    """«¿Quiso decir …?» del repositorio: `q` con las palabras desconocidas corregidas (trigramas sobre
    el vocabulario de lo publicado), solo si con ella y los mismos filtros hay resultados."""
    sugerida = busqueda.sugerir(q, "conocimiento")
    if not sugerida or not buscar_recursos(q=sugerida, con_facetas=False, **filtros).recursos.exists():
        return ""
    return sugerida


def recurso_detalle(usuario, pk) -> Recurso:
    return (
        recursos_visibles(usuario)
        .select_related("entidad", "municipio", "departamento", "oferta", "plan__entidad", "experiencia",
                        "propuesto_por", "revisado_por")
        .prefetch_related("temas", "materiales",
                          Prefetch("buenas_practicas", queryset=Recurso.objects.filter(estado=EstadoRecurso.PUBLICADO)))
        .get(pk=pk)
    )


def pendientes_revision() -> QuerySet[Recurso]:
    return (
        Recurso.objects.filter(estado__in=[EstadoRecurso.PROPUESTO])
        .select_related("entidad", "propuesto_por").order_by("creado", "pk")
    )


def mis_propuestas(usuario) -> QuerySet[Recurso]:
    return Recurso.objects.filter(propuesto_por=usuario).order_by("-creado", "-pk")


# --- Comunidad -------------------------------------------------------------------------------
def espacios(usuario) -> QuerySet[EspacioComunidad]:
    qs = (
        EspacioComunidad.objects.filter(activo=True).select_related("tema")
        .annotate(n_miembros=Count("miembros", distinct=True))
    )
    if usuario is not None and usuario.is_authenticated:
        qs = qs.annotate(es_miembro=Exists(MiembroEspacio.objects.filter(espacio=OuterRef("pk"), usuario=usuario)))
    return qs


def discusiones_de(espacio, usuario) -> QuerySet[Discusion]:
    qs = espacio.discusiones.select_related("autor").annotate(
        n_respuestas=Count("respuestas", filter=Q(respuestas__oculta=False))
    ).order_by("-ultima_actividad", "-pk")
    if not modera_espacio(usuario, espacio):
        qs = qs.filter(oculta=False)
    return qs


def discusiones_visibles(usuario) -> QuerySet[Discusion]:
    """Las discusiones que el usuario puede abrir, seguir o reportar; páginas y API usan esta misma.

    Solo las de espacios activos: un espacio cerrado no se lee por ninguna vía. Lo ocultado por
    moderación lo ven solo los moderadores del espacio y el equipo del DNP."""
    qs = Discusion.objects.filter(espacio__activo=True).select_related("autor", "espacio")
    if usuario is None or not usuario.is_authenticated:
        return qs.filter(oculta=False)
    if permisos.es_equipo_dnp(usuario) and not permisos.solo_lectura(usuario):
        return qs
    moderados = MiembroEspacio.objects.filter(usuario=usuario, rol=RolMiembro.MODERADOR).values("espacio_id")
    return qs.filter(Q(oculta=False) | Q(espacio__in=moderados))


def _oculta_para(discusion, moderador: bool) -> bool:
    return discusion.oculta and not moderador


def puede_ver_discusion(usuario, discusion) -> bool:
    """¿Puede abrir la página de la discusión? La regla de `discusion_detalle` (su vista), que usan
    también las alertas que la enlazan."""
    if not discusiones_visibles(usuario).filter(pk=discusion.pk).exists():
        return False
    return not _oculta_para(discusion, modera_espacio(usuario, discusion.espacio))


def discusion_detalle(usuario, pk) -> tuple[Discusion, list[Respuesta], bool]:
    """La discusión y sus respuestas: lo oculto solo lo ven los moderadores (y marcado como oculto)."""
    discusion = discusiones_visibles(usuario).get(pk=pk)
    moderador = modera_espacio(usuario, discusion.espacio)
    if _oculta_para(discusion, moderador):
        raise Discusion.DoesNotExist
    respuestas = discusion.respuestas.select_related("autor")
    if not moderador:
        respuestas = respuestas.filter(oculta=False)
    return discusion, list(respuestas), moderador


def reportes_abiertos(usuario):
    from conocimiento.models import EstadoReporte, ReporteAbuso

    qs = ReporteAbuso.objects.filter(estado=EstadoReporte.ABIERTO).select_related(
        "discusion__espacio", "respuesta", "reportado_por")
    if not permisos.es_equipo_dnp(usuario):
        qs = qs.filter(discusion__espacio__in=MiembroEspacio.objects.filter(
            usuario=usuario, rol=RolMiembro.MODERADOR).values("espacio_id"))
    return qs


# --- Formación -------------------------------------------------------------------------------
def cursos_visibles(usuario) -> QuerySet[Curso]:
    """Publicados para todos; los no publicados, para quien los organiza y para quien lee todo."""
    if permisos.lee_todo(usuario):
        return Curso.objects.all()
    filtro = Q(publicado=True)
    if usuario is not None and usuario.is_authenticated:
        filtro |= Q(entidad__in=permisos.entidades_de(usuario, [Rol.OFERENTE]).values("pk"))
    return Curso.objects.filter(filtro)


def sesiones_visibles(usuario) -> QuerySet[SesionFormacion]:
    return SesionFormacion.objects.filter(curso__in=cursos_visibles(usuario).values("pk"))


def cursos(*, nivel="", tipo="") -> QuerySet[Curso]:
    qs = Curso.objects.filter(publicado=True).select_related("nivel", "tipo_capacidad", "entidad", "tema")
    if nivel:
        qs = qs.filter(nivel_id=nivel)
    if tipo:
        qs = qs.filter(tipo_capacidad_id=tipo)
    return qs.annotate(n_sesiones=Count("sesiones")).order_by("nombre", "pk")


def sesiones_con_cupos(curso) -> QuerySet[SesionFormacion]:
    return curso.sesiones.annotate(
        inscritos=Count("inscripciones", filter=Q(inscripciones__estado=EstadoInscripcion.INSCRITA)),
        en_espera=Count("inscripciones", filter=Q(inscripciones__estado=EstadoInscripcion.EN_ESPERA)),
    )


def posicion_en_espera(inscripcion: Inscripcion) -> int | None:
    if inscripcion.estado != EstadoInscripcion.EN_ESPERA:
        return None
    return Inscripcion.objects.filter(
        sesion_id=inscripcion.sesion_id, estado=EstadoInscripcion.EN_ESPERA,
    ).filter(Q(solicitada__lt=inscripcion.solicitada) | Q(solicitada=inscripcion.solicitada, pk__lt=inscripcion.pk)).count() + 1


def mis_inscripciones(usuario) -> QuerySet[Inscripcion]:
    return (
        Inscripcion.objects.filter(usuario=usuario).exclude(estado=EstadoInscripcion.CANCELADA)
        .select_related("sesion__curso").order_by("-sesion__inicio")
    )


# --- Eventos y preguntas ---------------------------------------------------------------------
def eventos() -> QuerySet[Evento]:
    return Evento.objects.annotate(n_registros=Count("registros", distinct=True),
                                   n_practicas=Count("practicas", distinct=True))


def preguntas_de_oferta(oferta, usuario=None) -> QuerySet[PreguntaFrecuente]:
    qs = PreguntaFrecuente.objects.filter(oferta=oferta)
    if usuario is None or not gestiona_oferta(usuario, oferta):
        qs = qs.filter(publicada=True)
    return qs


# --- Memoria institucional de la entidad territorial -----------------------------------------
# La memoria es parte del perfil de la entidad (`/territorio/<DIVIPOLA>/`): cada app aporta sus secciones
# al registro de `att.perfil`; las del conocimiento están en `conocimiento/perfil.py`.
def practicas_de(entidad: Entidad) -> QuerySet[Recurso]:
    """Buenas prácticas, experiencias y lecciones publicadas de la entidad."""
    return (Recurso.objects.filter(entidad=entidad, estado=EstadoRecurso.PUBLICADO)
            .select_related("propuesto_por").order_by("-publicado_en", "-pk"))


def formacion_de(entidad: Entidad) -> QuerySet[Inscripcion]:
    """Inscripciones vigentes de personas de la entidad (formación recibida)."""
    return (Inscripcion.objects.filter(entidad=entidad, estado=EstadoInscripcion.INSCRITA)
            .select_related("sesion__curso", "usuario").order_by("-sesion__inicio", "-pk"))


def funcionarios_entidad(entidad: Entidad):
    """Personas de la entidad, actuales y anteriores (con sus fechas)."""
    return Membresia.objects.filter(entidad=entidad).select_related("usuario").order_by("-activa", "-desde", "pk")


def entidades_con_memoria(usuario) -> QuerySet[Entidad]:
    qs = Entidad.objects.filter(tipo__in=TipoEntidad.territoriales()).select_related("departamento", "municipio")
    if permisos.lee_todo(usuario):
        return qs
    return qs.filter(pk__in=permisos.entidades_de(usuario).values("pk"))


def resumen_inicio() -> list[dict]:
    from django.urls import reverse

    n = Recurso.objects.filter(estado=EstadoRecurso.PUBLICADO).count()
    return [{"etiqueta": _("Buenas prácticas y experiencias publicadas"), "valor": n,
             "url": reverse("conocimiento:repositorio")}]



def certificado_por_codigo(codigo: str) -> Inscripcion | None:
    """El certificado vigente con ese código (asistencia registrada y la inscripción sigue en pie), o
    None. La página pública solo muestra curso, persona y fecha."""
    if not codigo:
        return None
    return (
        Inscripcion.objects.select_related("sesion__curso__entidad", "usuario")
        .filter(codigo_certificado=codigo, asistio=True, estado=EstadoInscripcion.INSCRITA)
        .first()
    )
