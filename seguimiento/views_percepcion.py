"""Páginas de #12 en el seguimiento: consentimiento de percepción, atención prioritaria, calificaciones por
región y tema, costo por ET asistida y por punto de capacidad, y evaluación intermedia y final por línea.

Delgadas: leen con `selectors`, escriben con `services`; cada tabla se descarga en CSV y XLSX
(`att.exportacion`). Quién ve qué: `att.permisos` (vía `seguimiento.rules` y los selectores acotados)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from att import exportacion, permisos
from att.forms import aplicar_error_servicio
from att.models import Entidad
from seguimiento import selectors, services
from seguimiento.forms import ConsentimientoForm, EvaluacionForm
from seguimiento.models import EvaluacionLinea
from seguimiento.views import _linea_visible, _ver


def _exportar(request, nombre: str, titulo: str, cabeza: list, filas):
    """CSV o XLSX de una tabla si lo pide `?formato=`; None si no."""
    formato = request.GET.get("formato")
    cabeza = [str(c) for c in cabeza]
    if formato == "csv":
        return exportacion.respuesta_csv(f"{nombre}.csv", cabeza, filas)
    if formato == "xlsx":
        return exportacion.respuesta_xlsx(f"{nombre}.xlsx", [(str(titulo)[:31], [[str(titulo)]], cabeza, filas)])
    return None


# --- Consentimiento -----------------------------------------------------------------------------------
@login_required
@exportacion.con_cupo(solo_con_formato=True)
def consentimiento(request):
    """Estado del consentimiento de cada ET visible; la ET (o su equipo departamental, o el DNP en la
    entrevista) lo da o lo revoca."""
    _ver(request)
    u = request.user
    if request.method == "POST":
        entidad = get_object_or_404(Entidad, pk=request.POST.get("entidad") or 0)
        if not u.has_perm("seguimiento.calificar", entidad):
            raise PermissionDenied(_("No puede registrar el consentimiento de esta entidad."))
        form = ConsentimientoForm(request.POST)
        try:
            if request.POST.get("accion") == "revocar":
                if not form.is_valid():
                    raise ValidationError(form.errors.get("motivo") or _("Revise el motivo."))
                services.consentimiento_revocar(entidad=entidad, por=u, motivo=form.cleaned_data["motivo"])
                messages.success(request, _("Consentimiento de %(e)s revocado.") % {"e": entidad})
            else:
                services.consentimiento_dar(entidad=entidad, por=u)
                messages.success(request, _("Consentimiento de %(e)s registrado.") % {"e": entidad})
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        return redirect(f"{request.path}?{urlencode({'q': request.POST.get('q', '')[:100]})}")
    qs = selectors.consentimientos_visibles(u)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(nombre__icontains=q)
    estado = request.GET.get("estado")
    if estado == "vigente":
        qs = qs.filter(consentimiento_percepcion__revocado_en__isnull=True,
                       consentimiento_percepcion__isnull=False)
    elif estado == "sin":
        qs = qs.exclude(selectors.con_consentimiento())
    if request.GET.get("formato") in ("csv", "xlsx"):
        def filas_consentimiento():
            for e in exportacion.por_trozos(qs):
                c = getattr(e, "consentimiento_percepcion", None)
                yield [e.nombre, e.departamento.nombre if e.departamento else "",
                       _("vigente") if c and c.vigente else _("revocado") if c else _("sin consentimiento"),
                       c.otorgado_en if c else None, str(c.otorgado_por) if c else "",
                       c.revocado_en if c else None, str(c.revocado_por or "") if c else ""]

        filas = filas_consentimiento()
        return _exportar(request, "consentimiento-percepcion", _("Consentimiento de percepción"),
                         [_("Entidad"), _("Departamento"), _("Estado"), _("Otorgado el"), _("Otorgado por"),
                          _("Revocado el"), _("Revocado por")], filas)
    pagina = Paginator(qs, 50).get_page(request.GET.get("page"))
    puede = not permisos.solo_lectura(u)
    filas = [{"entidad": e, "c": getattr(e, "consentimiento_percepcion", None),
              "puede": puede and (permisos.es_equipo_dnp(u) or permisos.actua_por(u, e, selectors.ROLES_ET))}
             for e in pagina]
    return render(request, "seguimiento/consentimiento.html", {"pagina": pagina, "filas": filas, "q": q,
                                                                "estado": estado, "form": ConsentimientoForm()})


# --- Atención prioritaria -------------------------------------------------------------------------------
@login_required
@exportacion.con_cupo(solo_con_formato=True)
def atencion(request):
    _ver(request)
    filas = selectors.atencion_prioritaria(request.user)
    respuesta = _exportar(
        request, "atencion-prioritaria", _("Atención prioritaria"),
        [_("Entidad"), _("Departamento"), _("Motivos"), _("Calificaciones (12 meses)"), _("Promedio"),
         _("Última calificación")],
        [[f["entidad"].nombre, f["entidad"].departamento.nombre if f["entidad"].departamento else "",
          "; ".join(str(m) for m in f["motivos"]), f["n"], f["promedio"], f["ultima"]] for f in filas])
    if respuesta:
        return respuesta
    from seguimiento.models import ConfiguracionSeguimiento

    return render(request, "seguimiento/atencion.html", {
        "pagina": Paginator(filas, 50).get_page(request.GET.get("page")), "total": len(filas),
        "umbral": ConfiguracionSeguimiento.obtener().umbral_percepcion,
    })


# --- Calificaciones por región y por tema ----------------------------------------------------------------
@login_required
@exportacion.con_cupo(solo_con_formato=True)
def desglose(request):
    _ver(request)
    por = "tema" if request.GET.get("por") == "tema" else "region"
    filas = (selectors.percepcion_por_tema if por == "tema" else selectors.percepcion_por_region)(request.user)
    titulo = _("Calificaciones por tema") if por == "tema" else _("Calificaciones por región")
    respuesta = _exportar(
        request, f"percepcion-por-{por}", titulo,
        [_("Tema") if por == "tema" else _("Región"), _("Calificaciones"), _("Calidad"), _("Pertinencia"),
         _("Oportunidad"), _("Promedio"), _("Insatisfechas")],
        [[f["etiqueta"], f["n"], f["calidad"], f["pertinencia"], f["oportunidad"], f["promedio"], f["insatisfechas"]]
         for f in filas])
    if respuesta:
        return respuesta
    return render(request, "seguimiento/desglose.html", {"filas": filas, "por": por, "titulo": titulo})


# --- Costo por ET asistida y por punto de capacidad -------------------------------------------------------
@login_required
@exportacion.con_cupo(solo_con_formato=True)
def costo(request):
    _ver(request)
    if not request.user.has_perm("seguimiento.ver_costo"):
        raise PermissionDenied(_("El costo de la asistencia lo ven el DNP y los oferentes (los suyos)."))
    por = "tema" if request.GET.get("por") == "tema" else "oferente"
    filas = selectors.costo_asistencia(request.user, por=por)
    titulo = _("Costo por tema") if por == "tema" else _("Costo por oferente")
    respuesta = _exportar(
        request, f"costo-por-{por}", titulo,
        [_("Tema") if por == "tema" else _("Entidad oferente"), _("Inversión (COP)"), _("ETs asistidas"),
         _("Costo por ET asistida (COP)"), _("Puntos de capacidad ganados"), _("Costo por punto (COP)")],
        [[f["etiqueta"], f["inversion"], f["ets"], f["costo_et"], f["puntos"], f["costo_punto"]] for f in filas])
    if respuesta:
        return respuesta
    return render(request, "seguimiento/costo.html", {
        "pagina": Paginator(filas, 50).get_page(request.GET.get("page")), "por": por, "titulo": titulo})


# --- Evaluación intermedia y final por línea ----------------------------------------------------------------
@login_required
@exportacion.con_cupo(solo_con_formato=True)
def evaluaciones(request):
    _ver(request)
    qs = selectors.evaluaciones_visibles(request.user)
    tipo = request.GET.get("tipo")
    if tipo in ("intermedia", "final"):
        qs = qs.filter(tipo=tipo)
    if request.GET.get("formato") in ("csv", "xlsx"):
        filas = ([e.linea_id, e.linea.oferta.nombre, e.linea.plan.entidad.nombre, e.get_tipo_display(),
                  e.get_resultado_display(), e.fecha, e.avance_linea, e.hallazgos, e.recomendaciones]
                 for e in exportacion.por_trozos(qs))
        return _exportar(request, "evaluaciones-lineas", _("Evaluaciones de las líneas"),
                         [_("Línea"), _("Producto"), _("Oferente"), _("Tipo"), _("Resultado"), _("Fecha"),
                          _("Avance al evaluar (%)"), _("Hallazgos"), _("Recomendaciones")], filas)
    return render(request, "seguimiento/evaluaciones.html", {
        "pagina": Paginator(qs, 50).get_page(request.GET.get("page")), "tipo": tipo})


@login_required
def evaluacion_linea(request, pk):
    linea = _linea_visible(request, pk)
    puede = request.user.has_perm("seguimiento.evaluar_linea", linea)
    form = EvaluacionForm()
    if request.method == "POST":
        if not puede:
            raise PermissionDenied(_("Solo el oferente de la línea o el equipo de seguimiento del DNP la evalúan."))
        form = EvaluacionForm(request.POST)
        if form.is_valid():
            try:
                services.evaluacion_registrar(linea=linea, por=request.user, **form.cleaned_data)
                messages.success(request, _("Evaluación registrada."))
                return redirect("seguimiento:evaluacion_linea", pk=linea.pk)
            except ValidationError as e:
                aplicar_error_servicio(form, e)
    hechas = list(EvaluacionLinea.objects.filter(linea=linea).select_related("registrada_por").order_by("tipo"))
    return render(request, "seguimiento/evaluacion_linea.html", {
        "linea": linea, "evaluaciones": hechas, "form": form, "puede": puede})
