"""Admin de los webhooks: el administrador DNP registra, activa o desactiva suscripciones (el secreto
se muestra una sola vez al crearla) y ve sus entregas."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from att import cambios, permisos, services
from att.admin_base import SoloLecturaAdminDNP
from att.models import EntregaWebhook, SuscripcionWebhook


class SuscripcionWebhookForm(forms.ModelForm):
    """Las mismas verificaciones del servicio (https fuera de desarrollo, eventos conocidos)."""

    class Meta:
        model = SuscripcionWebhook
        fields = ("url", "eventos", "usuario", "entidad", "activa")

    def clean(self):
        datos = super().clean()
        if not self.errors:
            try:
                cambios.validar_url(datos.get("url"))
                datos["eventos"] = cambios.validar_eventos(datos.get("eventos"))
            except ValidationError as error:
                raise forms.ValidationError(error.message_dict) from error
        return datos


@admin.register(SuscripcionWebhook)
class SuscripcionWebhookAdmin(SimpleHistoryAdmin):
    form = SuscripcionWebhookForm
    list_display = ["url", "usuario", "entidad", "activa", "creada"]
    list_filter = ["activa"]
    list_select_related = ["usuario", "entidad"]
    autocomplete_fields = ["usuario", "entidad"]
    readonly_fields = ["creada"]

    def has_module_permission(self, request):
        return permisos.es_admin_dnp(request.user)

    def has_view_permission(self, request, obj=None):
        return permisos.es_admin_dnp(request.user)

    def has_add_permission(self, request):
        return permisos.es_admin_dnp(request.user)

    def has_change_permission(self, request, obj=None):
        return permisos.es_admin_dnp(request.user)

    def has_delete_permission(self, request, obj=None):
        return permisos.es_admin_dnp(request.user)

    def save_model(self, request, obj, form, change):
        datos = form.cleaned_data
        if change:
            services.webhook_actualizar(suscripcion=obj, por=request.user, url=datos["url"], eventos=datos["eventos"],
                                        activa=datos["activa"], entidad=datos.get("entidad"))
            return
        suscripcion, secreto = services.webhook_suscribir(
            por=request.user, url=datos["url"], eventos=datos["eventos"], entidad=datos.get("entidad"),
            usuario=datos["usuario"])
        obj.pk = suscripcion.pk
        messages.warning(request, _("Secreto del webhook (cópielo ahora, no se volverá a mostrar): %s") % secreto)

    def delete_model(self, request, obj):
        services.webhook_eliminar(suscripcion=obj, por=request.user)


@admin.register(EntregaWebhook)
class EntregaWebhookAdmin(SoloLecturaAdminDNP, admin.ModelAdmin):
    list_display = ["evento_id", "suscripcion", "estado", "intentos", "proximo_intento", "entregada_en"]
    list_filter = ["estado"]
    list_select_related = ["suscripcion"]
    readonly_fields = [f.name for f in EntregaWebhook._meta.fields]
