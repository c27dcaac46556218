from django.urls import path
from rest_framework.routers import DefaultRouter

from att.api.conversaciones import MensajesView
from demanda.api import views

router = DefaultRouter()
router.register("demandas", views.DemandaViewSet, basename="demanda")
urlpatterns = [
    path("demandas/<int:pk>/mensajes/", MensajesView.as_view(tipo="demanda"), name="demanda-mensajes"),
    *router.urls,
]
