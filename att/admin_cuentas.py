"""Admin de las cuentas: solicitudes de cuenta, invitaciones y solicitudes sobre datos personales.

De solo lectura para el administrador DNP: se resuelven en sus colas (/cuenta/solicitudes/ y
/cuenta/solicitudes/datos/), que pasan por los servicios de `att/cuentas.py` (correo, bandeja de salida).
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from att.admin_base import SoloLecturaAdminDNP
from att.models import Invitacion, SolicitudCuenta, SolicitudDatosPersonales


@admin.register(SolicitudCuenta)
class SolicitudCuentaAdmin(SoloLecturaAdminDNP, SimpleHistoryAdmin):
    list_display = ["nombre", "email", "entidad", "rol", "estado", "creada_en", "resuelta_por"]
    list_filter = ["estado", "rol"]
    search_fields = ["nombre", "email", "entidad__nombre"]
    list_select_related = ["entidad", "resuelta_por"]
    date_hierarchy = "creada_en"


@admin.register(Invitacion)
class InvitacionAdmin(SoloLecturaAdminDNP, SimpleHistoryAdmin):
    list_display = ["email", "entidad", "rol", "invitada_por", "enviada_en", "expira_en", "usada_en"]
    list_filter = ["rol"]
    search_fields = ["email", "entidad__nombre"]
    list_select_related = ["entidad", "invitada_por"]
    exclude = ["nonce"]


@admin.register(SolicitudDatosPersonales)
class SolicitudDatosPersonalesAdmin(SoloLecturaAdminDNP, SimpleHistoryAdmin):
    list_display = ["usuario", "tipo", "estado", "creada_en", "respondida_por", "respondida_en"]
    list_filter = ["tipo", "estado"]
    search_fields = ["usuario__nombre", "usuario__email"]
    list_select_related = ["usuario", "respondida_por"]
