from rest_framework.routers import DefaultRouter

from agenda.api import views

router = DefaultRouter()
router.register("agenda/agendas", views.AgendaViewSet, basename="agenda-agenda")
router.register("agenda/planes", views.PlanViewSet, basename="agenda-plan")
router.register("agenda/lineas", views.LineaViewSet, basename="agenda-linea")
router.register("agenda/concertados", views.PlanConcertadoViewSet, basename="agenda-concertado")
router.register("agenda/compromisos", views.CompromisoViewSet, basename="agenda-compromiso")

urlpatterns = router.urls
