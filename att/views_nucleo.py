from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from att import permisos, selectors, services
from att.models import Notificacion, TipoEntidad, TipoEventoSeguridad
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
