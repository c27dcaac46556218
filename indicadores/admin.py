from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from att.admin_base import GestionEquipoDNP
from indicadores.models import CierrePeriodo, Indicador, Medicion, MetaIndicador
from indicadores.selectors import periodo_cerrado


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


@admin.register(CierrePeriodo)
class CierreAdmin(GestionEquipoDNP, admin.ModelAdmin):
    list_display = ["periodo", "cerrado_por", "cerrado_en"]
    exclude = ["cerrado_por"]

    def save_model(self, request, obj, form, change):
        obj.cerrado_por = request.user
        super().save_model(request, obj, form, change)
