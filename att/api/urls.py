"""`/api/v1/`: el núcleo y, por inclusión, la API de cada app (`<app>/api/urls.py`)."""

import importlib

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from att.api import serializers as s
from att.api import views as v

router = DefaultRouter()
router.register("departamentos", v.DepartamentoViewSet, basename="departamento")
router.register("municipios", v.MunicipioViewSet, basename="municipio")
router.register("entidades", v.EntidadViewSet, basename="entidad")
router.register("eliminaciones", v.EliminacionViewSet, basename="eliminacion")
router.register("webhooks", v.SuscripcionWebhookViewSet, basename="webhook")
for ruta, (modelo, extra) in s.CATALOGOS.items():
    router.register(
        f"catalogos/{ruta}", v.catalogo_viewset(modelo, s.catalogo_serializer(modelo, extra)),
        basename=f"catalogo-{ruta}",
    )

# Documentación (Swagger UI y ReDoc, servidos desde drf-spectacular-sidecar, sin terceros): Swagger
# en la variante «split», que sirve su arranque como archivo y no como script en línea; ambas
# páginas traen un <style> en línea y ReDoc inyecta estilos y un worker de búsqueda (blob:). ReDoc
# usa una plantilla propia sin las fuentes de Google (att/api_redoc.html).
_CSP_DOCS = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("esquema/", SpectacularAPIView.as_view(), name="api-esquema"),
    path("docs/", _CSP_DOCS(SpectacularSwaggerSplitView.as_view(url_name="api-esquema")), name="api-docs"),
    path("redoc/", _CSP_DOCS(SpectacularRedocView.as_view(
        url_name="api-esquema", template_name="att/api_redoc.html")), name="api-redoc"),
]
for app in ("oferta", "demanda", "agenda", "seguimiento", "conocimiento", "rutas", "pas"):
    if importlib.util.find_spec(f"{app}.api.urls") is not None:
        urlpatterns.append(path("", include(f"{app}.api.urls")))
urlpatterns.append(path("", include(router.urls)))
