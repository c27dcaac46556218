from django.urls import path

from . import views

app_name = "oferta"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("nueva/", views.nueva, name="nueva"),
    path("<int:pk>/editar/", views.editar, name="editar"),
    path("<int:pk>/hitos/", views.plantilla_hitos, name="plantilla_hitos"),
    path("<int:pk>/enviar/", views.enviar, name="enviar"),
    path("<int:pk>/revisar/", views.revisar, name="revisar"),
    path("<int:pk>/archivar/", views.archivar, name="archivar"),
    path("mias/", views.mias, name="mias"),
    path("revision/", views.revision, name="revision"),
    path("solapamientos/", views.solapamientos, name="solapamientos"),
    path("exportar/", views.exportar, name="exportar"),
    path("importar/", views.importar, name="importar"),
    path("importar/plantilla.csv", views.plantilla, name="plantilla"),
    path("importar/<int:pk>/", views.importacion, name="importacion"),
]
