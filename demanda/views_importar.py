"""Importación (ensayo primero, luego confirmación) y exportación de demandas (CSV/XLSX)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from att import importacion
from att.exportacion import dataset_xlsx
from att.services import leer_tabla
from demanda import selectors, services
from demanda.forms import ImportarForm
from demanda.resources import COLUMNAS, DemandaResource
from demanda.views import filtros_lista


@login_required
@require_http_methods(["GET", "POST"])
def importar(request):
    if not request.user.has_perm("demanda.importar"):
        raise PermissionDenied(_("Solo los funcionarios territoriales y los equipos departamentales importan demandas."))
    resultado, ticket, aviso, form = None, "", "", ImportarForm()
    if request.method == "POST" and request.POST.get("ticket"):
        ruta = importacion.ruta_del_ticket(request.POST["ticket"], usuario=request.user, ambito="demandas")
        if ruta is None:
            aviso = _("El archivo del ensayo ya no está disponible: súbalo de nuevo.")
        else:
            with ruta.open("rb") as f:
                filas = leer_tabla(f, ruta.name)
            resultado = services.demandas_importar(filas=filas, por=request.user, confirmar=True)
            if resultado.confirmada:
                importacion.descartar(ruta)
            else:
                ticket = ruta.name
    elif request.method == "POST":
        form = ImportarForm(request.POST, request.FILES)
        if form.is_valid():
            ticket, ruta = importacion.guardar_para_confirmar(
                form.cleaned_data["archivo"], usuario=request.user, ambito="demandas"
            )
            with ruta.open("rb") as f:
                filas = leer_tabla(f, ruta.name)
            resultado = services.demandas_importar(filas=filas, por=request.user, confirmar=False)
            if resultado.con_errores or not resultado.total:
                importacion.descartar(ruta)
                ticket = ""
    return render(request, "demanda/importar.html", {
        "form": form, "resultado": resultado, "ticket": ticket, "columnas": COLUMNAS, "aviso": aviso,
    })


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
