"""Admin del registro de seguridad del ingreso (django-axes), solo para el administrador DNP.

Intentos fallidos vigentes (AccessAttempt: borrar uno desbloquea esa combinación de correo e IP),
historial de fallos con su bloqueo (AccessFailureLog) e ingresos exitosos (AccessLog). De solo
lectura: nadie los crea ni los edita a mano.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from att import permisos
from att.admin_base import SoloLecturaAdminDNP


class IntentoAdmin(SoloLecturaAdminDNP, AccessAttemptAdmin):
    def has_delete_permission(self, request, obj=None):
        return permisos.es_admin_dnp(request.user)  # desbloquear antes de que venza la espera


class FalloAdmin(SoloLecturaAdminDNP, AccessFailureLogAdmin):
    pass


class IngresoAdmin(SoloLecturaAdminDNP, AccessLogAdmin):
    pass


for modelo, clase in ((AccessAttempt, IntentoAdmin), (AccessFailureLog, FalloAdmin), (AccessLog, IngresoAdmin)):
    if admin.site.is_registered(modelo):
        admin.site.unregister(modelo)
    admin.site.register(modelo, clase)
