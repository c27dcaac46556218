"""URLconf de prueba: la del sitio más dos vistas que fallan, para ver la página 500 y el JSON de 500."""

from django.urls import path

from att.urls import handler400, handler403, handler404, handler500  # noqa: F401
from att.urls import urlpatterns as urls_sitio


def _falla(request):
    raise RuntimeError("falla de prueba")


urlpatterns = [path("prueba-falla/", _falla), path("api/v1/prueba-falla/", _falla), *urls_sitio]
