from django.urls import path

from rutas import views

app_name = "rutas"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("exportar/", views.exportar, name="exportar"),
    path("nueva/", views.nueva, name="nueva"),
    path("resultados/", views.resultados, name="resultados"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/no-aplica/", views.no_aplica, name="no_aplica"),
    path("<int:pk>/egreso/", views.egreso, name="egreso"),
    path("diagnosticos/", views.diagnosticos, name="diagnosticos"),
    path("diagnosticos/nuevo/", views.diagnostico_nuevo, name="diagnostico_nuevo"),
    path("diagnosticos/<int:pk>/", views.diagnostico, name="diagnostico"),
]
