from django.contrib import admin
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from att import permisos
from demanda import selectors
from demanda.models import AdjuntoDemanda, Demanda, EventoDemanda
from demanda.resources import DemandaResource


class EventoInline(admin.TabularInline):
    model = EventoDemanda
    extra = 0
    can_delete = False
    readonly_fields = ["de_estado", "a_estado", "por", "cuando", "motivo"]

    def has_add_permission(self, request, obj=None):
        return False


class AdjuntoInline(admin.TabularInline):
    model = AdjuntoDemanda
    extra = 0
    readonly_fields = ["nombre", "tamano", "subido_por", "subido"]


@admin.register(Demanda)
class DemandaAdmin(ExportMixin, SimpleHistoryAdmin):
    """Acotado como las páginas: cada quien ve lo de su entidad; los cambios de estado van por
    los servicios (la página de la demanda), no por aquí."""

    resource_classes = [DemandaResource]
    list_display = ["titulo", "entidad", "estado", "creada"]
    list_filter = ["estado", "fuente"]
    search_fields = ["titulo", "entidad__nombre"]
    list_select_related = ["entidad"]
    readonly_fields = ["estado", "oferta", "entidad_competente", "registrada_por", "calificacion", "creada", "actualizada"]
    autocomplete_fields = ["entidad"]
    inlines = [EventoInline, AdjuntoInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(selectors.filtro_visibles(request.user))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_staff
        return request.user.has_perm("demanda.ver", obj)

    def has_change_permission(self, request, obj=None):
        if permisos.solo_lectura(request.user):
            return False
        if obj is None:
            return request.user.is_staff
        return permisos.es_admin_dnp(request.user) or request.user.has_perm("demanda.editar", obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return permisos.es_superusuario(request.user)

    def has_module_permission(self, request):
        return request.user.is_staff
