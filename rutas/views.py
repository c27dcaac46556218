"""Páginas de las rutas de asistencia y de los diagnósticos de capacidad: delgadas; escriben con
`services` y leen con `selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from att import exportacion, periodos
from att.forms import aplicar_error_servicio
from att.models import MotivoEgreso
from rutas import forms, selectors, services
from rutas.models import EstadoRuta, Protocolo

POR_PAGINA = 25


def _entero(valor: str):
    return int(valor) if valor and valor.isdigit() and len(valor) < 12 else None


def _filtros(request) -> dict:
    estado = request.GET.get("estado", "")
    departamento = request.GET.get("departamento", "").strip()
    return {
        "estado": estado if estado in EstadoRuta.values else "",
        "entidad": _entero(request.GET.get("entidad", "")),
        "oferente": _entero(request.GET.get("oferente", "")),
        "capacidad": request.GET.get("capacidad", "").strip()[:60],
        "departamento": departamento if departamento.isdigit() and len(departamento) == 2 else "",
        "texto": request.GET.get("q", "").strip()[:100],
    }


@login_required
def lista(request):
    """Rutas que la persona puede ver, con el avance de sus seis pasos."""
    f = _filtros(request)
    lista_periodos, periodo = periodos.del_pedido(request)
    qs = selectors.rutas_lista(request.user, periodo=periodo, **f)
    pagina = Paginator(qs, POR_PAGINA).get_page(request.GET.get("page"))
    pagina.object_list = selectors.con_pasos(pagina.object_list)
    return render(request, "rutas/lista.html", {
        "pagina": pagina, "f": f, "estados": EstadoRuta.choices, "capacidades": selectors.capacidades(),
        "periodos": lista_periodos, "periodo": periodo, "protocolos": Protocolo.choices,
        "puede_crear": request.user.has_perm("rutas.crear"),
        "parametros": request.GET.urlencode(),
    })


@login_required
@exportacion.con_cupo
def exportar(request):
    """Las rutas filtradas, con el estado de cada paso (CSV en flujo o XLSX por `?formato=xlsx`), leídas por
    trozos con sus pasos completados en lote (consultas por trozo, no por ruta)."""
    f = _filtros(request)
    _lista, periodo = periodos.del_pedido(request)
    rutas = exportacion.por_trozos(selectors.rutas_lista(request.user, periodo=periodo, **f),
                                   preparar=selectors.con_pasos)
    cabeza = [_("Ruta"), _("Entidad territorial"), _("Capacidad"), _("Oferentes"), _("Inicio"), _("Estado"),
              *[str(p.label) for p in Protocolo], _("Pasos hechos")]
    filas = ([r.pk, r.entidad.nombre, r.capacidad.nombre, "; ".join(o.nombre for o in r.oferentes.all()), r.inicio,
              str(r.get_estado_display()), *[str(p.estado_texto) for p in r.pasos], r.hechos] for r in rutas)
    if request.GET.get("formato") == "xlsx":
        return exportacion.respuesta_xlsx("rutas.xlsx", [(_("Rutas"), [], cabeza, filas)])
    return exportacion.respuesta_csv("rutas.csv", cabeza, filas)


@login_required
@require_http_methods(["GET", "POST"])
def nueva(request):
    if not request.user.has_perm("rutas.crear"):
        raise PermissionDenied(_("No puede crear rutas de asistencia."))
    form = forms.RutaForm(request.POST or None, territoriales=selectors.territoriales_para_crear(request.user),
                          oferentes=selectors.oferentes_para_crear(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            ruta = services.ruta_crear(por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Ruta abierta. Sus pasos se completan a medida que se registran el "
                                        "diagnóstico, las demandas, el plan concertado, los hitos y lo demás."))
            return redirect("rutas:detalle", ruta.pk)
    return render(request, "rutas/nueva.html", {"form": form})


def _ruta(request, pk):
    ruta = selectors.ruta_detalle(request.user, pk)
    if ruta is None:
        raise Http404(_("No existe la ruta o no tiene acceso a ella."))
    return ruta


@login_required
def detalle(request, pk):
    ruta = _ruta(request, pk)
    pasos = selectors.pasos([ruta])[ruta.pk]
    puede = request.user.has_perm("rutas.gestionar", ruta) and ruta.estado == EstadoRuta.ABIERTA
    return render(request, "rutas/detalle.html", {
        "ruta": ruta, "pasos": pasos, "hechos": sum(1 for p in pasos if p.hecho), "puede_gestionar": puede,
        "form_no_aplica": forms.NoAplicaForm() if puede else None,
        "form_egreso": forms.EgresoForm(ruta=ruta) if puede else None,
    })


@login_required
@require_POST
def no_aplica(request, pk):
    ruta = _ruta(request, pk)
    if not request.user.has_perm("rutas.gestionar", ruta):
        raise PermissionDenied(_("Solo los oferentes de la ruta, su equipo departamental o el DNP marcan pasos."))
    if request.POST.get("accion") == "aplica":
        protocolo = _entero(request.POST.get("protocolo", ""))
        try:
            services.paso_aplica(ruta=ruta, protocolo=protocolo, por=request.user)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        return redirect("rutas:detalle", ruta.pk)
    form = forms.NoAplicaForm(request.POST)
    if form.is_valid():
        try:
            services.paso_no_aplica(ruta=ruta, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Paso marcado como «no aplica»."))
    else:
        messages.error(request, " ".join(m for lista in form.errors.values() for m in lista))
    return redirect("rutas:detalle", ruta.pk)


@login_required
@require_http_methods(["GET", "POST"])
def egreso(request, pk):
    ruta = _ruta(request, pk)
    if not request.user.has_perm("rutas.gestionar", ruta):
        raise PermissionDenied(_("Solo los oferentes de la ruta, su equipo departamental o el DNP registran el egreso."))
    if ruta.estado != EstadoRuta.ABIERTA:
        messages.info(request, _("La ruta ya terminó."))
        return redirect("rutas:detalle", ruta.pk)
    form = forms.EgresoForm(request.POST or None, ruta=ruta)
    if request.method == "POST" and form.is_valid():
        try:
            services.ruta_egresar(ruta=ruta, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Egreso registrado."))
            return redirect("rutas:detalle", ruta.pk)
    return render(request, "rutas/egreso.html", {"ruta": ruta, "form": form})


@login_required
def resultados(request):
    """Entidades egresadas: objetivo cumplido o ruta cerrada, por capacidad y periodo."""
    lista_periodos, periodo = periodos.del_pedido(request)
    motivo = request.GET.get("motivo", "")
    capacidad = request.GET.get("capacidad", "").strip()[:60]
    qs = selectors.egresos_lista(request.user, motivo=motivo, capacidad=capacidad, periodo=periodo)
    pagina = Paginator(qs, POR_PAGINA).get_page(request.GET.get("page"))
    return render(request, "rutas/resultados.html", {
        "pagina": pagina, "periodos": lista_periodos, "periodo": periodo, "motivo": motivo,
        "motivos": MotivoEgreso.choices, "capacidad": capacidad, "capacidades": selectors.capacidades(),
    })


# --- Diagnósticos ------------------------------------------------------------------------------------

@login_required
def diagnosticos(request):
    """Diagnósticos de capacidad que la persona puede ver (por entidad y periodo)."""
    lista_periodos, periodo = periodos.del_pedido(request)
    entidad = _entero(request.GET.get("entidad", ""))
    texto = request.GET.get("q", "").strip()[:100]
    qs = selectors.diagnosticos_lista(request.user, entidad=entidad, periodo=periodo, texto=texto)
    pagina = Paginator(qs, POR_PAGINA).get_page(request.GET.get("page"))
    return render(request, "rutas/diagnosticos.html", {
        "pagina": pagina, "periodos": lista_periodos, "periodo": periodo, "q": texto, "entidad": entidad,
        "puede_diagnosticar": request.user.has_perm("rutas.diagnosticar"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def diagnostico_nuevo(request):
    if not request.user.has_perm("rutas.diagnosticar"):
        raise PermissionDenied(_("No puede registrar diagnósticos de capacidad."))
    territoriales = selectors.territoriales_para_diagnosticar(request.user)
    form = forms.DiagnosticoForm(request.POST or None, territoriales=territoriales)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            diagnostico = services.diagnostico_registrar(
                entidad=d["entidad"], fecha=d["fecha"], valoraciones=form.valoraciones(), por=request.user,
                objetivo=d["objetivo"], diagnostico_propio=d["diagnostico_propio"], encuesta=d["encuesta"],
                indice_desempeno_fiscal=d["indice_desempeno_fiscal"],
            )
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Diagnóstico registrado."))
            return redirect("rutas:diagnostico", diagnostico.pk)
    return render(request, "rutas/diagnostico_nuevo.html", {"form": form})


@login_required
def diagnostico(request, pk):
    d = selectors.diagnostico_detalle(request.user, pk)
    if d is None:
        raise Http404(_("No existe el diagnóstico o no tiene acceso a él."))
    return render(request, "rutas/diagnostico.html", {"d": d, "comparacion": selectors.comparacion(d)})
