from django.contrib import admin
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from att import permisos
from demanda import selectors
from demanda.models import AdjuntoDemanda, Demanda, EventoDemanda
from demanda.resources import DemandaResource
from demanda.services import ESTADOS_EDITABLES


class EventoInline(admin.TabularInline):
    model = EventoDemanda
    extra = 0
    can_delete = False
    readonly_fields = ["de_estado", "a_estado", "por", "cuando", "motivo"]

    def has_add_permission(self, request, obj=None):
        return False


class AdjuntoInline(admin.TabularInline):
    """Solo lectura: los adjuntos entran por la página de la demanda, donde se validan tipo,
    contenido y tamaño (`att.validadores.validar_adjunto`) y se descargan con permiso."""

    model = AdjuntoDemanda
    extra = 0
    can_delete = False
    fields = readonly_fields = ["nombre", "tamano", "subido_por", "subido"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Demanda)
class DemandaAdmin(ExportMixin, SimpleHistoryAdmin):
    """Acotado como las páginas: cada quien ve lo de su entidad; los cambios de estado van por
    los servicios (la página de la demanda), no por aquí."""

    resource_classes = [DemandaResource]
    list_display = ["titulo", "entidad", "estado", "creada"]
    list_filter = ["estado", "fuente"]
    search_fields = ["titulo", "entidad__nombre"]
    list_select_related = ["entidad"]
    # La entidad solicitante no se cambia (sería pasar la demanda a otra entidad, fuera de su vista).
    readonly_fields = ["entidad", "estado", "oferta", "entidad_competente", "registrada_por", "calificacion",
                       "creada", "actualizada"]
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
        if permisos.es_admin_dnp(request.user):
            return True
        # La entidad, como en la página: solo mientras la demanda no se ha remitido ni vinculado.
        return obj.estado in ESTADOS_EDITABLES and request.user.has_perm("demanda.editar", obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return permisos.es_superusuario(request.user)

    def has_module_permission(self, request):
        return request.user.is_staff
