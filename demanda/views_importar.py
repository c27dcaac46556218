"""Importación (ensayo primero, luego confirmación) y exportación de demandas (CSV/XLSX)."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from att.exportacion import SEPARADOR_LISTA, respuesta_csv, respuesta_xlsx
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


def _codigo_y_nombre(objeto) -> list:
    return [objeto.codigo, objeto.nombre] if objeto is not None else ["", ""]


@login_required
def exportar(request):
    """Las demandas que el usuario ve (con los filtros de la lista), en CSV o XLSX, con sus tipos (fechas,
    fecha-hora en hora de Bogotá) y las etiquetas junto a los códigos. Editado y vuelto a importar,
    el archivo actualiza cada demanda por su id."""
    qs = selectors.demandas_lista(request.user, **filtros_lista(request)).select_related(
        "entidad", "capacidad", "etapa", "modalidad", "canal",
    ).prefetch_related("temas")
    filas = []
    for d in qs[:50000]:
        temas = list(d.temas.all())
        filas.append([
            d.pk, d.entidad.municipio_id or d.entidad.departamento_id or "", d.entidad.nombre, d.titulo, d.descripcion,
            SEPARADOR_LISTA.join(t.codigo for t in temas), SEPARADOR_LISTA.join(t.nombre for t in temas),
            *_codigo_y_nombre(d.capacidad), *_codigo_y_nombre(d.etapa), d.fecha_deseada,
            *_codigo_y_nombre(d.modalidad), *_codigo_y_nombre(d.canal), d.fuente, d.get_fuente_display(), d.estado,
            d.get_estado_display(), d.creada,
        ])
    marca = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("formato") == "xlsx":
        return respuesta_xlsx(f"demandas-{marca}.xlsx", [(_("Demandas"), [], COLUMNAS_EXPORTACION, filas)])
    return respuesta_csv(f"demandas-{marca}.csv", COLUMNAS_EXPORTACION, filas)
