from django.urls import path

from pas import views

app_name = "pas"

urlpatterns = [
    path("", views.cortes, name="cortes"),
    path("cortes/<int:pk>/", views.corte, name="corte"),
    # Informe consolidado de un corte (PDF o XLSX): el enlace que usan las sesiones de gobernanza.
    path("cortes/<int:pk>/informe.<str:formato>", views.informe_descargar, name="informe_corte"),
    path("acciones/", views.acciones, name="acciones"),
    path("acciones/nueva/", views.accion_nueva, name="accion_nueva"),
    path("acciones/<int:pk>/", views.accion, name="accion"),
    path("acciones/<int:pk>/editar/", views.accion_editar, name="accion_editar"),
    path("acciones/<int:pk>/cortes/<int:corte_pk>/reportar/", views.reportar, name="reportar"),
    path("reportes/", views.reportes, name="reportes"),
    path("reportes/<int:pk>/", views.reporte, name="reporte"),
    path("reportes/<int:pk>/<str:paso>/", views.reporte_transicion, name="reporte_transicion"),
    path("evidencias/<int:pk>/", views.evidencia, name="evidencia"),
]
