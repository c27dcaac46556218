from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from att.admin_base import GestionEquipoDNP
from indicadores.selectors import periodo_cerrado
from indicadores.services import exigir_fecha_de_corte, exigir_periodo_abierto
from seguimiento import services
from seguimiento.informes import verificar_regenerable
from seguimiento.models import (
    Asesoria,
    Avance,
    ConfiguracionSeguimiento,
    ConsentimientoPercepcion,
    EstadoLinea,
    EvaluacionLinea,
    EventoMasivo,
    EvidenciaAvance,
    Hito,
    InformeMensual,
    MuestraPercepcion,
    Percepcion,
    SuscripcionInforme,
)

# El equipo DNP gestiona; el auditor (si es staff) solo lee.
PermisosSeguimiento = GestionEquipoDNP


@admin.register(ConfiguracionSeguimiento)
class ConfiguracionAdmin(PermisosSeguimiento, admin.ModelAdmin):
    list_display = ["__str__", "umbral_riesgo", "umbral_atraso", "umbral_percepcion", "tamano_muestra"]

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request) and not ConfiguracionSeguimiento.objects.exists()


class EvidenciaInline(admin.TabularInline):
    model = EvidenciaAvance
    extra = 0


class AvanceAdminForm(forms.ModelForm):
    """El mismo candado que los servicios: ni un avance con corte futuro o en un mes cerrado, ni
    cambiar uno ya fechado en un mes cerrado."""

    class Meta:
        model = Avance
        fields = "__all__"

    def clean(self):
        datos = super().clean()
        if self.instance.pk and self.instance.fecha_corte:
            exigir_periodo_abierto(self.instance.fecha_corte)
        exigir_fecha_de_corte(datos.get("fecha_corte"))
        hito, entidades = datos.get("hito"), datos.get("entidades")
        if hito and entidades:
            focalizadas = set(hito.linea.territorios.values_list("pk", flat=True))
            ajenas = [e for e in entidades if e.pk not in focalizadas]
            if ajenas:
                raise ValidationError(
                    {"entidades": _("Estas entidades no están focalizadas por la línea del hito: %(entidades)s.")
                     % {"entidades": ", ".join(str(e) for e in ajenas)}})
        return datos


@admin.register(Avance)
class AvanceAdmin(PermisosSeguimiento, SimpleHistoryAdmin):
    form = AvanceAdminForm
    list_display = ["hito", "porcentaje", "fecha_corte", "estado", "registrado_por", "revisado_por"]
    list_filter = ["estado", "fecha_corte"]
    search_fields = ["hito__nombre", "narrativa"]
    list_select_related = ["hito", "registrado_por", "revisado_por"]
    raw_id_fields = ["hito", "registrado_por", "revisado_por", "entidades"]
    inlines = [EvidenciaInline]
    actions = ["validar"]
    # El estado cambia solo con validar/devolver (servicios), que recalculan el hito y la línea.
    readonly_fields = ["estado", "revisado_por", "revisado_en"]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and periodo_cerrado(obj.fecha_corte))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recalcular_hito(obj.hito)

    def save_related(self, request, form, formsets, change):
        # Las entidades del avance (muchos a muchos) se guardan después del avance: se recalcula otra vez.
        super().save_related(request, form, formsets, change)
        _recalcular_hito(form.instance.hito)

    def delete_model(self, request, obj):
        hito = obj.hito
        super().delete_model(request, obj)
        _recalcular_hito(hito)

    def delete_queryset(self, request, queryset):
        hitos = list(Hito.objects.filter(pk__in=queryset.values("hito_id")))
        super().delete_queryset(request, queryset)
        for hito in hitos:
            _recalcular_hito(hito)

    @admin.action(description=_("Validar los avances seleccionados"))
    def validar(self, request, queryset):
        n = 0
        for avance in queryset.filter(estado="reportado"):
            try:
                services.avance_validar(avance=avance, por=request.user)
            except ValidationError as e:
                messages.error(request, f"{avance}: {' '.join(e.messages)}")
                continue
            n += 1
        messages.success(request, _("%(n)s avances validados.") % {"n": n})


@admin.register(Hito)
class HitoAdmin(PermisosSeguimiento, SimpleHistoryAdmin):
    list_display = ["nombre", "linea", "padre", "peso", "fecha_planeada", "avance"]
    list_filter = ["fecha_planeada"]
    search_fields = ["nombre"]
    raw_id_fields = ["linea", "padre"]
    readonly_fields = ["avance", "cumplido_en"]  # calculados desde los avances validados

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.recalcular_linea(obj.linea)

    def has_delete_permission(self, request, obj=None):
        # Un hito con avances en un mes cerrado no se borra (el borrado arrastraría ese registro).
        return super().has_delete_permission(request, obj) and not (
            obj is not None and services.hitos_con_avances_cerrados([obj]))

    def delete_model(self, request, obj):
        services.hito_eliminar(hito=obj, por=request.user)

    def delete_queryset(self, request, queryset):
        hitos = list(queryset.select_related("linea"))
        bloqueados = services.hitos_con_avances_cerrados(hitos)
        for hito in hitos:
            if hito.pk in bloqueados:
                messages.error(request, services.mensaje_hito_no_borrable(hito, bloqueados[hito.pk]))
            else:
                services.hito_eliminar(hito=hito, por=request.user)


