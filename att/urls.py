import importlib.util

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView, TemplateView

from att import (
    salud,
    views,
    views_alertas,
    views_borradores,
    views_cuentas,
    views_errores,
    views_escritorio,
    views_mfa,
    views_perfil,
)

admin.site.site_header = _("Administración de la plataforma ATT")
admin.site.site_title = _("ATT – DNP")
admin.site.index_title = _("Asistencia Técnica Territorial")


def _pagina(nombre: str):
    """Página informativa fija (templates/att/<nombre>.html) con los datos de contacto del DNP."""
    return TemplateView.as_view(template_name=f"att/{nombre}.html", extra_context={"contacto": settings.ATT_CONTACTO})


urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("ingresar/", views.Ingreso.as_view(), name="login"),
    # Páginas que tiene todo sitio público (pie de templates/base.html).
    path("ayuda/", _pagina("ayuda"), name="ayuda"),
    path("contacto/", _pagina("contacto"), name="contacto"),
    path("privacidad/", _pagina("privacidad"), name="privacidad"),
    path("accesibilidad/", _pagina("accesibilidad"), name="accesibilidad"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.ico")),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("mi-escritorio/", views_escritorio.escritorio_view, name="escritorio"),
    # Verificación en dos pasos (obligatoria para el admin y los administradores DNP: att/mfa.py).
    path("cuenta/alertas/", views_alertas.preferencias, name="preferencias-alertas"),
    path("cuenta/alertas/baja/<str:token>/", views_alertas.baja, name="baja-alertas"),
    path("cuenta/mfa/activar/", views_mfa.activar, name="mfa-activar"),
    path("cuenta/mfa/verificar/", views_mfa.verificar, name="mfa-verificar"),
    path("cuenta/mfa/qr.svg", views_mfa.qr, name="mfa-qr"),
    # Cuentas (att/views_cuentas.py): mi cuenta y mis datos (Ley 1581), pedir cuenta, invitar, contraseña.
    path("cuenta/", views_cuentas.cuenta, name="cuenta"),
    path("cuenta/datos.<str:formato>", views_cuentas.datos_descargar, name="cuenta-datos-descargar"),
    path("cuenta/datos/solicitar/", views_cuentas.datos_solicitar, name="cuenta-datos-solicitar"),
    path("cuenta/solicitar/", views_cuentas.solicitar, name="cuenta-solicitar"),
    path("cuenta/solicitar/enviada/", views_cuentas.solicitud_enviada, name="cuenta-solicitud-enviada"),
    path("cuenta/solicitudes/", views_cuentas.solicitudes, name="cuenta-solicitudes"),
    path("cuenta/solicitudes/<int:pk>/", views_cuentas.solicitud, name="cuenta-solicitud"),
    path("cuenta/solicitudes/datos/", views_cuentas.solicitudes_datos, name="cuenta-solicitudes-datos"),
    path("cuenta/solicitudes/datos/<int:pk>/", views_cuentas.solicitud_datos, name="cuenta-solicitud-datos"),
    path("cuenta/invitar/", views_cuentas.invitar, name="cuenta-invitar"),
    path("cuenta/invitacion/<str:token>/", views_cuentas.invitacion, name="cuenta-invitacion"),
    path("cuenta/entidad/<int:pk>/miembros/", views_cuentas.miembros, name="cuenta-miembros"),
    path("cuenta/membresia/<int:pk>/terminar/", views_cuentas.membresia_terminar, name="cuenta-membresia-terminar"),
    path("cuenta/clave/", views_cuentas.CambiarClave.as_view(), name="cuenta-clave"),
    path("cuenta/recuperar/", views_cuentas.Recuperar.as_view(), name="cuenta-recuperar"),
    path("cuenta/recuperar/enviado/", views_cuentas.RecuperarEnviado.as_view(), name="cuenta-recuperar-enviado"),
    path("cuenta/recuperar/<uidb64>/<token>/", views_cuentas.RecuperarConfirmar.as_view(),
         name="cuenta-recuperar-confirmar"),
    path("cuenta/recuperar/listo/", views_cuentas.RecuperarListo.as_view(), name="cuenta-recuperar-listo"),
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

# Errores en español: página con el diseño del sitio, o JSON bajo /api/ (att/views_errores.py).
handler400 = views_errores.error_400
handler403 = views_errores.error_403
handler404 = views_errores.error_404
handler500 = views_errores.error_500
