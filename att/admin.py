from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from att import permisos, services
from att.models import (
    Canal,
    Capacidad,
    Departamento,
    Dependencia,
    DescriptorTematico,
    Entidad,
    EtapaCiclo,
    Membresia,
    Modalidad,
    Municipio,
    NivelCapacidad,
    PuntajeMDM,
    Tema,
    TipoCapacidad,
    TokenIntegracion,
    Usuario,
)
from att.resources import EntidadResource, MunicipioResource


class MembresiaInline(admin.TabularInline):
    model = Membresia
    extra = 0
    autocomplete_fields = ["entidad"]


@admin.register(Usuario)
class UsuarioAdmin(SimpleHistoryAdmin, UserAdmin):
    ordering = ["email"]
    list_display = ["email", "nombre", "is_active", "is_staff"]
    search_fields = ["email", "nombre"]
    list_filter = ["is_active", "is_staff", "membresias__rol"]
    inlines = [MembresiaInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Datos personales"), {"fields": ("nombre", "cargo", "telefono", "recibe_resumen_diario")}),
        (_("Permisos"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Fechas"), {"fields": ("last_login", "fecha_registro", "clave_cambiada_en")}),
    )
    readonly_fields = ["clave_cambiada_en"]
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "nombre", "password1", "password2")}),)


@admin.register(Entidad)
class EntidadAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [EntidadResource]
    list_display = ["nombre", "sigla", "tipo", "departamento", "activa"]
    list_filter = ["tipo", "activa", "en_encuesta_2021", "departamento"]
    search_fields = ["nombre", "sigla"]
    list_select_related = ["departamento"]
    autocomplete_fields = ["municipio"]


@admin.register(Dependencia)
class DependenciaAdmin(SimpleHistoryAdmin):
    """Catálogo de dependencias de cada entidad oferente (corte «por dependencia» del seguimiento)."""

    list_display = ["nombre", "entidad", "activa"]
    list_filter = ["activa"]
    search_fields = ["nombre", "entidad__nombre", "entidad__sigla"]
    list_select_related = ["entidad"]
    autocomplete_fields = ["entidad"]


@admin.register(Departamento)
class DepartamentoAdmin(SimpleHistoryAdmin):
    list_display = ["codigo", "nombre", "region"]
    list_filter = ["region"]
    search_fields = ["codigo", "nombre"]


@admin.register(Municipio)
class MunicipioAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [MunicipioResource]
    list_display = ["codigo", "nombre", "departamento", "categoria", "grupo_mdm", "pdet", "zomac"]
    list_filter = ["departamento", "categoria", "grupo_mdm", "pdet", "zomac"]
    search_fields = ["codigo", "nombre"]
    list_select_related = ["departamento"]


@admin.register(PuntajeMDM)
class PuntajeMDMAdmin(SimpleHistoryAdmin):
    list_display = ["municipio", "anio", "puntaje", "grupo"]
    list_filter = ["anio", "grupo"]
    search_fields = ["municipio__nombre", "municipio__codigo"]
    list_select_related = ["municipio__departamento"]


@admin.register(DescriptorTematico)
class DescriptorAdmin(SimpleHistoryAdmin):
    list_display = ["nombre", "tipo", "orden", "activo"]
    search_fields = ["nombre", "codigo"]
    list_editable = ["orden", "activo"]


@admin.register(Tema)
class TemaAdmin(SimpleHistoryAdmin):
    list_display = ["nombre", "padre", "descriptor", "orden", "activo"]
    list_filter = ["descriptor", "activo"]
    list_editable = ["orden", "activo"]
    search_fields = ["nombre", "codigo"]
    list_select_related = ["padre", "descriptor"]


for modelo in (NivelCapacidad, TipoCapacidad, Capacidad, EtapaCiclo, Modalidad, Canal):
    admin.site.register(
        modelo,
        type(f"{modelo.__name__}Admin", (SimpleHistoryAdmin,), {
            "list_display": ["nombre", "codigo", "orden", "activo"], "list_editable": ["orden", "activo"],
            "search_fields": ["nombre", "codigo"],
        }),
    )


class TokenIntegracionForm(forms.ModelForm):
    """Antes de guardar, la misma verificación del servicio: el token va dentro de las membresías."""

    class Meta:
        model = TokenIntegracion
        fields = ("nombre", "usuario", "entidad", "rol")

    def clean(self):
        datos = super().clean()
        if not self.errors:
            services.token_verificar_alcance(
                usuario=datos.get("usuario"), entidad=datos.get("entidad"), rol=datos.get("rol"))
        return datos


@admin.register(TokenIntegracion)
class TokenIntegracionAdmin(SimpleHistoryAdmin):
    form = TokenIntegracionForm
    list_display = ["nombre", "prefijo", "usuario", "entidad", "rol", "creado", "ultimo_uso", "revocado_en",
                    "revocado_por"]
    list_filter = ["rol", "revocado_en"]
    list_select_related = ["usuario", "entidad", "revocado_por"]
    readonly_fields = ["prefijo", "emitido_por", "creado", "ultimo_uso", "revocado_en", "revocado_por"]
    fields = ["nombre", "usuario", "entidad", "rol", *readonly_fields]
    autocomplete_fields = ["usuario", "entidad"]
    actions = ["revocar"]

    def has_add_permission(self, request):
        return permisos.es_admin_dnp(request.user)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else permisos.es_admin_dnp(request.user)

    def save_model(self, request, obj, form, change):
        token, clave = services.token_emitir(
            nombre=obj.nombre, usuario=obj.usuario, entidad=obj.entidad, rol=obj.rol, por=request.user
        )
        obj.pk = token.pk
        messages.warning(request, _("Clave del token (cópiela ahora, no se volverá a mostrar): %s") % clave)

    @admin.action(description=_("Revocar los tokens seleccionados"))
    def revocar(self, request, queryset):
        for token in queryset:
            services.token_revocar(token=token, por=request.user)
        messages.success(request, _("Tokens revocados: %d") % queryset.count())


# Registran el admin del registro de seguridad del ingreso (django-axes), el de la bandeja de salida y
# el del registro de seguridad de la plataforma.
from att import (  # noqa: F401
    admin_autenticacion,
    admin_cuentas,
    admin_formularios,
    admin_salida,
    admin_seguridad,
    admin_webhooks,
)
