from django.urls import path

from seguimiento import views, views_percepcion

app_name = "seguimiento"

urlpatterns = [
    path("", views.tablero, name="tablero"),
    path("lineas/", views.lineas, name="lineas"),
    path("lineas/<int:pk>/", views.linea, name="linea"),
    path("evidencias/<int:pk>/", views.evidencia, name="evidencia"),
    path("avances/pendientes/", views.pendientes, name="pendientes"),
    path("avances/<int:pk>/revisar/", views.revisar, name="revisar"),
    path("indicadores/", views.indicadores, name="indicadores"),
    path("indicadores/<int:pk>/", views.indicador, name="indicador"),
    path("percepcion/", views.percepcion, name="percepcion"),
    path("percepcion/consentimiento/", views_percepcion.consentimiento, name="consentimiento"),
    path("percepcion/atencion/", views_percepcion.atencion, name="atencion"),
    path("percepcion/desglose/", views_percepcion.desglose, name="desglose"),
    path("costo/", views_percepcion.costo, name="costo"),
    path("evaluaciones/", views_percepcion.evaluaciones, name="evaluaciones"),
    path("lineas/<int:pk>/evaluacion/", views_percepcion.evaluacion_linea, name="evaluacion_linea"),
    path("capacidades/", views.capacidades, name="capacidades"),
    path("asistencia/", views.asistencia, name="asistencia"),
    path("asistencia/<str:tipo>/<int:pk>/evidencia/", views.evidencia_asistencia, name="evidencia_asistencia"),
    path("cortes/<str:dimension>/", views.corte, name="corte"),
    path("mapas/", views.mapas_nacional, name="mapas"),
    path("mapas/departamento/<str:codigo>/", views.mapas_departamento, name="mapas_departamento"),
    path("periodos/", views.periodos, name="periodos"),
    path("informes/", views.informes_lista, name="informes"),
    path("informes/<int:pk>/<str:formato>/", views.informe_descargar, name="informe_descargar"),
]
