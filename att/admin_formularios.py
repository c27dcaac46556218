"""Admin de lo que los formularios guardan de paso: adjuntos conservados tras un envío fallido y
borradores del lado del servidor (`att.forms.ConservaAdjuntosMixin`, `att.services`).

Solo lectura y solo para el administrador DNP (soporte: «¿se guardó mi archivo?»). No expone el
contenido: de un adjunto, su nombre, tipo y tamaño (ni el archivo ni su token, que permitiría
adjuntarlo); de un borrador, cuántos campos guarda (no sus textos). La purga de vencidos es una tarea.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from att.admin_base import SoloLecturaAdminDNP
from att.models import AdjuntoPendiente, Borrador


@admin.register(AdjuntoPendiente)
class AdjuntoPendienteAdmin(SoloLecturaAdminDNP, admin.ModelAdmin):
    list_display = ["nombre", "tamano", "tipo_contenido", "usuario", "formulario", "creado", "vence", "usado"]
    list_filter = ["formulario", ("usado", admin.EmptyFieldListFilter)]
    search_fields = ["nombre", "usuario__email", "usuario__nombre"]
    list_select_related = ["usuario"]
    date_hierarchy = "creado"
    ordering = ["-creado", "-pk"]
    fields = ["nombre", "tamano", "tipo_contenido", "usuario", "formulario", "creado", "vence", "usado"]
    readonly_fields = fields


@admin.register(Borrador)
class BorradorAdmin(SoloLecturaAdminDNP, admin.ModelAdmin):
    list_display = ["usuario", "formulario", "objeto_id", "campos", "actualizado"]
    list_filter = ["formulario"]
    search_fields = ["usuario__email", "usuario__nombre", "formulario"]
    list_select_related = ["usuario"]
    date_hierarchy = "actualizado"
    ordering = ["-actualizado", "-pk"]
    fields = ["usuario", "formulario", "objeto_id", "campos", "actualizado"]
    readonly_fields = fields

    @admin.display(description=_("campos guardados"))
    def campos(self, obj) -> int:
        return len(obj.datos or {})
