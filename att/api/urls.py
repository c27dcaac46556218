"""`/api/v1/`: el núcleo y, por inclusión, la API de cada app (`<app>/api/urls.py`)."""

import importlib

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from att.api import serializers as s
from att.api import views as v

router = DefaultRouter()
router.register("departamentos", v.DepartamentoViewSet, basename="departamento")
router.register("municipios", v.MunicipioViewSet, basename="municipio")
router.register("entidades", v.EntidadViewSet, basename="entidad")
for ruta, (modelo, extra) in s.CATALOGOS.items():
    router.register(
        f"catalogos/{ruta}", v.catalogo_viewset(modelo, s.catalogo_serializer(modelo, extra)),
        basename=f"catalogo-{ruta}",
    )

urlpatterns = [
    path("esquema/", SpectacularAPIView.as_view(), name="api-esquema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-esquema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-esquema"), name="api-redoc"),
]
for app in ("oferta", "demanda", "agenda", "seguimiento", "conocimiento"):
    if importlib.util.find_spec(f"{app}.api.urls") is not None:
        urlpatterns.append(path("", include(f"{app}.api.urls")))
urlpatterns.append(path("", include(router.urls)))
