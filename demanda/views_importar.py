"""Importación (ensayo primero, luego confirmación) y exportación de demandas (CSV/XLSX)."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from att.exportacion import SEPARADOR_LISTA, Tabla, con_cupo, lista_m2m, responder
from att.views_importacion import pagina_importar
from demanda import selectors
from demanda.forms import ImportarForm
from demanda.views import filtros_lista


@login_required
@require_http_methods(["GET", "POST"])
def importar(request):
    """Subir el archivo (ensayo) en la tubería común (`att.importacion`); el resultado, el avance y la
    confirmación están en la página de la importación."""
    from django.urls import reverse

    return pagina_importar(
        request, tipo="demandas", titulo=_("Importar demandas"), form_class=ImportarForm,
        volver=reverse("demanda:mis-demandas"),
        ayuda=_("Entidad: municipio por nombre o código DIVIPOLA (con el departamento si hay homónimos), o "
                "departamento (gobernación). El DNP puede importar las demandas recogidas en diálogos regionales, "
                "talleres o encuestas de cualquier entidad territorial, con su origen."),
    )


COLUMNAS_EXPORTACION = [
    "id", "entidad", "entidad_nombre", "titulo", "descripcion", "temas", "temas_nombres", "capacidad",
    "capacidad_nombre", "etapa", "etapa_nombre", "fecha_deseada", "modalidad", "modalidad_nombre", "canal",
    "canal_nombre", "fuente", "fuente_nombre", "estado", "estado_nombre", "creada",
]


TROZO = 2000  # filas por viaje del cursor del servidor


def tabla_demandas(usuario, filtros: dict) -> Tabla:
    """Las demandas que `usuario` ve, con los `filtros` de la lista: una sola consulta (`values()` con los
    temas agregados en SQL) recorrida por trozos con un cursor del servidor; sin tope de filas."""
    from demanda.models import Demanda, EstadoDemanda, FuenteNecesidad

    qs = (selectors.demandas_lista(usuario, **filtros).prefetch_related(None).select_related(None)
          .annotate(**lista_m2m(Demanda, "temas", "codigo", "nombre"))
          .values("id", "entidad__municipio_id", "entidad__departamento_id", "entidad__nombre", "titulo",
                  "descripcion", "lista_temas_codigo", "lista_temas_nombre", "capacidad__codigo",
                  "capacidad__nombre", "etapa__codigo", "etapa__nombre", "fecha_deseada", "modalidad__codigo",
                  "modalidad__nombre", "canal__codigo", "canal__nombre", "fuente", "estado", "creada"))
    fuentes, estados = dict(FuenteNecesidad.choices), dict(EstadoDemanda.choices)

    def filas():
        for d in qs.iterator(chunk_size=TROZO):
            yield [
                d["id"], d["entidad__municipio_id"] or d["entidad__departamento_id"] or "", d["entidad__nombre"],
                d["titulo"], d["descripcion"], SEPARADOR_LISTA.join(d["lista_temas_codigo"]),
                SEPARADOR_LISTA.join(d["lista_temas_nombre"]),
                *[d[f"{c}__{v}"] or "" for c in ("capacidad", "etapa") for v in ("codigo", "nombre")],
                d["fecha_deseada"], d["modalidad__codigo"] or "", d["modalidad__nombre"] or "",
                d["canal__codigo"] or "", d["canal__nombre"] or "", d["fuente"], str(fuentes.get(d["fuente"], d["fuente"])),
                d["estado"], str(estados.get(d["estado"], d["estado"])), d["creada"],
            ]

    marca = timezone.localtime().strftime("%Y%m%d-%H%M")
    return Tabla(nombre=f"demandas-{marca}", titulo=_("Demandas"), cabeza=COLUMNAS_EXPORTACION, filas=filas(),
                 contar=qs.count)


def tabla_de_parametros(parametros: dict, usuario) -> Tabla:
    """Para la tarea (`att.generar_exportacion`): la misma tabla con los parámetros guardados."""
    from types import SimpleNamespace

    from att.exportacion import consulta_de

    return tabla_demandas(usuario, filtros_lista(SimpleNamespace(GET=consulta_de(parametros))))


@login_required
@con_cupo
def exportar(request):
    """Las demandas que el usuario ve (con los filtros de la lista), en CSV (en flujo) o XLSX (en Celery con
    un enlace si son muchas), con sus tipos (fechas, fecha-hora en hora de Bogotá) y las etiquetas junto a
    los códigos. Editado y vuelto a importar, el archivo actualiza cada demanda por su id."""
    formato = "xlsx" if request.GET.get("formato") == "xlsx" else "csv"
    return responder(request, tabla_demandas(request.user, filtros_lista(request)), formato, tipo="demanda.demandas")