def _recalcular_hito(hito: Hito) -> None:
    """Tras un cambio en el administrador: el hito toma su último avance validado y la línea se recalcula."""
    if not hito.subhitos.exists():
        services.actualizar_hito(hito)
    services.recalcular_linea(hito.linea)


@admin.register(EstadoLinea)
class EstadoLineaAdmin(PermisosSeguimiento, admin.ModelAdmin):
    list_display = ["linea", "entidad", "avance", "esperado", "semaforo", "hitos_vencidos", "actualizado"]
    list_filter = ["semaforo"]
    raw_id_fields = ["linea", "plan", "agenda", "entidad", "responsable"]

    def has_add_permission(self, request, *args):
        return False  # la foto la escriben los servicios (y con ella el resumen del tablero)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Percepcion)
class PercepcionAdmin(PermisosSeguimiento, admin.ModelAdmin):
    """Solo lectura: una calificación se registra por el servicio (asistencia recibida, consentimiento, fecha
    del servidor) desde la página o la API."""

    list_display = ["entidad", "oferente", "fecha", "calidad", "pertinencia", "oportunidad"]
    list_filter = ["fecha"]
    raw_id_fields = ["entidad", "oferente", "linea", "asesoria", "evento", "registrada_por"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsentimientoPercepcion)
class ConsentimientoAdmin(PermisosSeguimiento, admin.ModelAdmin):
    """Solo lectura: se da y se revoca en /seguimiento/percepcion/consentimiento/ (con fecha y persona)."""

    list_display = ["entidad", "otorgado_en", "otorgado_por", "revocado_en", "revocado_por"]
    raw_id_fields = ["entidad", "otorgado_por", "revocado_por"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvaluacionLinea)
class EvaluacionAdmin(PermisosSeguimiento, admin.ModelAdmin):
    list_display = ["linea", "tipo", "resultado", "fecha", "avance_linea"]
    list_filter = ["tipo", "resultado"]
    raw_id_fields = ["linea", "registrada_por"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MuestraPercepcion)
class MuestraAdmin(PermisosSeguimiento, admin.ModelAdmin):
    list_display = ["periodo", "universo", "semilla", "creada_por"]
    filter_horizontal = ["entidades"]


@admin.register(Asesoria)
class AsesoriaAdmin(PermisosSeguimiento, admin.ModelAdmin):
    list_display = ["entidad", "oferente", "fecha", "modalidad", "canal", "participantes"]
    raw_id_fields = ["entidad", "oferente", "linea", "registrado_por", "demandas"]


@admin.register(EventoMasivo)
class EventoAdmin(PermisosSeguimiento, admin.ModelAdmin):
    list_display = ["nombre", "oferente", "fecha", "modalidad", "canal", "participantes"]
    raw_id_fields = ["entidades", "oferente", "linea", "registrado_por", "demandas"]


def _encolar_informe(informe) -> None:
    """Pide el informe por la bandeja de salida (sin duplicar uno igual aún pendiente)."""
    from django.utils import timezone

    from att.salida import encolar

    tarea = "seguimiento.generar_corte_semestral" if informe.tipo == "semestral" else "seguimiento.generar_informe_mensual"
    periodo = f"{informe.periodo:%Y-%m}"
    encolar(tarea, periodo, informe.alcance, clave=f"{tarea}:{periodo}:{informe.alcance}",
            solicitado_en=timezone.now().isoformat())


@admin.register(InformeMensual)
class InformeAdmin(PermisosSeguimiento, admin.ModelAdmin):
    list_display = ["__str__", "tipo", "periodo", "alcance", "estado", "progreso", "version", "intentos",
                    "generado_en"]
    list_filter = ["tipo", "estado"]
    readonly_fields = ["estado", "progreso", "version", "intentos", "relanzamientos", "error", "pdf", "xlsx", "resumen",
                       "generado_en"]
    actions = ["regenerar"]

    @admin.action(description=_("Generar (o regenerar) los informes seleccionados en segundo plano"))
    def regenerar(self, request, queryset):
        for informe in queryset:
            try:
                verificar_regenerable(informe.tipo, informe.periodo, informe.alcance)
            except ValidationError as e:
                messages.error(request, f"{informe}: {' '.join(e.messages)}")
                continue
            InformeMensual.objects.filter(pk=informe.pk).update(estado="pendiente", progreso=0, actualizado=timezone.now())
            _encolar_informe(informe)
        messages.success(request, _("Informes en cola: el progreso se ve en esta lista y en la página de informes."))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        try:
            verificar_regenerable(obj.tipo, obj.periodo, obj.alcance)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return
        _encolar_informe(obj)


@admin.register(SuscripcionInforme)
class SuscripcionAdmin(PermisosSeguimiento, admin.ModelAdmin):
    list_display = ["usuario", "alcance", "activa"]
    raw_id_fields = ["usuario"]
