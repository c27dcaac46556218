"""Importar líneas a un plan (ensayo con errores por fila, luego confirmación) y exportarlas."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from tablib import Dataset

from agenda.forms import ImportarLineasForm
from agenda.resources import COLUMNAS, LineaPlanResource
from agenda.rules import ESTADOS_EDITABLES
from agenda.views import _plan_visible
from att import importacion
from att.exportacion import dataset_xlsx


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


def _leer(archivo) -> Dataset:
    nombre = archivo.name.lower()
    if nombre.endswith(".xlsx"):
        return Dataset().load(archivo.read(), format="xlsx")
    contenido = archivo.read()
    if isinstance(contenido, bytes):
        contenido = contenido.decode("utf-8-sig")
    return Dataset().load(contenido, format="csv")


def importar(plan, por, archivo, *, confirmar: bool):
    """Ensaya (o confirma) la importación. Devuelve el resultado de import-export."""
    if plan.estado not in ESTADOS_EDITABLES or not por.has_perm("agenda.editar_plan", plan):
        raise PermissionDenied(_("Solo se importan líneas a un plan propio en borrador o devuelto."))
    datos = _leer(archivo)
    return LineaPlanResource(plan=plan, por=por).import_data(
        datos, dry_run=not confirmar, raise_errors=False, collect_failed_rows=True,
    )


@login_required
def importar_lineas(request, pk):
    plan = _plan_visible(request, pk)
    if plan.estado not in ESTADOS_EDITABLES or not request.user.has_perm("agenda.editar_plan", plan):
        raise PermissionDenied(_("Solo se importan líneas a un plan propio en borrador o devuelto."))
    ambito = f"plan-{plan.pk}"  # el ensayo es de este plan y de esta persona
    form = ImportarLineasForm()
    resultado, ticket, aviso = None, "", ""
    if request.method == "POST" and request.POST.get("ticket"):
        ruta = importacion.ruta_del_ticket(request.POST["ticket"], usuario=request.user, ambito=ambito)
        if ruta is None:
            aviso = _("El archivo del ensayo ya no está disponible: súbalo de nuevo.")
        else:
            with ruta.open("rb") as f:
                resultado = importar(plan, request.user, File(f, name=ruta.name), confirmar=True)
            if not (resultado.has_errors() or resultado.has_validation_errors()):
                importacion.descartar(ruta)
                messages.success(request, _("Se importaron %(n)s líneas.") % {
                    "n": resultado.totals.get("new", 0) + resultado.totals.get("update", 0)})
                return redirect("agenda:plan", plan.pk)
            ticket = ruta.name
    elif request.method == "POST":
        form = ImportarLineasForm(request.POST, request.FILES)
        if form.is_valid():
            ticket, ruta = importacion.guardar_para_confirmar(
                form.cleaned_data["archivo"], usuario=request.user, ambito=ambito
            )
            try:
                with ruta.open("rb") as f:
                    resultado = importar(plan, request.user, File(f, name=ruta.name), confirmar=False)
            except PermissionDenied:
                raise
            except Exception as e:  # noqa: BLE001 - archivo ilegible: se informa a la persona
                form.add_error("archivo", _("No se pudo leer el archivo: %(e)s") % {"e": e})
                resultado = None
            if resultado is None or resultado.has_errors() or resultado.has_validation_errors():
                importacion.descartar(ruta)
                ticket = ""
    filas_error = []
    if resultado is not None:
        for fila in resultado.invalid_rows:
            filas_error.append({"numero": fila.number, "errores": [
                f"{campo}: {' '.join(str(m) for m in msgs)}" for campo, msgs in fila.error_dict.items()]})
        for numero, errores in resultado.row_errors():
            filas_error.append({"numero": numero, "errores": [str(e.error) for e in errores]})
        filas_error.sort(key=lambda f: f["numero"])
    return render(request, "agenda/importar.html", {
        "plan": plan, "form": form, "resultado": resultado, "ticket": ticket, "columnas": COLUMNAS,
        "filas_error": filas_error, "aviso": aviso,
    })
