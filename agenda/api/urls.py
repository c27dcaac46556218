from django.urls import path
from rest_framework.routers import DefaultRouter

from agenda.api import views
from att.api.conversaciones import MensajesView

router = DefaultRouter()
router.register("agenda/agendas", views.AgendaViewSet, basename="agenda-agenda")
router.register("agenda/planes", views.PlanViewSet, basename="agenda-plan")
router.register("agenda/lineas", views.LineaViewSet, basename="agenda-linea")
router.register("agenda/concertados", views.PlanConcertadoViewSet, basename="agenda-concertado")
router.register("agenda/compromisos", views.CompromisoViewSet, basename="agenda-compromiso")
router.register("agenda/objetivos", views.ObjetivoAgendaViewSet, basename="agenda-objetivo")
router.register("agenda/instancias", views.InstanciaViewSet, basename="agenda-instancia")
router.register("agenda/sesiones", views.SesionViewSet, basename="agenda-sesion")
router.register("agenda/territoriales", views.AgendaTerritorialViewSet, basename="agenda-territorial")

urlpatterns = [
    path("agenda/concertados/<int:pk>/mensajes/", MensajesView.as_view(tipo="concertado"),
         name="agenda-concertado-mensajes"),
    *router.urls,
]
