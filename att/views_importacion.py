"""Las páginas de toda importación (`att.importacion`): subir el archivo (ensayo) y ver el resultado,
el avance y confirmar. Cada app solo llama a `pagina_importar` con su tipo, su título y su ámbito."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from att import importacion as imp
from att.forms import ArchivoImportacionForm
from att.models import Importacion


def pagina_importar(request, *, tipo: str, titulo: str, ambito=None, form_class=ArchivoImportacionForm,
                    volver: str = "", ayuda: str = "", plantilla_url: str = ""):
    importador = imp.importador(tipo, por=request.user, ambito=ambito)
    importador.permitir()
    if not plantilla_url and tipo in PLANTILLAS:
        from django.urls import reverse

        plantilla_url = reverse("nucleo:plantilla-importacion", args=[tipo])
    form = form_class(request.POST or None, request.FILES or None, adjuntos_de=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            importacion = imp.iniciar(tipo=tipo, por=request.user, archivo=form.cleaned_data["archivo"],
                                      ambito=ambito, opciones=form.opciones())
        except ValidationError as e:
            form.add_error("archivo", e)
        else:
            form.marcar_adjuntos_usados()
            return redirect("nucleo:importacion", pk=importacion.pk)
    recientes = Importacion.objects.filter(por=request.user, tipo=tipo, ambito=ambito)[:10]
    return render(request, "att/importar.html", {
        "form": form, "titulo": titulo, "columnas": importador.columnas, "obligatorias": importador.obligatorias,
        "recientes": recientes, "volver": volver, "ayuda": ayuda, "plantilla_url": plantilla_url,
    })


@login_required
def importacion(request, pk: int):
    """Resultado del ensayo, avance (se actualiza sola mientras corre) y confirmación."""
    importacion = get_object_or_404(Importacion, pk=pk, por=request.user)
    if request.method == "POST":
        try:
            imp.confirmar(importacion=importacion, por=request.user)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            importacion.refresh_from_db()
            if importacion.estado == "terminada":
                messages.success(request, _("Importación hecha: %(n)s filas escritas.") % {"n": importacion.escritas})
        return redirect("nucleo:importacion", pk=pk)
    destino = imp.importador(importacion.tipo, por=request.user, ambito=importacion.ambito).url_destino(importacion)
    return render(request, "att/importacion.html", {"importacion": importacion, "destino": destino})


PLANTILLAS = {"demandas", "atributos", "mdm", "ofertas"}  # las líneas de plan usan la exportación del plan


@login_required
def plantilla(request, tipo: str):
    """Plantilla XLSX de una importación: encabezado, fila de ejemplo, listas desplegables y hoja de códigos."""
    from django.http import Http404

    from att.exportacion import plantilla_xlsx, respuesta_xlsx

    if tipo not in PLANTILLAS:
        raise Http404
    importador = imp.importador(tipo, por=request.user)
    importador.permitir()
    columnas = [c for c in importador.columnas if c != "id"]
    contenido = plantilla_xlsx(columnas=columnas, obligatorias=importador.obligatorias, ejemplo=importador.ejemplo,
                               catalogos=importador.catalogos(), titulo=_("Datos"))
    return respuesta_xlsx(f"plantilla-{tipo}.xlsx", contenido=contenido)
