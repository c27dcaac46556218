from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_GET

from att import registros, selectors
from att.forms import IngresoForm


def resumenes_de_areas() -> list[dict]:
    """Cifras que cada app aporta a la portada (`att.registros.registrar_resumen_inicio`, desde su
    `ready()`): una lista de {"etiqueta", "valor", "url"}. Así `att` no importa las apps que vienen después."""
    filas = []
    for aporte in registros.resumenes_inicio():
        filas.extend(aporte.funcion())
    return filas


def mapa_de_areas():
    """El mapa público de la portada, si alguna app lo registró (el seguimiento, que lee la demanda y la oferta)."""
    funcion = registros.mapa_inicio()
    return funcion() if funcion is not None else None


@require_GET
def inicio(request):
    """Portada: qué es la plataforma, cifras vivas, el mapa de demanda y oferta, y las cinco áreas."""
    contexto = {"cifras": selectors.conteos_inicio(), "resumenes": resumenes_de_areas(), "mapa": mapa_de_areas()}
    return render(request, "att/inicio.html", contexto)


class Ingreso(auth_views.LoginView):
    template_name = "att/ingreso.html"
    authentication_form = IngresoForm
    redirect_authenticated_user = True
