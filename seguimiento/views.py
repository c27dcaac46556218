"""Páginas del seguimiento: tablero, líneas con sus hitos, validación, indicadores, percepción,
capacidades (MDM) e informes. Toda cifra se puede descargar en CSV."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agenda.models import AgendaNacional, LineaPlan
from att import exportacion, graficos, permisos
from att import periodos as periodos_gobierno
from att import selectors as selectors_att
from att import services as services_att
from att.forms import aplicar_error_servicio
from att.models import Entidad, PuntajeMDM, TipoEntidad
from att.selectors import filtrar_por_periodo
from indicadores import calculo as calculo_indicadores
from indicadores import selectors as sel_indicadores
from indicadores import services as srv_indicadores
from indicadores.forms import MedicionForm
from indicadores.models import TipoAcumulacion
from seguimiento import calculo, cortes, informes, selectors, services
from seguimiento.forms import (
    AsistenciaForm,
    AvanceForm,
    HitoForm,
    ImportarMDMForm,
    PercepcionForm,
    RevisionForm,
)
from seguimiento.models import (
    Avance,
    EstadoInforme,
    EvidenciaAvance,
    Hito,
    InformeMensual,
    MuestraPercepcion,
    Semaforo,
    TipoInforme,
)
from seguimiento.rules import ROLES_ET


def _csv(nombre: str, cabeza: list, filas) -> HttpResponse:
    """Por `att.exportacion`: BOM, fórmulas escapadas, fechas en hora de Bogotá, un solo decimal."""
    from att.exportacion import respuesta_csv

    return respuesta_csv(f"{nombre}.csv", [str(c) for c in cabeza], filas)


def _ver(request):
    if not request.user.has_perm("seguimiento.ver"):
        raise PermissionDenied(_("No tiene acceso al seguimiento."))


def _entero(valor):
    try:
        return int(valor)
    except (TypeError, ValueError):
        return None


# --- Tablero -------------------------------------------------------------------------------------
@login_required
@exportacion.con_cupo(solo_con_formato=True)
def tablero(request):
    """El tablero. Para quien lee todo (el DNP) el cuerpo es el mismo para todos con los mismos filtros: se
    guarda ya pintado (`att.cifras`) hasta que cambie una línea o la configuración (área «tablero», la
    versión de `seguimiento.resumen`), una calificación, un avance o una demanda (sus series), o el día.
    Pintarlo (tablas de hasta 200 filas y cuatro gráficos) costaba más que todas sus consultas juntas."""
    _ver(request)
    agenda_id = _entero(request.GET.get("agenda"))
    entidad_id = _entero(request.GET.get("entidad")) if permisos.lee_todo(request.user) else None
    formato = request.GET.get("formato")
    if not formato and permisos.lee_todo(request.user) and set(request.GET) <= {"agenda", "entidad"}:
        from att import cabeceras, cifras, marco

        # Guardado ya comprimido (`att.cabeceras.Tramo`): en cada visita se pinta y comprime solo el
        # encabezado de la persona y se pega el cuerpo, sin volver a comprimir sus 130 KB.
        [tramo] = cifras.leer_varias([cifras.Cifra(
            "seguimiento:tablero-dnp-tramo", ("tablero", "percepcion", "avances", "demanda"),
            lambda: cabeceras.Tramo.de_texto(_cuerpo_tablero(request, agenda_id, entidad_id)),
            parte=f"{agenda_id or 0}:{entidad_id or 0}")])
        pagina = marco.pintar(request, "seguimiento/tablero.html", {"cuerpo_tablero": mark_safe(cabeceras.MARCA_TRAMO)})
        return cabeceras.respuesta_con_tramo(request, pagina, tramo)
    respuesta = _cuerpo_tablero(request, agenda_id, entidad_id)
    if not isinstance(respuesta, str):  # una descarga CSV
        return respuesta
    return render(request, "seguimiento/tablero.html", {"cuerpo_tablero": mark_safe(respuesta)})


def _cuerpo_tablero(request, agenda_id, entidad_id):
    """El cuerpo del tablero pintado (texto), o la respuesta CSV si se pidió una descarga."""
    datos = selectors.tablero(request.user, agenda_id=agenda_id, entidad_id=entidad_id)
    dimension = request.GET.get("dimension")
    if request.GET.get("formato") == "csv" and dimension == "resumen":
        t, p = datos["total"], datos["percepcion"]
        return _csv("resumen-seguimiento", [_("Cifra"), _("Valor")], [
            [_("Avance consolidado (%)"), t["avance"]], [_("Avance esperado (%)"), t["esperado"]],
            [_("Semáforo"), t["semaforo"]], [_("Líneas"), t["lineas"]], [_("Al día"), t["al_dia"]],
            [_("En riesgo"), t["en_riesgo"]], [_("Atrasadas"), t["atrasado"]],
            [_("Avances por validar"), datos["pendientes"]], [_("Calificaciones de percepción"), p["n"]],
            [_("Calidad (1–5)"), calculo.redondear(p["calidad"], 2)], [_("Pertinencia (1–5)"), calculo.redondear(p["pertinencia"], 2)],
            [_("Oportunidad (1–5)"), calculo.redondear(p["oportunidad"], 2)], [_("Insatisfechas"), p["insatisfechas"]],
        ])
    if request.GET.get("formato") == "csv" and dimension in {"entidad", "departamento", "tema", "asesor"}:
        filas = datos[f"por_{dimension}"]
        return _csv(f"avance-por-{dimension}", [
            str(selectors.ETIQUETAS_DIMENSION[dimension]), _("Líneas"), _("Avance ponderado (%)"), _("Avance esperado (%)"),
            _("Semáforo"), _("Al día"), _("En riesgo"), _("Atrasadas"), _("Suma de pesos"),
        ], ([f["nombre"], f["lineas"], f["avance"], f["esperado"], f["semaforo"], f["al_dia"], f["en_riesgo"],
             f["atrasado"], f["suma_pesos"]] for f in filas))
    for dim in ("entidad", "departamento", "tema", "asesor"):  # comparaciones por valor, no por nombre
        datos[f"por_{dim}"] = graficos.ordenar_por_valor(datos[f"por_{dim}"], "avance")
    datos["indicadores"] = graficos.ordenar_por_valor(datos["indicadores"], "avance")
    contexto = {
        **datos,
        **_graficos_tablero(datos),
        "es_dnp": permisos.lee_todo(request.user),
        "agendas": AgendaNacional.objects.order_by("-anio_inicio")[:20],
        "agenda_id": agenda_id, "entidad_id": entidad_id,
        "filtros": request.GET.urlencode(),
        "secciones": [
            (clave, titulo, datos[f"por_{clave}"], _grafico_avance(clave, titulo, datos[f"por_{clave}"]))
            for clave, titulo in (
                ("entidad", _("Avance por entidad oferente")), ("departamento", _("Avance por departamento")),
                ("tema", _("Avance por tema")), ("asesor", _("Avance por asesor responsable")),
            )
        ],
    }
    # Sin `request`: el cuerpo no depende de la persona (los procesadores de contexto son del encabezado).
    return render_to_string("seguimiento/tablero_cuerpo.html", contexto)


def _grafico_avance(clave: str, titulo: str, filas: list[dict]) -> graficos.Grafico:
    """Barras de avance ordenadas de mayor a menor, con el esperado como raya y el semáforo escrito."""
    return graficos.grafico_barras(
        id=f"g-avance-{clave}", titulo=titulo, unidad="%", decimales=1, maximo=100,
        etiqueta_valor=_("Avance (%)"), nombre_marca=_("esperado"),
        filas=[{"nombre": f["nombre"], "valor": f["avance"], "marca": f["esperado"], "clase": f["semaforo"],
                "nota": Semaforo(f["semaforo"]).label if f["semaforo"] else ""} for f in filas],
    )


def grafico_indicadores(filas: list[dict], titulo: str, limite: int = 25) -> graficos.Grafico:
    return graficos.grafico_barras(
        id="g-indicadores", titulo=titulo, unidad="%", decimales=1, maximo=100, limite=limite,
        etiqueta_valor=_("Avance frente a la meta (%)"),
        filas=[{"nombre": f["indicador"].nombre, "valor": f["avance"]} for f in filas],
    )


def grafico_percepcion(serie: dict, id: str = "g-percepcion") -> graficos.Grafico:
    return graficos.grafico_lineas(
        id=id, titulo=_("Calificación promedio de la asistencia por mes (1 a 5)"), meses=serie["meses"],
        series=[graficos.Serie(_("Promedio de calidad, pertinencia y oportunidad"), serie["promedio"])],
        decimales=2, maximo=5,
    )


def _graficos_tablero(datos: dict) -> dict:
    demandas, avance = datos["serie_demandas"], datos["serie_avance"]
    return {
        "grafico_demandas": graficos.grafico_lineas(
            id="g-demandas", titulo=_("Demandas registradas y atendidas por mes"), meses=demandas["meses"],
            series=[graficos.Serie(_("Registradas en el mes"), demandas["registradas"]),
                    graficos.Serie(_("De ellas, ya atendidas"), demandas["atendidas"])],
        ),
        "grafico_avance": graficos.grafico_lineas(
            id="g-avance", titulo=_("Avance medio de los hitos por mes de corte (avances validados)"),
            meses=avance["meses"], series=[graficos.Serie(_("Avance medio (%)"), avance["avance"])],
            unidad="%", decimales=1, maximo=100,
        ),
        "grafico_percepcion": grafico_percepcion(selectors.serie_percepcion_mensual(datos["percepcion"])),
        "grafico_indicadores": grafico_indicadores(datos["indicadores"], _("Avance de los indicadores frente a su meta")),
    }


@login_required
def lineas(request):
    _ver(request)
    qs = selectors.estados_visibles(request.user).select_related("linea__oferta", "entidad", "responsable").order_by(
        "entidad__nombre", "linea_id")
    semaforo = request.GET.get("semaforo")
    if semaforo in {calculo.AL_DIA, calculo.EN_RIESGO, calculo.ATRASADO}:
        qs = qs.filter(semaforo=semaforo)
    lista_periodos, periodo = periodos_gobierno.del_pedido(request)
    qs = filtrar_por_periodo(qs, "plan__vigencia", periodo)  # por la vigencia del plan de la línea
    pagina = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "seguimiento/lineas.html", {"pagina": pagina, "semaforo": semaforo,
                                                       "periodos": lista_periodos, "periodo": periodo})


def _linea_visible(request, pk) -> LineaPlan:
    linea = get_object_or_404(LineaPlan.objects.select_related("plan__entidad", "plan__agenda", "oferta", "responsable"), pk=pk)
    if not selectors.puede_ver_linea(request.user, linea):
        raise Http404
    return linea


BORRADOR_AVANCE = "seguimiento.avance"  # clave del borrador del formulario (att.views_borradores)


@login_required
def linea(request, pk):
    linea = _linea_visible(request, pk)
    puede_reportar = request.user.has_perm("seguimiento.reportar_avance", linea)
    hojas = Hito.objects.filter(linea=linea, subhitos__isnull=True).order_by("fecha_planeada", "pk")
    territorios = linea.territorios.order_by("nombre")
    borrador = selectors_att.contexto_borrador(request.user, BORRADOR_AVANCE, linea.pk,
                                               restaurar=request.method == "GET" and puede_reportar)
    form = AvanceForm(hitos=hojas, entidades=territorios,
                      initial=borrador["borrador"].datos if borrador["borrador"] else None)
    form_hito = HitoForm(linea=linea)
    if request.method == "POST":
        if not puede_reportar:
            raise PermissionDenied(_("Solo el oferente de la línea reporta su avance."))
        if request.POST.get("accion") == "plantilla":
            try:
                n = len(services.hitos_desde_plantilla(linea=linea, por=request.user))
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
            else:
                messages.success(request, _("%(n)s hitos creados desde la plantilla del producto.") % {"n": n})
            return redirect("seguimiento:linea", pk=linea.pk)
        if request.POST.get("accion") == "hito":
            form_hito = HitoForm(request.POST, linea=linea)
            if form_hito.is_valid():
                try:
                    services.hito_crear(linea=linea, por=request.user, **form_hito.cleaned_data)
                    messages.success(request, _("Hito agregado."))
                    return redirect("seguimiento:linea", pk=linea.pk)
                except ValidationError as e:
                    aplicar_error_servicio(form_hito, e)
        else:
            form = AvanceForm(request.POST, request.FILES, hitos=hojas, entidades=territorios, adjuntos_de=request.user)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    services.avance_reportar(hito=d["hito"], porcentaje=d["porcentaje"], fecha_corte=d["fecha_corte"],
                                             narrativa=d["narrativa"], evidencias=d["evidencias"], por=request.user,
                                             entidades=list(d["entidades"]))
                    form.marcar_adjuntos_usados()
                    services_att.borrador_descartar(por=request.user, formulario=BORRADOR_AVANCE, objeto_id=linea.pk)
                    messages.success(request, _("Avance reportado. El equipo de seguimiento del DNP lo validará."))
                    return redirect("seguimiento:linea", pk=linea.pk)
                except ValidationError as e:
                    aplicar_error_servicio(form, e)
    hitos = selectors.hitos_de_linea(linea)
    por_padre: dict = {}
    for h in hitos:
        por_padre.setdefault(h.padre_id, []).append(h)
    arbol = [(h, por_padre.get(h.pk, [])) for h in por_padre.get(None, [])]
    estado = getattr(linea, "estado_seguimiento", None)
    return render(request, "seguimiento/linea.html", {
        "linea": linea, "arbol": arbol, "estado": estado, "form": form, "form_hito": form_hito,
        "puede_reportar": puede_reportar, "regla": selectors.REGLA_CONSOLIDACION,
        "regla_semaforo": selectors.regla_semaforo(),
        "suma_pesos": sum(h.peso for h in por_padre.get(None, [])),
        "hitos_plantilla": (linea.oferta.plantilla_hitos.count() if puede_reportar and not arbol else 0),
        "por_entidad": selectors.estados_de_linea_por_entidad(linea),
        "borrador_form": borrador,
    })


@login_required
def evidencia(request, pk):
    ev = get_object_or_404(EvidenciaAvance.objects.select_related("avance__hito__linea"), pk=pk)
    _linea_visible(request, ev.avance.hito.linea_id)
    return FileResponse(ev.archivo.open("rb"), as_attachment=True, filename=ev.nombre)


# --- Validación ----------------------------------------------------------------------------------
@login_required
def pendientes(request):
    if not permisos.lee_todo(request.user):
        raise PermissionDenied(_("La validación de avances es del equipo de seguimiento del DNP."))
    lista_periodos, periodo = periodos_gobierno.del_pedido(request)
    qs = filtrar_por_periodo(selectors.avances_pendientes(request.user).prefetch_related("evidencias"),
                             "fecha_corte", periodo)  # como `?periodo=` de la API de avances
    pagina = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "seguimiento/pendientes.html", {
        "pagina": pagina, "puede_validar": request.user.has_perm("seguimiento.validar_avance"),
        "form": RevisionForm(), "periodos": lista_periodos, "periodo": periodo,
    })


@login_required
@require_POST
def revisar(request, pk):
    avance = get_object_or_404(Avance, pk=pk)
    form = RevisionForm(request.POST)
    form.is_valid()
    comentario = form.cleaned_data.get("comentario", "")
    try:
        if request.POST.get("decision") == "devolver":
            services.avance_devolver(avance=avance, por=request.user, comentario=comentario)
            messages.success(request, _("Avance devuelto al oferente."))
        else:
            services.avance_validar(avance=avance, por=request.user, comentario=comentario)
            messages.success(request, _("Avance validado: ya cuenta en el tablero."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    volver = request.POST.get("volver")
    if not (volver and url_has_allowed_host_and_scheme(volver, allowed_hosts={request.get_host()},
                                                       require_https=request.is_secure())):
        volver = reverse("seguimiento:pendientes")
    return redirect(volver)


# --- Indicadores ---------------------------------------------------------------------------------
TOPE_INDICADORES_PAGINA = 500


@login_required
@exportacion.con_cupo(solo_con_formato=True)
def indicadores(request):
    _ver(request)
    anio = _entero(request.GET.get("anio")) or timezone.localdate().year
    # El CSV trae todos los indicadores; la página, los primeros TOPE_INDICADORES_PAGINA por nombre.
    csv = request.GET.get("formato") == "csv"
    filas = sel_indicadores.indicadores_con_avance(request.user, anio=anio,
                                                   limite=None if csv else TOPE_INDICADORES_PAGINA)
    if csv:
        return _csv("indicadores", [_("Indicador"), _("Tipo"), _("Acumulación"), _("Unidad"), _("Línea base"),
                                    _("Meta cuatrienio"), _("Logro"), _("Avance (%)"), _("Logro %(a)s") % {"a": anio},
                                    _("Avance %(a)s (%%)") % {"a": anio}],
                    ([f["indicador"].nombre, f["indicador"].get_tipo_display(), f["indicador"].get_tipo_acumulacion_display(),
                      f["indicador"].unidad, f["indicador"].linea_base, f["indicador"].meta_cuatrienio, f["logro"],
                      calculo.redondear(f["avance"]), f["logro_anio"], calculo.redondear(f["avance_anio"])] for f in filas))
    filas = graficos.ordenar_por_valor(filas, "avance")
    return render(request, "seguimiento/indicadores.html", {
        "filas": filas, "anio": anio, "grafico": grafico_indicadores(filas, _("Avance de los indicadores frente a su meta")),
        "explicaciones": [(TipoAcumulacion(k).label, v) for k, v in calculo_indicadores.EXPLICACION_ACUMULACION.items()],
    })


@login_required
def indicador(request, pk):
    _ver(request)
    ind = get_object_or_404(sel_indicadores.indicadores_visibles(request.user), pk=pk)
    puede = request.user.has_perm("indicadores.registrar_medicion", ind)
    form = MedicionForm()
    if request.method == "POST":
        if not puede:
            raise PermissionDenied(_("Solo la entidad responsable o el DNP registran mediciones."))
        form = MedicionForm(request.POST)
        if form.is_valid():
            try:
                srv_indicadores.medicion_registrar(indicador=ind, por=request.user, **form.cleaned_data)
                messages.success(request, _("Medición guardada."))
                return redirect("seguimiento:indicador", pk=ind.pk)
            except ValidationError as e:
                aplicar_error_servicio(form, e)
    mediciones = list(ind.mediciones.order_by("periodo"))
    cerrados = sel_indicadores.periodos_cerrados(m.periodo for m in mediciones)
    anios = sorted({m.periodo.year for m in mediciones} | {m.anio for m in ind.metas.all()})
    por_anio = [(a, next((m.valor for m in ind.metas.all() if m.anio == a), None),
                 sel_indicadores.avance_de_indicador(ind, mediciones, anio=a)) for a in anios]
    return render(request, "seguimiento/indicador.html", {
        "ind": ind, "mediciones": mediciones, "cerrados": cerrados, "form": form, "puede": puede,
        "total": sel_indicadores.avance_de_indicador(ind, mediciones), "por_anio": por_anio,
    })


# --- Cierre de periodos ------------------------------------------------------------------------------
@login_required
def periodos(request):
    """Meses y su cierre: cerrar un mes es un acto explícito del equipo de seguimiento del DNP. Cerrado,
    no admite avances ni validaciones con corte en él, ni mediciones, y su informe emitido es el registro."""
    if not permisos.lee_todo(request.user):
        raise PermissionDenied(_("El cierre de periodos es del equipo de seguimiento del DNP."))
    puede_cerrar = request.user.has_perm("indicadores.cerrar_periodo")
    if request.method == "POST":
        if not puede_cerrar:
            raise PermissionDenied(_("Solo el equipo de seguimiento del DNP cierra periodos."))
        try:
            anio, mes = (int(x) for x in (request.POST.get("periodo") or "").split("-"))
            fecha = date(anio, mes, 1)
        except ValueError:
            messages.error(request, _("Escriba el periodo como AAAA-MM."))
            return redirect("seguimiento:periodos")
        try:
            srv_indicadores.periodo_cerrar(periodo=fecha, por=request.user)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Periodo %(p)s cerrado.") % {"p": f"{fecha:%Y-%m}"})
        return redirect("seguimiento:periodos")
    return render(request, "seguimiento/periodos.html", {
        "filas": selectors.periodos_para_cierre(), "puede_cerrar": puede_cerrar,
    })


# --- Percepción ----------------------------------------------------------------------------------
@login_required
@exportacion.con_cupo(solo_con_formato=True)
def percepcion(request):
    _ver(request)
    u = request.user
    if permisos.es_equipo_dnp(u):
        entidades = Entidad.objects.filter(tipo__in=TipoEntidad.territoriales())
    else:
        entidades = permisos.entidades_de(u, ROLES_ET).filter(tipo__in=TipoEntidad.territoriales())
    entidades = entidades.filter(selectors.con_consentimiento()).order_by("nombre")
    puede_calificar = not permisos.solo_lectura(u) and entidades.exists()
    if request.method == "POST" and request.POST.get("accion") == "muestra":
        m = services.muestra_sortear(periodo=timezone.localdate(), por=u)
        messages.success(request, _("Muestra del mes: %(n)s entidades de %(u)s elegibles.") % {"n": m.entidades.count(), "u": m.universo})
        return redirect("seguimiento:percepcion")
    # La entidad que califica: la única del usuario o la elegida (?entidad= o el formulario); sus asistencias
    # recibidas son las opciones (el oferente sale de la asistencia).
    elegida = None
    if puede_calificar:
        pk = _entero(request.POST.get("entidad") or request.GET.get("entidad"))
        elegida = entidades.filter(pk=pk).first() if pk else None
        if elegida is None and not permisos.es_equipo_dnp(u):
            elegida = entidades.first() if entidades[:2].count() == 1 else None
    hoy = timezone.localdate()
    asistencias = (selectors.asistencias_recibidas(elegida, hasta=hoy, desde=hoy - timedelta(
        days=services.VENTANA_PERCEPCION_DIAS)) if elegida else [])
    form = PercepcionForm(entidades=entidades, asistencias=asistencias, initial={"entidad": elegida})
    if request.method == "POST":
        form = PercepcionForm(request.POST, entidades=entidades, asistencias=asistencias)
        if form.is_valid():
            try:
                services.percepcion_registrar(por=u, **form.cleaned_data)
                messages.success(request, _("Gracias: la calificación quedó registrada."))
                return redirect("seguimiento:percepcion")
            except ValidationError as e:
                aplicar_error_servicio(form, e)
    resumen = selectors.resumen_percepcion(u)
    recientes = selectors.percepciones_visibles(u).select_related(
        "linea__oferta", "asesoria", "evento").order_by("-fecha", "-pk")[:20]
    if request.GET.get("formato") == "csv":
        return _csv("percepcion-por-mes", [_("Mes"), _("Calificaciones"), _("Calidad"), _("Pertinencia"), _("Oportunidad"), _("Promedio")],
                    ([f["mes"].strftime("%Y-%m"), f["n"], calculo.redondear(f["calidad"], 2), calculo.redondear(f["pertinencia"], 2),
                      calculo.redondear(f["oportunidad"], 2), calculo.redondear(f["promedio"], 2)] for f in resumen["por_mes"]))
    muestra = MuestraPercepcion.objects.prefetch_related("entidades").first() if permisos.lee_todo(u) else None
    return render(request, "seguimiento/percepcion.html", {
        "form": form, "puede_calificar": puede_calificar, "resumen": resumen, "recientes": recientes,
        "elegida": elegida, "asistencias": asistencias, "elegir_entidad": puede_calificar and elegida is None,
        "entidades": entidades if puede_calificar and elegida is None else (),
        "grafico": grafico_percepcion(selectors.serie_percepcion_mensual(resumen)),
        "muestra": muestra, "puede_sortear": u.has_perm("seguimiento.sortear_muestra"),
    })


# --- Los seis cortes SETA (por entidad, dependencia, producto, zona, estrategia y asesor) ------------
@login_required
@exportacion.con_cupo(solo_con_formato=True)
def corte(request, dimension):
    _ver(request)
    if dimension not in cortes.CORTES:
        raise Http404
    filtros = cortes.filtros_de(request.GET, request.user)
    datos = cortes.corte(request.user, dimension, **filtros)
    formato = request.GET.get("formato")
    if formato in ("csv", "xlsx"):
        cabeza, filas = cortes.tabla(datos)
        nombre = f"avance-por-{dimension}"
        if formato == "csv":
            return _csv(nombre, cabeza, filas)
        return exportacion.respuesta_xlsx(f"{nombre}.xlsx", [(
            str(_("Avance por %(c)s") % {"c": dimension})[:31], [[str(datos["corte"].titulo)]], cabeza, filas)])
    from att.models import Departamento, Region

    pagina = Paginator(datos["filas"], 100).get_page(request.GET.get("page"))
    consulta = request.GET.copy()
    consulta.pop("page", None)
    consulta.pop("formato", None)
    return render(request, "seguimiento/corte.html", {
        **datos, "pagina": pagina, "dimension": dimension, "filtros": filtros, "consulta": consulta.urlencode(),
        "cortes": [(c.clave, c.titulo) for c in cortes.CORTES.values()],
        "agendas": AgendaNacional.objects.order_by("-anio_inicio")[:20],
        "departamentos": Departamento.objects.order_by("nombre").values_list("codigo", "nombre"),
        "regiones": Region.choices, "semaforos": Semaforo.choices, "regla": selectors.REGLA_CONSOLIDACION,
    })


# --- Capacidades (MDM) ---------------------------------------------------------------------------
@login_required
@exportacion.con_cupo(solo_con_formato=True)
def capacidades(request):
    if not permisos.lee_todo(request.user):
        raise PermissionDenied(_("El análisis de capacidades es del DNP."))
    form = ImportarMDMForm()
    if request.method == "POST":
        from att.views_importacion import pagina_importar

        return pagina_importar(request, tipo="mdm", titulo=_("Importar puntajes MDM"), form_class=ImportarMDMForm,
                               volver=request.path)
    anios = list(PuntajeMDM.objects.order_by("anio").values_list("anio", flat=True).distinct())
    inicial = _entero(request.GET.get("desde")) or (anios[-2] if len(anios) > 1 else None)
    final = _entero(request.GET.get("hasta")) or (anios[-1] if anios else None)
    filas = selectors.comparacion_mdm(inicial, final) if inicial and final else []
    if request.GET.get("formato") == "csv":
        return _csv("cambio-mdm", [_("Grupo MDM"), _("Asistidos"), _("Cambio medio asistidos"), _("No asistidos"),
                                   _("Cambio medio no asistidos"), _("Diferencia")],
                    ([f["grupo_nombre"], f["n_asistidos"], f["cambio_asistidos"], f["n_no_asistidos"],
                      f["cambio_no_asistidos"], f["diferencia"]] for f in filas))
    return render(request, "seguimiento/capacidades.html", {
        "form": form, "filas": filas, "anios": anios, "inicial": inicial, "final": final,
        "puede_importar": request.user.has_perm("seguimiento.importar_mdm"),
    })


# --- Informes ------------------------------------------------------------------------------------
@login_required
def informes_lista(request):
    _ver(request)
    if request.method == "POST" and request.POST.get("accion") == "suscripcion":
        from seguimiento.models import SuscripcionInforme

        if permisos.lee_todo(request.user):
            s, _c = SuscripcionInforme.objects.get_or_create(usuario=request.user, alcance="nacional")
            s.activa = request.POST.get("activa") == "1"
            s.save(update_fields=["activa"])
            messages.success(request, _("Suscripción actualizada."))
        return redirect("seguimiento:informes")
    if request.method == "POST":
        if not request.user.has_perm("seguimiento.generar_informe"):
            raise PermissionDenied(_("Solo el equipo DNP genera informes."))
        from att.salida import encolar

        periodo = request.POST.get("periodo") or f"{informes.mes_anterior():%Y-%m}"
        try:
            anio, mes = (int(x) for x in periodo.split("-"))
            fecha = date(anio, mes, 1)
        except ValueError:
            messages.error(request, _("Escriba el periodo como AAAA-MM."))
            return redirect("seguimiento:informes")
        semestral = request.POST.get("tipo") == TipoInforme.SEMESTRAL
        if semestral and mes not in (6, 12):
            messages.error(request, _("Los cortes semestrales son de junio o diciembre."))
            return redirect("seguimiento:informes")
        try:
            informes.verificar_regenerable(TipoInforme.SEMESTRAL if semestral else TipoInforme.MENSUAL, fecha)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("seguimiento:informes")
        InformeMensual.objects.update_or_create(
            tipo=TipoInforme.SEMESTRAL if semestral else TipoInforme.MENSUAL, periodo=fecha, alcance="nacional",
            defaults={"estado": EstadoInforme.PENDIENTE, "progreso": 0},
        )
        tarea = "seguimiento.generar_corte_semestral" if semestral else "seguimiento.generar_informe_mensual"
        encolar(tarea, f"{fecha:%Y-%m}", clave=f"{tarea}:{fecha:%Y-%m}:nacional",
                solicitado_en=timezone.now().isoformat())
        messages.success(request, _("Informe en preparación; esta página muestra su progreso."))
        return redirect("seguimiento:informes")
    qs = selectors.informes_visibles(request.user)
    pagina = Paginator(qs, 24).get_page(request.GET.get("page"))
    en_curso = any(i.estado in (EstadoInforme.PENDIENTE, EstadoInforme.GENERANDO) for i in pagina)
    return render(request, "seguimiento/informes.html", {
        "pagina": pagina, "puede_generar": request.user.has_perm("seguimiento.generar_informe"),
        "en_curso": en_curso, "mes_anterior": f"{informes.mes_anterior():%Y-%m}",
        "puede_suscribirse": permisos.lee_todo(request.user),
        "suscrito": request.user.suscripciones_informe.filter(alcance="nacional", activa=True).exists(),
    })


@login_required
def informe_descargar(request, pk, formato):
    if formato not in ("pdf", "xlsx"):
        raise Http404
    informe = get_object_or_404(selectors.informes_visibles(request.user), pk=pk)
    return exportacion.respuesta_archivo_generado(
        informe, formato, informes.nombre_archivo(informe.tipo, informe.periodo, informe.alcance, formato))


# --- Asesorías y eventos masivos -----------------------------------------------------------------
@login_required
def asistencia(request):
    _ver(request)
    from att.models import Rol
    from demanda.models import Demanda, EstadoDemanda
    from seguimiento.models import Asesoria, EventoMasivo

    u = request.user
    propias = permisos.entidades_de(u, [Rol.OFERENTE])
    oferente = propias.order_by("pk").first()
    puede = oferente is not None and u.has_perm("seguimiento.registrar_asistencia", oferente)
    demandas = Demanda.objects.filter(estado=EstadoDemanda.EN_ATENCION).filter(
        Q(oferta__entidad__in=propias.values("pk")) | Q(entidad_competente__in=propias.values("pk")))
    form = AsistenciaForm(demandas=demandas)
    if request.method == "POST":
        if not puede:
            raise PermissionDenied(_("Solo los oferentes registran asesorías y eventos."))
        form = AsistenciaForm(request.POST, request.FILES, demandas=demandas, adjuntos_de=u)
        if form.is_valid():
            d = form.cleaned_data
            comunes = {"oferente": oferente, "fecha": d["fecha"], "modalidad": d["modalidad"], "canal": d["canal"], "por": u,
                           "temas": d["temas"], "participantes": d["participantes"], "descripcion": d["descripcion"],
                           "evidencia": d["evidencia"], "demandas": list(d["demandas"])}
            try:
                if d["tipo"] == "asesoria":
                    services.asesoria_registrar(entidad=d["entidades"][0], **comunes)
                else:
                    services.evento_registrar(nombre=d["nombre"], entidades=d["entidades"], **comunes)
                form.marcar_adjuntos_usados()
                messages.success(request, _("Registro guardado."))
                return redirect("seguimiento:asistencia")
            except ValidationError as e:
                aplicar_error_servicio(form, e)
    if permisos.lee_todo(u):
        asesorias, eventos = Asesoria.objects.all(), EventoMasivo.objects.all()
    else:
        asesorias = Asesoria.objects.filter(oferente__in=propias.values("pk"))
        eventos = EventoMasivo.objects.filter(oferente__in=propias.values("pk"))
    return render(request, "seguimiento/asistencia.html", {
        "form": form, "puede": puede,
        "asesorias": asesorias.select_related("entidad", "oferente", "modalidad", "canal").order_by("-fecha", "-pk")[:30],
        "eventos": eventos.select_related("oferente", "modalidad", "canal").order_by("-fecha", "-pk")[:30],
    })


@login_required
def evidencia_asistencia(request, tipo, pk):
    """Evidencia de asistencia de una asesoría o un evento: la ven el DNP, el auditor y el oferente que la registró."""
    from seguimiento.models import Asesoria, EventoMasivo

    modelo = {"asesoria": Asesoria, "evento": EventoMasivo}.get(tipo)
    if modelo is None:
        raise Http404
    registro = get_object_or_404(modelo.objects.select_related("oferente"), pk=pk)
    if not (permisos.lee_todo(request.user) or permisos.actua_por_o_lee(request.user, registro.oferente)):
        raise Http404
    if not registro.evidencia_asistencia:
        raise Http404
    return FileResponse(registro.evidencia_asistencia.open("rb"), as_attachment=True,
                        filename=registro.evidencia_asistencia.name.rsplit("/", 1)[-1])


# --- Mapas ---------------------------------------------------------------------------------------
def _filtros_mapa(request, departamento: str = ""):
    from seguimiento import mapas
    from seguimiento.forms import MapaFiltrosForm

    form = MapaFiltrosForm(request.GET or None)
    # Un filtro inválido no rompe la página: se ignora ese filtro y el formulario dice por qué.
    form.is_valid()
    datos = getattr(form, "cleaned_data", {})
    capa = datos.get("capa") or "demanda"
    filtros = mapas.Filtros(
        capa=capa, nivel="municipio" if departamento else (datos.get("nivel") or "municipio"),
        departamento=departamento, tema=datos["tema"].pk if datos.get("tema") else None,
        estado=datos.get("estado") or "", oferente=datos["oferente"].pk if datos.get("oferente") else None,
        desde=datos.get("desde"), hasta=datos.get("hasta"), orden=datos.get("orden") or "valor",
    )
    nombres = {}
    if datos.get("tema"):
        nombres["tema"] = datos["tema"].nombre
    if datos.get("oferente"):
        nombres["oferente"] = datos["oferente"].nombre
    if filtros.estado:
        nombres["estado"] = dict(form.fields["estado"].choices).get(filtros.estado, filtros.estado)
    return form, filtros, nombres


def _pagina_mapa(request, departamento=None):
    from seguimiento import mapas

    if not request.user.has_perm("seguimiento.ver_tablero_dnp"):
        raise PermissionDenied(_("Solo el DNP y el auditor ven los mapas nacionales."))
    form, filtros, nombres = _filtros_mapa(request, departamento.pk if departamento else "")
    resultado = mapas.mapa(filtros, nombres_filtros=nombres)
    consulta = request.GET.copy()
    enlaces_capas = []
    for clave, capa in mapas.CAPAS.items():
        consulta["capa"] = clave
        enlaces_capas.append({"clave": clave, "corto": capa.corto, "url": "?" + consulta.urlencode()})
    activos = sum(1 for v in (filtros.tema, filtros.estado, filtros.oferente, filtros.desde, filtros.hasta) if v)
    # Acercar un departamento: los nombres salen de las filas del mapa municipal (sin otra consulta).
    departamentos = []
    if not departamento and resultado.filtros.nivel == "municipio":
        departamentos = sorted({f.codigo[:2]: f.departamento for f in resultado.filas}.items(), key=lambda d: d[1])
    return render(request, "seguimiento/mapas.html", {
        "form": form, "mapa": resultado, "departamento": departamento, "enlaces_capas": enlaces_capas,
        "filtros_activos": activos, "filas_html": mapas.filas_html(resultado, enlaces=True),
        "departamentos": departamentos,
    })


@login_required
def mapas_nacional(request):
    return _pagina_mapa(request)


@login_required
def mapas_departamento(request, codigo):
    from att.models import Departamento

    return _pagina_mapa(request, get_object_or_404(Departamento, pk=codigo))
