from rest_framework import permissions

from att import permisos


class LecturaPublicaEscrituraAutenticada(permissions.BasePermission):
    """Lectura abierta; escritura solo autenticada y nunca para el auditor."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and not permisos.solo_lectura(request.user))


class Autenticado(permissions.BasePermission):
    """Autenticado; el auditor solo lee."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or not permisos.solo_lectura(request.user)
