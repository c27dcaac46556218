from rest_framework.routers import DefaultRouter

from rutas.api import views

router = DefaultRouter()
# Antes que «rutas»: sus rutas no deben confundirse con el id de una ruta.
router.register("rutas/diagnosticos", views.DiagnosticoViewSet, basename="rutas-diagnostico")
router.register("rutas/egresos", views.EgresoViewSet, basename="rutas-egreso")
router.register("rutas", views.RutaViewSet, basename="rutas-ruta")

urlpatterns = router.urls
