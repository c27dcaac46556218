from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from att.admin_base import GestionEquipoDNP
from indicadores import rules, services
from indicadores.models import CierrePeriodo, Indicador, Medicion, MetaIndicador
from indicadores.selectors import periodo_cerrado, primer_dia


class MetaInline(admin.TabularInline):
    model = MetaIndicador
    extra = 1


@admin.register(Indicador)
class IndicadorAdmin(GestionEquipoDNP, SimpleHistoryAdmin):
    list_display = ["nombre", "tipo", "tipo_acumulacion", "unidad", "meta_cuatrienio", "entidad", "activo"]
    list_filter = ["tipo", "tipo_acumulacion", "frecuencia", "activo"]
    search_fields = ["nombre"]
    autocomplete_fields = ["entidad"]
    inlines = [MetaInline]


class MedicionAdminForm(forms.ModelForm):
    class Meta:
        model = Medicion
        fields = "__all__"

    def clean(self):
        datos = super().clean()
        for periodo in {datos.get("periodo"), self.instance.periodo if self.instance.pk else None} - {None}:
            if periodo_cerrado(periodo):
                raise ValidationError(_("El periodo %(p)s está cerrado: sus mediciones no se pueden cambiar.")
                                      % {"p": periodo.strftime("%Y-%m")})
        return datos


@admin.register(Medicion)
class MedicionAdmin(GestionEquipoDNP, SimpleHistoryAdmin):
    form = MedicionAdminForm
    list_display = ["indicador", "periodo", "valor", "registrada_por"]
    list_filter = ["periodo"]
    raw_id_fields = ["indicador", "registrada_por"]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and periodo_cerrado(obj.periodo))


class CierreAdminForm(forms.ModelForm):
    """Solo para cerrar un mes (agregar): la regla es la del servicio (`periodo_cerrar`)."""

    class Meta:
        model = CierrePeriodo
        fields = ["periodo"]

    def clean_periodo(self):
        periodo = primer_dia(self.cleaned_data["periodo"])
        if periodo >= primer_dia(timezone.localdate()):
            raise ValidationError(_("Solo se cierra un mes ya terminado: %(p)s aún no termina.")
                                  % {"p": periodo.strftime("%Y-%m")})
        return periodo


@admin.register(CierrePeriodo)
class CierreAdmin(GestionEquipoDNP, admin.ModelAdmin):
    """Un cierre es el registro de un mes: se agrega por la regla del servicio (solo meses terminados,
    solo el equipo de seguimiento) y no se cambia ni se borra aquí (cambiar el periodo o borrarlo
    reabriría un mes cerrado)."""

    form = CierreAdminForm
    list_display = ["periodo", "cerrado_por", "cerrado_en"]

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and rules.cierra_periodo(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        cierre = services.periodo_cerrar(periodo=obj.periodo, por=request.user)
        obj.pk, obj.cerrado_por, obj.cerrado_en = cierre.pk, cierre.cerrado_por, cierre.cerrado_en
