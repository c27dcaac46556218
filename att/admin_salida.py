"""Admin de la bandeja de salida: ver qué quedó pendiente o fallido y devolverlo a la cola."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from att import salida
from att.admin_base import SoloLecturaAdminDNP
from att.models import Salida


@admin.register(Salida)
class SalidaAdmin(SoloLecturaAdminDNP, admin.ModelAdmin):
    list_display = ("pk", "tarea", "estado", "intentos", "creada", "proximo_intento", "publicada_en", "clave")
    list_filter = ("estado", "tarea")
    search_fields = ("tarea", "clave", "ultimo_error")
    readonly_fields = tuple(f.name for f in Salida._meta.fields)
    date_hierarchy = "creada"
    actions = ("reintentar_ahora",)

    @admin.action(description=_("Reintentar ahora las salidas seleccionadas"))
    def reintentar_ahora(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        devueltas = salida.reintentar(salidas=Salida.objects.filter(pk__in=ids))
        cuenta = salida.despachar(ids=ids)
        messages.success(request, _("Devueltas a la cola: %(d)d; publicadas ahora: %(p)d. Las demás las "
                                    "publica el despachador en su próxima vuelta (cada minuto).")
                         % {"d": devueltas, "p": cuenta["publicadas"]})
