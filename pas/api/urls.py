from rest_framework.routers import DefaultRouter

from pas.api import views

router = DefaultRouter()
router.register("pas/cortes", views.CorteViewSet, basename="pas-corte")
router.register("pas/acciones", views.AccionViewSet, basename="pas-accion")
router.register("pas/reportes", views.ReporteViewSet, basename="pas-reporte")

urlpatterns = router.urls
