"""Importación (ensayo primero, luego confirmación) y exportación de demandas (CSV/XLSX)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from att.exportacion import dataset_xlsx
from att.views_importacion import pagina_importar
from demanda import selectors
from demanda.forms import ImportarForm
from demanda.resources import DemandaResource
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


@login_required
def exportar(request):
    """Las demandas que el usuario ve (con los filtros de la lista), en CSV o XLSX."""
    qs = selectors.demandas_lista(request.user, **filtros_lista(request)).select_related(
        "capacidad", "etapa", "modalidad", "canal",
    )
    datos = DemandaResource().export(queryset=qs[:50000])
    marca = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("formato") == "xlsx":
        respuesta = HttpResponse(
            dataset_xlsx(datos), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        respuesta["Content-Disposition"] = f'attachment; filename="demandas-{marca}.xlsx"'
    else:
        respuesta = HttpResponse("\ufeff" + datos.export("csv"), content_type="text/csv; charset=utf-8")
        respuesta["Content-Disposition"] = f'attachment; filename="demandas-{marca}.csv"'
    return respuesta
