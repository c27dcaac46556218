"""Administrador del PAS. Lo que el DNP completa (acciones, indicadores, costos, plazos) se hace en las
páginas; aquí se consulta y se corrige. Un corte cerrado y sus reportes quedan de solo lectura (y el
modelo rechaza cualquier cambio aunque llegue por otro camino)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from att.admin_base import GestionEquipoDNP, SoloLecturaAdminDNP
from pas.models import (
    Accion,
    CorteSemestral,
    CostoAccion,
    FinanciamientoEntidad,
    FinanciamientoObjetivo,
    IndicadorAccion,
    InformeCorte,
    ObjetivoEspecifico,
    ReportePAS,
    ValorReporte,
    VersionReporte,
)


class IndicadorAccionInline(admin.TabularInline):
    model = IndicadorAccion
    raw_id_fields = ["indicador"]
    extra = 0


class CostoInline(admin.TabularInline):
    model = CostoAccion
    extra = 0


@admin.register(Accion)
class AccionAdmin(GestionEquipoDNP, SimpleHistoryAdmin):
    list_display = ["codigo", "objetivo", "entidad", "fecha_inicio", "fecha_fin", "peso"]
    list_filter = ["objetivo"]
    search_fields = ["codigo", "texto"]
    autocomplete_fields = ["entidad", "corresponsables"]
    inlines = [IndicadorAccionInline, CostoInline]


@admin.register(ObjetivoEspecifico)
class ObjetivoAdmin(GestionEquipoDNP, SimpleHistoryAdmin):
    list_display = ["codigo", "numeral", "nombre"]


@admin.register(FinanciamientoEntidad)
class FinanciamientoEntidadAdmin(GestionEquipoDNP, SimpleHistoryAdmin):
    list_display = ["nombre_entidad", "entidad", "monto"]
    autocomplete_fields = ["entidad"]


@admin.register(FinanciamientoObjetivo)
class FinanciamientoObjetivoAdmin(GestionEquipoDNP, SimpleHistoryAdmin):
    list_display = ["objetivo", "anio", "monto"]


@admin.register(CorteSemestral)
class CorteAdmin(GestionEquipoDNP, SimpleHistoryAdmin):
    """Los nueve cortes vienen de la Tabla 1: no se agregan ni se borran; cerrado, no se cambia (se
    cierra en la página del corte, con la regla del servicio)."""

    list_display = ["numero", "nombre", "fecha_corte", "plazo_reporte", "cerrado_en"]
    readonly_fields = ["numero", "nombre", "fecha_corte", "es_cierre", "cerrado_en", "cerrado_por"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.esta_cerrado())

    def has_delete_permission(self, request, obj=None):
        return False


class ValorInline(admin.TabularInline):
    model = ValorReporte
    extra = 0
    raw_id_fields = ["indicador"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.corte.esta_cerrado())

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(ReportePAS)
class ReporteAdmin(GestionEquipoDNP, SimpleHistoryAdmin):
    list_display = ["accion", "corte", "estado", "avance", "comprometido", "pagado"]
    list_filter = ["corte", "estado"]
    raw_id_fields = ["accion", "revisado_por"]
    readonly_fields = ["corte", "version", "enviado_en"]
    inlines = [ValorInline]

    def has_add_permission(self, request, *args):
        return False  # los reportes nacen en la página de la entidad responsable

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.corte.esta_cerrado())

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.corte.esta_cerrado())


@admin.register(VersionReporte)
class VersionAdmin(SoloLecturaAdminDNP, admin.ModelAdmin):
    list_display = ["reporte", "numero", "enviada_en", "enviada_por"]


@admin.register(InformeCorte)
class InformeAdmin(SoloLecturaAdminDNP, admin.ModelAdmin):
    list_display = ["corte", "estado", "version", "generado_en"]
