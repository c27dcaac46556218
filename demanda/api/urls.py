from rest_framework.routers import DefaultRouter

from demanda.api import views

router = DefaultRouter()
router.register("demandas", views.DemandaViewSet, basename="demanda")
urlpatterns = router.urls
