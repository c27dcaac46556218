"""Admin de los webhooks: el administrador DNP registra, activa o desactiva suscripciones (el secreto
se muestra una sola vez al crearla) y ve sus entregas."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
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
        # El secreto va en la página de respuesta, no en un mensaje: los mensajes viajan en una
        # cookie del navegador (y podrían quedar en la sesión).
        obj._secreto_nuevo = secreto

    def response_add(self, request, obj, post_url_continue=None):
        secreto = getattr(obj, "_secreto_nuevo", None)
        if not secreto:
            return super().response_add(request, obj, post_url_continue)
        contexto = {**self.admin_site.each_context(request), "suscripcion": obj, "secreto": secreto,
                    "opts": self.model._meta, "title": _("Secreto del webhook"),
                    "volver": reverse("admin:att_suscripcionwebhook_change", args=[obj.pk])}
        respuesta = TemplateResponse(request, "admin/att/secreto_webhook.html", contexto)
        respuesta["Cache-Control"] = "no-store"
        return respuesta

    def delete_model(self, request, obj):
        services.webhook_eliminar(suscripcion=obj, por=request.user)


@admin.register(EntregaWebhook)
class EntregaWebhookAdmin(SoloLecturaAdminDNP, admin.ModelAdmin):
    list_display = ["evento_id", "suscripcion", "estado", "intentos", "proximo_intento", "entregada_en"]
    list_filter = ["estado"]
    list_select_related = ["suscripcion"]
    readonly_fields = [f.name for f in EntregaWebhook._meta.fields]
