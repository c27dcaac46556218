"""Piezas comunes de los administradores del núcleo."""

from att import permisos


class SoloLecturaAdminDNP:
    """Registros que nadie crea ni edita a mano (bandeja de salida, intentos de ingreso): solo el
    administrador DNP los ve. Una clase que permita borrar o actuar lo redefine."""

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


class GestionEquipoDNP:
    """El equipo DNP gestiona; el auditor (si es staff) solo lee; solo el administrador DNP borra."""

    def has_view_permission(self, request, obj=None):
        return permisos.lee_todo(request.user)

    def has_module_permission(self, request):
        return permisos.lee_todo(request.user)

    def has_add_permission(self, request, *args):
        return permisos.es_equipo_dnp(request.user) and not permisos.solo_lectura(request.user)

    def has_change_permission(self, request, obj=None):
        return permisos.es_equipo_dnp(request.user) and not permisos.solo_lectura(request.user)

    def has_delete_permission(self, request, obj=None):
        return permisos.es_admin_dnp(request.user)
