"""El sitio del admin de Django: además de `is_staff`, la sesión debe haber verificado el segundo
factor (att/mfa.py). El middleware ya redirige a verificar; esto cierra el admin por sí mismo."""

from django.contrib import admin

from att import mfa


class SitioAdminATT(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and mfa.sesion_verificada(request)
