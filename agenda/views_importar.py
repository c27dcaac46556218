"""Importar líneas a un plan (ensayo con errores por fila, luego confirmación) y exportarlas."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from agenda.forms import ImportarLineasForm
from agenda.resources import LineaPlanResource
from agenda.rules import ESTADOS_EDITABLES
from agenda.views import _plan_visible
from att.exportacion import dataset_xlsx
from att.views_importacion import pagina_importar


@login_required
def exportar_lineas(request, pk):
    plan = _plan_visible(request, pk)
    datos = LineaPlanResource(plan=plan).export()
    formato = request.GET.get("formato", "csv")
    if formato == "xlsx":
        contenido, tipo = dataset_xlsx(datos), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        formato, contenido, tipo = "csv", datos.csv, "text/csv; charset=utf-8"
    respuesta = HttpResponse(contenido, content_type=tipo)
    respuesta["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-lineas.{formato}"'
    return respuesta


@login_required
def importar_lineas(request, pk):
    """Subir el archivo (ensayo) en la tubería común (`att.importacion`); el resultado, el avance y la
    confirmación están en la página de la importación, que solo vale para este plan."""
    plan = _plan_visible(request, pk)
    if plan.estado not in ESTADOS_EDITABLES or not request.user.has_perm("agenda.editar_plan", plan):
        raise PermissionDenied(_("Solo se importan líneas a un plan propio en borrador o devuelto."))
    return pagina_importar(
        request, tipo="lineas", titulo=_("Importar líneas al plan «%(p)s»") % {"p": plan}, ambito=plan.pk,
        form_class=ImportarLineasForm, volver=reverse("agenda:plan", args=[plan.pk]),
        plantilla_url=reverse("agenda:exportar_lineas", args=[plan.pk]) + "?formato=xlsx",
        ayuda=_("Con la columna id se actualiza la línea existente del plan; sin ella se crea una nueva. Territorios: "
                "códigos DIVIPOLA (2 dígitos la gobernación, 5 la alcaldía) o nombres de municipio, separados por «;»."))
