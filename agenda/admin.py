from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from agenda.models import (
    AgendaNacional,
    Compromiso,
    EvidenciaMesa,
    LineaPlan,
    MesaDeTrabajo,
    ObjetivoAgenda,
    PlanConcertado,
    PlanDeTrabajo,
    RevisionPlan,
    VersionPlan,
)
from agenda.resources import LineaPlanResource


class ObjetivoInline(admin.TabularInline):
    model = ObjetivoAgenda
    extra = 0


class AgendaAdminForm(forms.ModelForm):
    """También en el administrador: la agenda cubre cuatro años seguidos (la regla del servicio)."""

    class Meta:
        model = AgendaNacional
        fields = "__all__"

    def clean(self):
        datos = super().clean()
        from agenda.services import _exigir_cuatrienio

        if datos.get("anio_inicio") is not None:
            _exigir_cuatrienio(datos.get("anio_inicio"), datos.get("anio_fin"))
        return datos


@admin.register(AgendaNacional)
class AgendaAdmin(SimpleHistoryAdmin):
    form = AgendaAdminForm
    list_display = ["nombre", "anio_inicio", "anio_fin", "estado"]
    list_filter = ["estado"]
    search_fields = ["nombre"]
    readonly_fields = ["estado"]
    filter_horizontal = ["participantes"]
    inlines = [ObjetivoInline]


class SoloLectura:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(SoloLectura, admin.TabularInline):
    model = VersionPlan
    fields = ["numero", "enviada_por", "enviada_en", "nota"]
    readonly_fields = fields


class RevisionInline(SoloLectura, admin.TabularInline):
    model = RevisionPlan
    fields = ["version", "decision", "comentario", "por", "cuando"]
    readonly_fields = fields


@admin.register(PlanDeTrabajo)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["entidad", "vigencia", "agenda", "estado", "version"]
    list_filter = ["estado", "vigencia", "agenda"]
    search_fields = ["entidad__nombre", "entidad__sigla"]
    list_select_related = ["entidad", "agenda"]
    readonly_fields = ["estado", "version", "enviado_en", "aprobado_en", "creado_por"]
    autocomplete_fields = ["entidad"]
    inlines = [VersionInline, RevisionInline]


@admin.register(LineaPlan)
class LineaPlanAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [LineaPlanResource]
    list_display = ["plan", "oferta", "etapa", "fecha_inicio", "fecha_fin", "inversion"]
    list_filter = ["etapa", "plan__vigencia", "plan__estado"]
    search_fields = ["oferta__nombre", "plan__entidad__nombre", "objetivo"]
    list_select_related = ["plan__entidad", "oferta", "etapa"]
    raw_id_fields = ["plan", "oferta", "responsable", "territorios", "demandas"]


class EvidenciaInline(admin.TabularInline):
    model = EvidenciaMesa
    extra = 0
    readonly_fields = ["subido_por", "subido", "tamano"]


class MesaInline(admin.StackedInline):
    model = MesaDeTrabajo
    extra = 0
    readonly_fields = ["registrada_por"]


@admin.register(PlanConcertado)
class PlanConcertadoAdmin(SimpleHistoryAdmin):
    list_display = ["nombre", "entidad_territorial", "vigencia", "estado"]
    list_filter = ["estado", "vigencia"]
    search_fields = ["nombre", "entidad_territorial__nombre"]
    raw_id_fields = ["entidad_territorial", "oferentes", "lineas", "creado_por"]


@admin.register(MesaDeTrabajo)
class MesaAdmin(admin.ModelAdmin):
    list_display = ["plan", "fecha", "lugar"]
    raw_id_fields = ["plan", "registrada_por"]
    inlines = [EvidenciaInline]


@admin.register(Compromiso)
class CompromisoAdmin(SimpleHistoryAdmin):
    list_display = ["descripcion", "plan", "responsable", "fecha_limite", "estado", "vencido"]
    list_filter = ["estado"]
    search_fields = ["descripcion"]
    raw_id_fields = ["plan", "mesa", "responsable", "entidad_responsable"]

    @admin.display(boolean=True, description=_("vencido"))
    def vencido(self, obj):
        return obj.vencido
