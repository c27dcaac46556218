"""Administración de ofertas: consulta y corrección de datos por el DNP. El estado no se cambia
aquí: el ciclo de vida va por los servicios (páginas o API) para que quede en la historia."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ImportacionOferta, Oferta, TransicionOferta
from .services import actualizar_busqueda


class TransicionInline(admin.TabularInline):
    model = TransicionOferta
    extra = 0
    can_delete = False
    readonly_fields = ["de_estado", "a_estado", "por", "cuando", "motivo"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Oferta)
class OfertaAdmin(SimpleHistoryAdmin):
    list_display = ["nombre", "entidad", "estado", "vigencia_desde", "vigencia_hasta", "actualizada"]
    list_filter = ["estado", "canal", "continua", "solo_pdet"]
    search_fields = ["nombre", "entidad__nombre", "entidad__sigla"]
    list_select_related = ["entidad"]
    raw_id_fields = ["entidad", "cooferentes", "focaliza_entidades", "creada_por"]
    filter_horizontal = ["descriptores", "temas", "capacidades", "niveles_capacidad", "etapas", "modalidades",
                         "focaliza_departamentos"]
    readonly_fields = ["estado", "comentario_revision", "publicada_en", "creada", "actualizada"]
    inlines = [TransicionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        actualizar_busqueda([form.instance.pk])


@admin.register(ImportacionOferta)
class ImportacionOfertaAdmin(admin.ModelAdmin):
    list_display = ["nombre_archivo", "por", "estado", "total", "avance", "validas", "creadas", "creada"]
    list_filter = ["estado"]
    readonly_fields = ["por", "archivo", "nombre_archivo", "estado", "total", "procesadas", "validas", "creadas",
                       "errores", "creada", "actualizada"]

    @admin.display(description=_("avance"))
    def avance(self, obj):
        return f"{obj.porcentaje} %"
