from rest_framework.routers import SimpleRouter

from .views import OfertaViewSet

router = SimpleRouter()
router.register("ofertas", OfertaViewSet, basename="oferta")

urlpatterns = router.urls
