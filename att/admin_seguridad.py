"""Admin del registro de seguridad (att.EventoSeguridad), de solo lectura para el administrador DNP."""

from django.contrib import admin

from att.admin_base import SoloLecturaAdminDNP
from att.models import EventoSeguridad


@admin.register(EventoSeguridad)
class EventoSeguridadAdmin(SoloLecturaAdminDNP, admin.ModelAdmin):
    list_display = ["creado", "tipo", "usuario", "correo", "ip", "metodo", "ruta"]
    list_filter = ["tipo", "creado"]
    search_fields = ["correo", "ip", "usuario__email", "usuario__nombre", "request_id", "ruta"]
    list_select_related = ["usuario"]
    date_hierarchy = "creado"
    show_full_result_count = False  # el registro crece sin tope: sin un COUNT(*) extra por página
    fields = ["creado", "tipo", "usuario", "correo", "ip", "metodo", "ruta", "request_id", "detalle"]
    readonly_fields = fields
