import importlib

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_GET

from att import selectors
from att.forms import IngresoForm

AREAS = ("oferta", "demanda", "agenda", "seguimiento", "conocimiento")


def resumenes_de_areas() -> list[dict]:
    """Cada app puede aportar cifras a la portada con `selectors.resumen_inicio()`:
    una lista de {"etiqueta", "valor", "url"}. Así `att` no importa las apps que vienen después."""
    filas = []
    for area in AREAS:
        try:
            modulo = importlib.import_module(f"{area}.selectors")
        except ModuleNotFoundError:
            continue
        if hasattr(modulo, "resumen_inicio"):
            filas.extend(modulo.resumen_inicio())
    return filas


def mapa_de_areas():
    """El mapa público de la portada, si alguna app lo aporta con `selectors.mapa_inicio()` (el
    seguimiento, que lee la demanda y la oferta)."""
    for area in reversed(AREAS):
        try:
            modulo = importlib.import_module(f"{area}.selectors")
        except ModuleNotFoundError:
            continue
        if hasattr(modulo, "mapa_inicio"):
            return modulo.mapa_inicio()
    return None


@require_GET
def inicio(request):
    """Portada: qué es la plataforma, cifras vivas, el mapa de demanda y oferta, y las cinco áreas."""
    contexto = {"cifras": selectors.conteos_inicio(), "resumenes": resumenes_de_areas(), "mapa": mapa_de_areas()}
    return render(request, "att/inicio.html", contexto)


class Ingreso(auth_views.LoginView):
    template_name = "att/ingreso.html"
    authentication_form = IngresoForm
    redirect_authenticated_user = True
