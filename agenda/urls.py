from django.urls import path

from agenda import views, views_importar

app_name = "agenda"

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("agendas/<int:pk>/", views.agenda_detalle, name="agenda"),
    path("agendas/<int:pk>/estado/", views.agenda_estado, name="agenda_estado"),
    path("planes/", views.planes, name="planes"),
    path("planes/nuevo/", views.plan_nuevo, name="plan_nuevo"),
    path("planes/<int:pk>/", views.plan, name="plan"),
    path("planes/<int:pk>/versiones/<int:numero>/", views.version, name="version"),
    path("planes/<int:pk>/lineas/nueva/", views.linea_editar, name="linea_nueva"),
    path("planes/<int:pk>/lineas/<int:linea_pk>/", views.linea_editar, name="linea_editar"),
    path("planes/<int:pk>/lineas/<int:linea_pk>/eliminar/", views.linea_eliminar, name="linea_eliminar"),
    path("planes/<int:pk>/enviar/", views.plan_enviar, name="plan_enviar"),
    path("planes/<int:pk>/revisar/", views.plan_revisar, name="plan_revisar"),
    path("planes/<int:pk>/importar/", views_importar.importar_lineas, name="importar_lineas"),
    path("planes/<int:pk>/exportar/", views_importar.exportar_lineas, name="exportar_lineas"),
    path("territorio/<int:pk>/", views.entidad_territorial, name="entidad_territorial"),
    path("departamento/<str:codigo>/", views.departamento, name="departamento"),
    path("calendario/", views.calendario, name="calendario"),
    path("concertados/", views.concertados, name="concertados"),
    path("concertados/nuevo/", views.concertado_nuevo, name="concertado_nuevo"),
    path("concertados/<int:pk>/", views.concertado, name="concertado"),
    path("concertados/<int:pk>/mesas/", views.mesa_nueva, name="mesa_nueva"),
    path("concertados/<int:pk>/compromisos/", views.compromiso_nuevo, name="compromiso_nuevo"),
    path("evidencias/<int:pk>/", views.evidencia, name="evidencia"),
    path("compromisos/<int:pk>/revisar/", views.compromiso_revisar, name="compromiso_revisar"),
]
