from django.urls import path

from demanda import views, views_importar

app_name = "demanda"

urlpatterns = [
    path("", views.lista, name="mis-demandas"),
    path("nueva/", views.nueva, name="nueva"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/editar/", views.editar, name="editar"),
    path("<int:pk>/adjuntos/", views.adjuntar, name="adjuntar"),
    path("<int:pk>/adjuntos/<int:adjunto_pk>/", views.descargar_adjunto, name="adjunto"),
    path("<int:pk>/decidir/", views.decidir, name="decidir"),
    path("<int:pk>/<slug:nombre>/", views.accion, name="accion"),
    path("brechas/", views.brechas, name="brechas"),
    path("importar/", views_importar.importar, name="importar"),
    path("exportar/", views_importar.exportar, name="exportar"),
]
