from django.urls import path

from att import views_conversacion, views_exportacion, views_importacion
from att import views_nucleo as v

app_name = "nucleo"
urlpatterns = [
    path("entidades/", v.entidades, name="entidades"),
    path("atributos/importar/", v.importar_atributos, name="importar-atributos"),
    path("importaciones/<int:pk>/", views_importacion.importacion, name="importacion"),
    path("importaciones/plantilla/<slug:tipo>.xlsx", views_importacion.plantilla, name="plantilla-importacion"),
    path("seguridad/", v.registro_seguridad, name="registro-seguridad"),
    path("dependencias/", v.dependencias, name="dependencias"),
    path("dependencias/<int:pk>/", v.dependencia, name="dependencia"),
]
urlpatterns += [
    path("alertas/", v.alertas, name="alertas"),
    path("alertas/<int:pk>/leida/", v.alerta_leida, name="alerta-leida"),
    path("alertas/todas-leidas/", v.alertas_todas_leidas, name="alertas-todas-leidas"),
]
urlpatterns += [
    path("conversaciones/<slug:tipo>/<int:pk>/mensajes/", views_conversacion.mensaje_nuevo, name="mensaje-nuevo"),
    path("conversaciones/adjuntos/<int:pk>/", views_conversacion.adjunto, name="adjunto-mensaje"),
]
urlpatterns += [
    path("exportaciones/<uuid:clave>/", views_exportacion.exportacion_estado, name="exportacion"),
    path("exportaciones/<uuid:clave>/descargar/", views_exportacion.exportacion_descargar,
         name="exportacion-descargar"),
]
