"""Páginas del PAS: cortes (con su consolidado e informe), acciones, reportes.

Lo público (acciones, cortes, consolidado, reportes aprobados) se ve sin sesión; la entidad
responsable reporta lo suyo; el equipo DNP gestiona, revisa y cierra. Los botones solo se muestran a
quien puede usarlos; un corte cerrado no ofrece ningún formulario y sus servicios lo rechazan.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from att import exportacion, permisos
from att.forms import aplicar_error_servicio
from indicadores.models import Indicador
from pas import informes, rules, selectors, services
from pas.forms import AccionForm, ComentarioForm, CorteForm, CostoForm, IndicadorForm, ReporteForm
from pas.models import (
    Accion,
    CorteSemestral,
    EstadoReporte,
    EvidenciaReporte,
    FinanciamientoEntidad,
    FinanciamientoObjetivo,
    InformeCorte,
    ObjetivoEspecifico,
    ReportePAS,
)


def _errores(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- Cortes -------------------------------------------------------------------------------------
def cortes(request):
    """Los nueve cortes (Tabla 1) con sus reportes, y el financiamiento de las Tablas 2 y 3."""
    tabla3 = {}
    for f in FinanciamientoObjetivo.objects.select_related("objetivo").order_by("objetivo__codigo", "anio"):
        tabla3.setdefault(f.objetivo.codigo, {"objetivo": f.objetivo, "montos": [], "total": 0})
        tabla3[f.objetivo.codigo]["montos"].append(f.monto)
        tabla3[f.objetivo.codigo]["total"] += f.monto
    return render(request, "pas/cortes.html", {
        "cortes": selectors.cortes_con_cifras(), "tabla2": FinanciamientoEntidad.objects.select_related("entidad"),
        "tabla3": list(tabla3.values()), "anios": (2022, 2023, 2024, 2025, 2026),
    })


def corte(request, pk):
    corte = get_object_or_404(CorteSemestral, pk=pk)
    u = request.user
    es_dnp = rules.gestiona_pas(u)
    if request.method == "POST":
        return _corte_post(request, corte, es_dnp)
    datos = selectors.consolidado_en_cache(corte)
    qs = selectors.reportes_visibles(u).filter(corte=corte).order_by("accion__codigo")
    estado = request.GET.get("estado")
    if estado in EstadoReporte.values:
        qs = qs.filter(estado=estado)
    pagina = Paginator(qs, 50).get_page(request.GET.get("page"))
    propias = Accion.objects.none()
    if u.is_authenticated and not corte.cerrado:
        propias = (Accion.objects.filter(entidad__in=permisos.entidades_de(u, rules.ROLES_REPORTAN).values("pk"),
                                         fecha_inicio__lte=corte.fecha_corte)
                   .select_related("entidad").prefetch_related(Prefetch(
                       "reportes", queryset=ReportePAS.objects.filter(corte=corte), to_attr="del_corte"))
                   .order_by("codigo")[:200])
    informe = InformeCorte.objects.filter(corte=corte).first()
    return render(request, "pas/corte.html", {
        "corte": corte, "datos": datos, "pagina": pagina, "estado": estado, "estados": EstadoReporte.choices,
        "propias": propias, "es_dnp": es_dnp and not corte.cerrado, "puede_cerrar": rules.cierra_corte(u)
        and not corte.cerrado, "informe": informe, "puede_pedir_informe": es_dnp,
        "form_corte": CorteForm(initial={"plazo_reporte": corte.plazo_reporte, "dias_alerta": corte.dias_alerta}),
    })


def _corte_post(request, corte, es_dnp):
    if not request.user.is_authenticated or not es_dnp:
        raise PermissionDenied(_("Solo el equipo DNP gestiona los cortes del PAS."))
    accion = request.POST.get("accion")
    try:
        if accion == "cerrar":
            services.corte_cerrar(corte=corte, por=request.user)
            messages.success(request, _("Corte cerrado: sus reportes quedan bloqueados y el informe final se está generando."))
        elif accion == "informe":
            services.informe_pedir(corte=corte, por=request.user)
            messages.success(request, _("Informe consolidado en preparación; esta página muestra su estado."))
        elif accion == "plazo":
            form = CorteForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Revise el plazo y los días de alerta."))
            else:
                services.corte_editar(corte=corte, por=request.user, **form.cleaned_data)
                messages.success(request, _("Plazo del corte actualizado."))
    except ValidationError as e:
        _errores(request, e)
    return redirect("pas:corte", pk=corte.pk)


def informe_descargar(request, pk, formato):
    """Descarga del informe consolidado del corte (público: es el consolidado de lo aprobado)."""
    informe = get_object_or_404(InformeCorte.objects.select_related("corte"), corte_id=pk)
    return exportacion.respuesta_archivo_generado(
        informe, formato, informes.nombre_archivo(informe.corte, informe.version, formato))


# --- Acciones -----------------------------------------------------------------------------------
CABEZA_ACCIONES = ["Código", "Acción", "Objetivo", "Entidad responsable", "Corresponsables", "Inicio", "Fin", "Peso (%)"]


@exportacion.con_cupo(solo_con_formato=True)
def acciones(request):
    qs = selectors.acciones().prefetch_related("corresponsables")
    texto = (request.GET.get("q") or "").strip()[:100]
    objetivo = request.GET.get("objetivo") or ""
    entidad = request.GET.get("entidad") or ""
    if texto:
        qs = qs.filter(Q(texto__unaccent__icontains=texto) | Q(codigo__icontains=texto))
    if objetivo:
        qs = qs.filter(objetivo__codigo=objetivo)
    if entidad.isdigit():
        qs = qs.filter(Q(entidad_id=entidad) | Q(pk__in=Accion.corresponsables.through.objects.filter(
            entidad_id=entidad).values("accion_id")))
    formato = request.GET.get("formato")
    if formato in ("csv", "xlsx"):
        # Una sola consulta (cursor del servidor) con los corresponsables agregados: plana con N acciones.
        filas = ([f["codigo"], f["texto"], f["objetivo__codigo"], f["entidad__nombre"], [c for c in f["apoyo"] if c],
                  f["fecha_inicio"], f["fecha_fin"], f["peso"]]
                 for f in qs.prefetch_related(None).order_by("codigo").values(
                     "codigo", "texto", "objetivo__codigo", "entidad__nombre", "fecha_inicio", "fecha_fin", "peso")
                 .annotate(apoyo=ArrayAgg("corresponsables__nombre", order_by="corresponsables__nombre"))
                 .iterator(chunk_size=2000))
        if formato == "csv":
            return exportacion.respuesta_csv("pas-acciones.csv", CABEZA_ACCIONES, filas)
        return exportacion.respuesta_xlsx("pas-acciones.xlsx", [("Acciones", [], CABEZA_ACCIONES, filas)])
    pagina = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "pas/acciones.html", {
        "pagina": pagina, "q": texto, "objetivo": objetivo, "entidad": entidad,
        "objetivos": ObjetivoEspecifico.objects.all(), "puede_gestionar": rules.gestiona_pas(request.user),
    })


@login_required
def accion_nueva(request):
    return _accion_editar(request, None)


@login_required
def accion_editar(request, pk):
    return _accion_editar(request, get_object_or_404(Accion, pk=pk))


def _accion_editar(request, accion):
    if not rules.gestiona_pas(request.user):
        raise PermissionDenied(_("Solo el equipo DNP crea y edita las acciones del PAS."))
    form = AccionForm(request.POST or None, instance=accion)
    if request.method == "POST" and form.is_valid():
        datos = {c: form.cleaned_data[c] for c in AccionForm.Meta.fields}
        try:
            accion = services.accion_guardar(por=request.user, accion=accion,
                                             corresponsables=form.cleaned_data["corresponsables"], **datos)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Acción guardada."))
            return redirect("pas:accion", pk=accion.pk)
    return render(request, "pas/accion_form.html", {"form": form, "accion": accion})


def accion(request, pk):
    accion = get_object_or_404(Accion.objects.select_related("objetivo", "entidad"), pk=pk)
    u = request.user
    puede_gestionar = rules.gestiona_pas(u)
    form_indicador, form_costo = IndicadorForm(prefix="ind"), CostoForm(prefix="costo")
    if request.method == "POST":
        if not puede_gestionar:
            raise PermissionDenied(_("Solo el equipo DNP completa las acciones del PAS."))
        try:
            if request.POST.get("accion") == "indicador":
                form_indicador = IndicadorForm(request.POST, prefix="ind")
                if form_indicador.is_valid():
                    services.accion_indicador_crear(accion=accion, por=u, metas=form_indicador.metas(),
                                                    **form_indicador.ficha())
                    messages.success(request, _("Indicador agregado."))
                    return redirect("pas:accion", pk=accion.pk)
            elif request.POST.get("accion") == "costo":
                form_costo = CostoForm(request.POST, prefix="costo")
                if form_costo.is_valid():
                    services.costo_guardar(accion=accion, por=u, **form_costo.cleaned_data)
                    messages.success(request, _("Costo guardado."))
                    return redirect("pas:accion", pk=accion.pk)
        except ValidationError as e:
            _errores(request, e)
    indicadores = (Indicador.objects.filter(accion_pas__accion=accion).prefetch_related("metas").order_by("pk"))
    reportes = selectors.reportes_visibles(u).filter(accion=accion).order_by("corte__numero")
    return render(request, "pas/accion.html", {
        "accion": accion, "corresponsables": accion.corresponsables.order_by("nombre"),
        "indicadores": indicadores, "costos": accion.costos.order_by("anio", "fuente"), "reportes": reportes,
        "puede_gestionar": puede_gestionar, "form_indicador": form_indicador, "form_costo": form_costo,
        "cortes": CorteSemestral.objects.filter(fecha_corte__gte=accion.fecha_inicio, cerrado_en__isnull=True)
        if rules.reporta_accion(u, accion) else [],
    })


# --- Reportes -----------------------------------------------------------------------------------
def reportes(request):
    qs = selectors.reportes_visibles(request.user).order_by("corte__numero", "accion__codigo")
    corte_id, estado = request.GET.get("corte") or "", request.GET.get("estado") or ""
    if corte_id.isdigit():
        qs = qs.filter(corte_id=corte_id)
    if estado in EstadoReporte.values:
        qs = qs.filter(estado=estado)
    pagina = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "pas/reportes.html", {
        "pagina": pagina, "cortes": CorteSemestral.objects.all(), "corte_id": corte_id, "estado": estado,
        "estados": EstadoReporte.choices,
    })


@login_required
def reportar(request, pk, corte_pk):
    accion = get_object_or_404(Accion.objects.select_related("entidad"), pk=pk)
    corte = get_object_or_404(CorteSemestral, pk=corte_pk)
    if not rules.reporta_accion(request.user, accion):
        raise PermissionDenied(_("Solo la entidad responsable de la acción reporta su avance."))
    if corte.cerrado:
        messages.error(request, corte.mensaje_cerrado())
        return redirect("pas:corte", pk=corte.pk)
    reporte = ReportePAS.objects.filter(accion=accion, corte=corte).prefetch_related("valores").first()
    indicadores = list(Indicador.objects.filter(accion_pas__accion=accion).order_by("pk"))
    inicial = {}
    if reporte:
        inicial = {"avance": reporte.avance, "comprometido": reporte.comprometido, "pagado": reporte.pagado,
                   "nota": reporte.nota, **{f"valor_{v.indicador_id}": v.valor for v in reporte.valores.all()}}
    form = ReporteForm(request.POST or None, request.FILES or None, indicadores=indicadores, initial=inicial,
                      adjuntos_de=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reporte = services.reporte_guardar(
                accion=accion, corte=corte, por=request.user, avance=d["avance"], comprometido=d["comprometido"],
                pagado=d["pagado"], nota=d["nota"], valores=form.valores(), evidencias=d["evidencias"])
            form.marcar_adjuntos_usados()
            if request.POST.get("enviar"):
                services.reporte_enviar(reporte=reporte, por=request.user)
                messages.success(request, _("Reporte enviado al DNP."))
            else:
                messages.success(request, _("Borrador guardado."))
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            return redirect("pas:reporte", pk=reporte.pk)
    return render(request, "pas/reportar.html", {"accion": accion, "corte": corte, "form": form, "reporte": reporte})


def _reporte_visible(request, pk) -> ReportePAS:
    reporte = get_object_or_404(ReportePAS.objects.select_related("accion__entidad", "accion__objetivo", "corte"), pk=pk)
    if not rules.ve_reporte(request.user, reporte):
        raise Http404
    return reporte


def reporte(request, pk):
    reporte = _reporte_visible(request, pk)
    u = request.user
    abierto = not reporte.corte.cerrado
    return render(request, "pas/reporte.html", {
        "reporte": reporte, "valores": reporte.valores.select_related("indicador").order_by("indicador_id"),
        "evidencias": reporte.evidencias.all(), "versiones": reporte.versiones.order_by("numero"),
        "puede_editar": abierto and rules.reporta_accion(u, reporte.accion) and reporte.estado in services.EDITABLES,
        "puede_revisar": abierto and rules.gestiona_pas(u) and reporte.estado == EstadoReporte.ENVIADO,
        "form_revision": ComentarioForm(),
    })


@login_required
@require_POST
def reporte_transicion(request, pk, paso):
    reporte = _reporte_visible(request, pk)
    servicios = {"enviar": services.reporte_enviar, "aprobar": services.reporte_aprobar,
                 "devolver": services.reporte_devolver}
    if paso not in servicios:
        raise Http404
    extra = {}
    if paso in ("aprobar", "devolver"):
        form = ComentarioForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("El comentario es demasiado largo."))
            return redirect("pas:reporte", pk=reporte.pk)
        extra["comentario"] = form.cleaned_data["comentario"]
    try:
        servicios[paso](reporte=reporte, por=request.user, **extra)
    except ValidationError as e:
        _errores(request, e)
    else:
        messages.success(request, {"enviar": _("Reporte enviado al DNP."), "aprobar": _("Reporte aprobado."),
                                   "devolver": _("Reporte devuelto a la entidad con sus comentarios.")}[paso])
    return redirect("pas:reporte", pk=reporte.pk)


@login_required
def evidencia(request, pk):
    ev = get_object_or_404(EvidenciaReporte.objects.select_related("reporte__accion__entidad"), pk=pk)
    _reporte_visible(request, ev.reporte_id)
    return FileResponse(ev.archivo.open("rb"), as_attachment=True, filename=ev.nombre)
