from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from att import permisos, selectors, services
from att.models import Dependencia, Entidad, Notificacion, Rol, TipoEntidad, TipoEventoSeguridad
from att.views_importacion import pagina_importar


def entidades(request):
    """Directorio público de entidades, con búsqueda sin tildes y paginación."""
    texto = request.GET.get("q", "").strip()
    tipo = request.GET.get("tipo", "")
    pagina = Paginator(selectors.entidades_buscar(texto=texto, tipo=tipo), 50).get_page(request.GET.get("page"))
    return render(request, "att/entidades.html", {
        "pagina": pagina, "q": texto, "tipo": tipo, "tipos": TipoEntidad.choices,
    })


@login_required
def importar_atributos(request):
    """Ensayo primero (errores por fila, nada escrito) y luego confirmación explícita (`att.importacion`)."""
    if not permisos.es_admin_dnp(request.user):
        raise PermissionDenied(_("Solo un administrador DNP puede importar atributos."))
    return pagina_importar(
        request, tipo="atributos", titulo=_("Importar atributos de focalización"),
        ayuda=_("Se identifica el municipio por su código DIVIPOLA o por su nombre y departamento. Las demás columnas "
                "son opcionales; una celda vacía deja el valor actual."))


@login_required
def alertas(request):
    """Las alertas de la persona (de todas las áreas), las no leídas primero."""
    solo_no_leidas = request.GET.get("estado") == "no-leidas"
    qs = selectors.notificaciones_de(request.user, solo_no_leidas=solo_no_leidas)
    pagina = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "att/alertas.html", {"pagina": pagina, "solo_no_leidas": solo_no_leidas})


@login_required
@require_POST
def alerta_leida(request, pk):
    notificacion = get_object_or_404(Notificacion, pk=pk, usuario=request.user)
    services.notificacion_marcar_leida(notificacion=notificacion, por=request.user)
    if notificacion.url and request.POST.get("abrir") and url_has_allowed_host_and_scheme(
        notificacion.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notificacion.url)
    return redirect("nucleo:alertas")


@login_required
@require_POST
def alertas_todas_leidas(request):
    n = services.notificaciones_marcar_todas_leidas(por=request.user)
    messages.success(request, _("%(n)d alertas marcadas como leídas.") % {"n": n})
    return redirect("nucleo:alertas")


@login_required
def registro_seguridad(request):
    """El registro de seguridad (ingresos fallidos, bloqueos, permisos denegados, tokens, roles),
    solo para el administrador DNP; a cualquier otra persona, 403 (que también queda registrado)."""
    if not permisos.es_admin_dnp(request.user):
        raise PermissionDenied(_("Solo un administrador DNP puede ver el registro de seguridad."))
    tipo = request.GET.get("tipo", "")
    tipo = tipo if tipo in TipoEventoSeguridad.values else ""
    texto = request.GET.get("q", "").strip()[:100]
    pagina = Paginator(selectors.eventos_seguridad(tipo=tipo, texto=texto), 50).get_page(request.GET.get("page"))
    return render(request, "att/registro_seguridad.html", {
        "pagina": pagina, "tipo": tipo, "q": texto, "tipos": TipoEventoSeguridad.choices,
    })


# --- Dependencias de la entidad oferente (catálogo que usan ofertas y líneas) ------------------------
class DependenciaForm(forms.Form):
    nombre = forms.CharField(label=_lazy("Nombre de la dependencia"), max_length=200,
                             widget=forms.TextInput(attrs={"class": "entrada"}))


class NuevaDependenciaForm(DependenciaForm):
    entidad = forms.ModelChoiceField(label=_lazy("Entidad"), queryset=Entidad.objects.none(), empty_label=None,
                                     widget=forms.Select(attrs={"class": "entrada"}))
    field_order = ["entidad", "nombre"]

    def __init__(self, *args, entidades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entidad"].queryset = entidades


def _entidades_de_dependencias(usuario):
    if permisos.es_admin_dnp(usuario):
        return Entidad.objects.exclude(tipo__in=TipoEntidad.territoriales()).filter(activa=True).order_by("nombre")
    return permisos.entidades_de(usuario, [Rol.OFERENTE]).order_by("nombre")


@login_required
def dependencias(request):
    """Lista y alta de las dependencias de las entidades por las que actúa (el DNP: todas las oferentes)."""
    entidades = _entidades_de_dependencias(request.user)
    if not permisos.es_admin_dnp(request.user) and not entidades.exists():
        raise PermissionDenied(_("Solo los oferentes y el DNP gestionan dependencias."))
    form = NuevaDependenciaForm(request.POST or None, entidades=entidades)
    if request.method == "POST" and form.is_valid():
        try:
            services.dependencia_crear(por=request.user, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Dependencia agregada."))
            return redirect("nucleo:dependencias")
    filas = (Dependencia.objects.filter(entidad__in=entidades).select_related("entidad")
             .order_by("entidad__nombre", "-activa", "nombre"))
    return render(request, "att/dependencias.html", {"form": form, "filas": filas})


@login_required
@require_POST
def dependencia(request, pk):
    """Renombra o desactiva una dependencia (el servicio verifica que quien pide actúe por su entidad)."""
    dep = get_object_or_404(Dependencia.objects.filter(entidad__in=_entidades_de_dependencias(request.user)), pk=pk)
    try:
        if request.POST.get("accion") == "desactivar":
            services.dependencia_desactivar(por=request.user, dependencia=dep)
            messages.success(request, _("Dependencia desactivada: ya no se ofrece en ofertas ni líneas nuevas."))
        else:
            form = DependenciaForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["nombre"])
            services.dependencia_renombrar(por=request.user, dependencia=dep, nombre=form.cleaned_data["nombre"])
            messages.success(request, _("Dependencia renombrada."))
    except ValidationError as e:
        for mensaje in e.messages:
            messages.error(request, mensaje)
    return redirect("nucleo:dependencias")
