import importlib.util

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from att import salud, views, views_alertas, views_borradores, views_mfa, views_perfil

admin.site.site_header = _("Administración de la plataforma ATT")
admin.site.site_title = _("ATT – DNP")
admin.site.index_title = _("Asistencia Técnica Territorial")

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("ingresar/", views.Ingreso.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    # Verificación en dos pasos (obligatoria para el admin y los administradores DNP: att/mfa.py).
    path("cuenta/alertas/", views_alertas.preferencias, name="preferencias-alertas"),
    path("cuenta/alertas/baja/<str:token>/", views_alertas.baja, name="baja-alertas"),
    path("cuenta/mfa/activar/", views_mfa.activar, name="mfa-activar"),
    path("cuenta/mfa/verificar/", views_mfa.verificar, name="mfa-verificar"),
    path("cuenta/mfa/qr.svg", views_mfa.qr, name="mfa-qr"),
    path("admin/", admin.site.urls),
    # Borradores de los formularios largos (att/views_borradores.py).
    path("borradores/", views_borradores.guardar, name="borrador-guardar"),
    path("borradores/descartar/", views_borradores.descartar, name="borrador-descartar"),
    # Perfil de cada entidad territorial por su código DIVIPOLA (att/views_perfil.py).
    path("territorio/<str:codigo>/", views_perfil.territorio, name="territorio"),
    path("territorio/<str:codigo>/seccion/<slug:clave>/", views_perfil.territorio_seccion, name="territorio-seccion"),
    path("territorio/<str:codigo>/empalme/", views_perfil.pedir_empalme, name="territorio-empalme"),
    path("territorio/<str:codigo>/empalme/<str:formato>/", views_perfil.descargar_empalme,
         name="territorio-empalme-descargar"),
    path("api/v1/", include("att.api.urls")),
    path("nucleo/", include("att.urls_nucleo")),
    # Para los orquestadores: sin sesión ni caché (ver att/salud.py).
    path("salud/vivo", salud.vivo, name="salud-vivo"),
    path("salud/listo", salud.listo, name="salud-listo"),
]
for app in ("oferta", "demanda", "agenda", "seguimiento", "conocimiento", "rutas", "pas"):
    if importlib.util.find_spec(f"{app}.urls") is not None:
        urlpatterns.append(path(f"{app}/", include(f"{app}.urls")))
# Los archivos cargados (evidencias, adjuntos, informes) nunca se sirven directamente desde
# MEDIA_ROOT: cada app los entrega por una vista que verifica el permiso.
