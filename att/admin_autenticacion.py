"""Admin del registro de seguridad del ingreso (django-axes), solo para el administrador DNP.

Intentos fallidos vigentes (AccessAttempt: borrar uno desbloquea esa combinación de correo e IP),
historial de fallos con su bloqueo (AccessFailureLog) e ingresos exitosos (AccessLog). De solo
lectura: nadie los crea ni los edita a mano.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from att import permisos


class _SoloAdminDNP:
    def has_module_permission(self, request):
        return permisos.es_admin_dnp(request.user)

    def has_view_permission(self, request, obj=None):
        return permisos.es_admin_dnp(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IntentoAdmin(_SoloAdminDNP, AccessAttemptAdmin):
    def has_delete_permission(self, request, obj=None):
        return permisos.es_admin_dnp(request.user)  # desbloquear antes de que venza la espera


class FalloAdmin(_SoloAdminDNP, AccessFailureLogAdmin):
    pass


class IngresoAdmin(_SoloAdminDNP, AccessLogAdmin):
    pass


for modelo, clase in ((AccessAttempt, IntentoAdmin), (AccessFailureLog, FalloAdmin), (AccessLog, IngresoAdmin)):
    if admin.site.is_registered(modelo):
        admin.site.unregister(modelo)
    admin.site.register(modelo, clase)
