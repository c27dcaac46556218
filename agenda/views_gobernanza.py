"""Páginas de los objetivos de la agenda con su avance, la gobernanza (instancias, sesiones, decisiones)
y las agendas territoriales de desarrollo: delgadas, escriben con `services` y leen con `selectors`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agenda import forms, selectors, services
from agenda.models import (
    AgendaNacional,
    AgendaTerritorial,
    InstanciaGobernanza,
    NivelGobernanza,
    ObjetivoAgenda,
    SesionInstancia,
    TipoAgendaTerritorial,
    TipoInstancia,
)
from att.exportacion import con_cupo, por_trozos, respuesta_csv, respuesta_xlsx
from att.forms import aplicar_error_servicio
from att.models import TipoDescriptor

POR_PAGINA = 25


def _exigir_perm(request, permiso, objeto=None, mensaje=""):
    if not request.user.has_perm(permiso, objeto):
        raise PermissionDenied(mensaje or _("No tiene permiso para esta acción."))


# --- Agenda nacional y objetivos ---------------------------------------------------------------------------
@login_required
def agenda_nueva(request):
    _exigir_perm(request, "agenda.gestionar_agenda", None, _("Solo el administrador DNP gestiona la agenda nacional."))
    form = forms.AgendaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agenda = services.agenda_crear(por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Agenda nacional creada. Agregue sus objetivos."))
            return redirect("agenda:objetivos", agenda.pk)
    return render(request, "agenda/agenda_form.html", {"form": form, "agenda": None})


@login_required
def agenda_editar(request, pk):
    agenda = get_object_or_404(AgendaNacional, pk=pk)
    _exigir_perm(request, "agenda.gestionar_agenda", agenda, _("Solo el administrador DNP gestiona la agenda nacional."))
    form = forms.AgendaForm(request.POST or None, instance=agenda)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_editar(agenda=agenda, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Agenda nacional actualizada."))
            return redirect("agenda:objetivos", agenda.pk)
    return render(request, "agenda/agenda_form.html", {"form": form, "agenda": agenda})



def _columnas_objetivos(anios):
    cabeza = [_("Descriptor"), _("Objetivo"), _("Indicador"), _("Ficha vinculada"), _("Meta del cuatrienio")]
    for a in anios:
        cabeza += [_("Meta %(a)s") % {"a": a}, _("Logro %(a)s") % {"a": a},
                   _("Avance de las líneas %(a)s (%%)") % {"a": a}]
    return cabeza + [_("Avance de las líneas en el cuatrienio (%)")]


@login_required
@con_cupo(solo_con_formato=True)
def objetivos(request, pk):
    """Objetivos de la agenda con su indicador frente a la meta y el roll-up de las líneas, año por año."""
    agenda = get_object_or_404(AgendaNacional, pk=pk)
    q = request.GET.get("q", "").strip()[:100]
    tipo = request.GET.get("tipo", "")
    if tipo not in TipoDescriptor.values:
        tipo = ""
    qs = selectors.objetivos_de_agenda(agenda, q=q, tipo=tipo)
    formato = request.GET.get("formato")
    anios = list(range(agenda.anio_inicio, agenda.anio_fin + 1))
    if formato in ("csv", "xlsx"):
        def filas_objetivos():
            # Por trozos: el avance de cada trozo en sus consultas fijas (roll-up, metas, mediciones).
            for f in por_trozos(qs, preparar=lambda lote: selectors.objetivos_con_avance(agenda, lote)):
                o = f["objetivo"]
                fila = [o.get_tipo_descriptor_display(), o.enunciado, o.indicador,
                        o.indicador_vinculado.nombre if o.indicador_vinculado else "", o.meta]
                for a in f["anios"]:
                    fila += [a["meta"], a["logro"], a["avance_lineas"]]
                yield fila + [f["avance_lineas"]]

        filas = filas_objetivos()
        cabeza = _columnas_objetivos(anios)
        nombre = f"objetivos-agenda-{agenda.pk}"
        if formato == "csv":
            return respuesta_csv(nombre, cabeza, filas)
        return respuesta_xlsx(nombre, [(_("Objetivos"), [], cabeza, filas)])
    pagina = Paginator(qs, POR_PAGINA).get_page(request.GET.get("page"))
    return render(request, "agenda/objetivos.html", {
        "agenda": agenda, "pagina": pagina, "filas": selectors.objetivos_con_avance(agenda, pagina.object_list),
        "anios": anios, "regla": selectors.REGLA_PONDERACION, "q": q, "tipo": tipo,
        "tipos": TipoDescriptor.choices,
        "puede_gestionar": request.user.has_perm("agenda.gestionar_agenda", agenda),
    })


@login_required
def objetivo_editar(request, pk, objetivo_pk=None):
    agenda = get_object_or_404(AgendaNacional, pk=pk)
    objetivo = get_object_or_404(ObjetivoAgenda, pk=objetivo_pk, agenda=agenda) if objetivo_pk else None
    _exigir_perm(request, "agenda.gestionar_agenda", agenda, _("Solo el administrador DNP gestiona la agenda nacional."))
    form = forms.ObjetivoForm(request.POST or None, instance=objetivo, agenda=agenda)
    if request.method == "POST" and form.is_valid():
        try:
            if objetivo is None:
                services.agenda_objetivo_agregar(agenda=agenda, por=request.user, **form.cleaned_data)
            else:
                services.agenda_objetivo_editar(objetivo=objetivo, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Objetivo guardado."))
            return redirect("agenda:objetivos", agenda.pk)
    return render(request, "agenda/objetivo_form.html", {"form": form, "agenda": agenda, "objetivo": objetivo})


# --- Gobernanza -------------------------------------------------------------------------------------------
@login_required
@con_cupo(solo_con_formato=True)
def instancias(request):
    q = request.GET.get("q", "").strip()[:100]
    tipo = request.GET.get("tipo", "") if request.GET.get("tipo", "") in TipoInstancia.values else ""
    nivel = request.GET.get("nivel", "") if request.GET.get("nivel", "") in NivelGobernanza.values else ""
    qs = selectors.instancias_lista(q=q, tipo=tipo, nivel=nivel)
    formato = request.GET.get("formato")
    if formato in ("csv", "xlsx"):
        cabeza = [_("Instancia"), _("Tipo"), _("Nivel"), _("Miembros"), _("Sesiones"), _("Activa")]
        filas = ([i.nombre, i.get_tipo_display(), i.get_nivel_display(), i.n_miembros, i.n_sesiones,
                  _("sí") if i.activa else _("no")] for i in por_trozos(qs))
        if formato == "csv":
            return respuesta_csv("instancias-gobernanza", cabeza, filas)
        return respuesta_xlsx("instancias-gobernanza", [(_("Instancias"), [], cabeza, filas)])
    pagina = Paginator(qs, POR_PAGINA).get_page(request.GET.get("page"))
    return render(request, "agenda/instancias.html", {
        "pagina": pagina, "q": q, "tipo": tipo, "nivel": nivel, "tipos": TipoInstancia.choices,
        "niveles": NivelGobernanza.choices, "puede_gestionar": request.user.has_perm("agenda.gestionar_gobernanza"),
        "vencidos": selectors.compromisos_vencidos(request.user).filter(sesion__isnull=False)[:10],
    })


def _datos_instancia(form):
    d = dict(form.cleaned_data)
    d["miembros"] = [(e, "Miembro") for e in d.pop("miembros")]
    return d


@login_required
def instancia_editar(request, pk=None):
    instancia = get_object_or_404(InstanciaGobernanza, pk=pk) if pk else None
    _exigir_perm(request, "agenda.gestionar_gobernanza", instancia,
                 _("Solo el equipo del DNP registra las instancias de gobernanza."))
    inicial = None
    if instancia is not None:
        inicial = {"nombre": instancia.nombre, "tipo": instancia.tipo, "nivel": instancia.nivel,
                   "agenda": instancia.agenda_id, "descripcion": instancia.descripcion, "activa": instancia.activa,
                   "miembros": list(instancia.miembros.values_list("entidad_id", flat=True))}
    form = forms.InstanciaForm(request.POST or None, initial=inicial)
    if request.method == "POST" and form.is_valid():
        datos = _datos_instancia(form)
        if instancia is not None:  # conserva el papel de quienes ya eran miembros
            papeles = dict(instancia.miembros.values_list("entidad_id", "papel"))
            datos["miembros"] = [(e, papeles.get(e.pk, p)) for e, p in datos["miembros"]]
        try:
            instancia = services.instancia_guardar(por=request.user, instancia=instancia, **datos)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Instancia guardada."))
            return redirect("agenda:instancia", instancia.pk)
    return render(request, "agenda/instancia_form.html", {"form": form, "instancia": instancia})


def _pagina_instancia(request, instancia, *, form_sesion=None, status=200):
    puede = request.user.has_perm("agenda.gestionar_gobernanza", instancia)
    pagina = Paginator(selectors.sesiones_de(instancia), POR_PAGINA).get_page(request.GET.get("page"))
    return render(request, "agenda/instancia.html", {
        "instancia": instancia, "pagina": pagina, "puede_gestionar": puede,
        "miembros": instancia.miembros.select_related("entidad").order_by("entidad__nombre"),
        "form_sesion": form_sesion or (forms.SesionForm(instancia=instancia) if puede and instancia.activa else None),
    }, status=status)


@login_required
def instancia(request, pk):
    return _pagina_instancia(request, get_object_or_404(InstanciaGobernanza.objects.select_related("agenda"), pk=pk))


@login_required
@require_POST
def sesion_nueva(request, pk):
    instancia = get_object_or_404(InstanciaGobernanza, pk=pk)
    _exigir_perm(request, "agenda.gestionar_gobernanza", instancia,
                 _("Solo el equipo del DNP registra las sesiones de las instancias."))
    form = forms.SesionForm(request.POST, instancia=instancia)
    if form.is_valid():
        try:
            sesion = services.sesion_registrar(instancia=instancia, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Sesión registrada. Anote sus decisiones y resultados."))
            return redirect("agenda:sesion", sesion.pk)
    return _pagina_instancia(request, instancia, form_sesion=form, status=400)


def _pagina_sesion(request, pk, *, form_decision=None, form_resultado=None, status=200):
    sesion = selectors.sesion_detalle(get_object_or_404(SesionInstancia, pk=pk).pk)
    puede = request.user.has_perm("agenda.gestionar_gobernanza", sesion)
    return render(request, "agenda/sesion.html", {
        "sesion": sesion, "puede_gestionar": puede,
        "form_decision": form_decision or (forms.DecisionForm() if puede else None),
        "form_resultado": form_resultado or (forms.ResultadoForm() if puede else None),
    }, status=status)


@login_required
def sesion(request, pk):
    return _pagina_sesion(request, pk)


@login_required
@require_POST
def decision_nueva(request, pk):
    sesion = get_object_or_404(SesionInstancia, pk=pk)
    _exigir_perm(request, "agenda.gestionar_gobernanza", sesion,
                 _("Solo el equipo del DNP registra las decisiones de las instancias."))
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.decision_registrar(sesion=sesion, por=request.user, descripcion=d["descripcion"],
                                        responsable=d.get("responsable"), fecha_limite=d.get("fecha_limite"),
                                        entidad_responsable=d.get("entidad_responsable"))
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Decisión registrada."))
            return redirect("agenda:sesion", sesion.pk)
    return _pagina_sesion(request, sesion.pk, form_decision=form, status=400)


@login_required
@require_POST
def resultado_nuevo(request, pk):
    sesion = get_object_or_404(SesionInstancia, pk=pk)
    _exigir_perm(request, "agenda.gestionar_gobernanza", sesion,
                 _("Solo el equipo del DNP enlaza los resultados presentados."))
    form = forms.ResultadoForm(request.POST)
    if form.is_valid():
        try:
            services.resultado_enlazar(sesion=sesion, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Resultado enlazado."))
            return redirect("agenda:sesion", sesion.pk)
    return _pagina_sesion(request, sesion.pk, form_resultado=form, status=400)


# --- Agendas territoriales --------------------------------------------------------------------------------
def _entero(valor):
    try:
        return int(valor)
    except (TypeError, ValueError):
        return None


@login_required
@con_cupo(solo_con_formato=True)
def territoriales(request):
    q = request.GET.get("q", "").strip()[:100]
    tipo = request.GET.get("tipo", "") if request.GET.get("tipo", "") in TipoAgendaTerritorial.values else ""
    entidad = _entero(request.GET.get("entidad"))
    qs = selectors.agendas_territoriales_lista(q=q, tipo=tipo, entidad=entidad)
    formato = request.GET.get("formato")
    if formato in ("csv", "xlsx"):
        cabeza = [_("Agenda territorial"), _("Tipo"), _("Región"), _("Suscrita"), _("Vigente hasta"),
                  _("Entidades"), _("Líneas que le sirven"), _("Ofertas que le sirven")]
        filas = ([a.nombre, a.get_tipo_display(), a.region, a.fecha_suscripcion, a.vigente_hasta, a.n_entidades,
                  a.n_lineas, a.n_ofertas] for a in por_trozos(qs))
        if formato == "csv":
            return respuesta_csv("agendas-territoriales", cabeza, filas)
        return respuesta_xlsx("agendas-territoriales", [(_("Agendas territoriales"), [], cabeza, filas)])
    pagina = Paginator(qs, POR_PAGINA).get_page(request.GET.get("page"))
    return render(request, "agenda/territoriales.html", {
        "pagina": pagina, "q": q, "tipo": tipo, "tipos": TipoAgendaTerritorial.choices,
        "puede_crear": request.user.has_perm("agenda.gestionar_agenda_territorial"),
    })


@login_required
def territorial_editar(request, pk=None):
    agenda_t = get_object_or_404(AgendaTerritorial, pk=pk) if pk else None
    _exigir_perm(request, "agenda.gestionar_agenda_territorial", agenda_t,
                 _("Solo el DNP o las entidades territoriales que la suscriben registran la agenda territorial."))
    inicial = None
    if agenda_t is not None:
        inicial = {c: getattr(agenda_t, c) for c in ("nombre", "tipo", "region", "fecha_suscripcion",
                                                      "vigente_hasta", "descripcion", "enlace")}
        inicial["entidades"] = list(agenda_t.entidades.values_list("pk", flat=True))
    form = forms.AgendaTerritorialForm(request.POST or None, initial=inicial)
    if request.method == "POST" and form.is_valid():
        try:
            agenda_t = services.agenda_territorial_guardar(por=request.user, agenda_t=agenda_t, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Agenda territorial guardada."))
            return redirect("agenda:territorial", agenda_t.pk)
    return render(request, "agenda/territorial_form.html", {"form": form, "agenda_t": agenda_t})


def _pagina_territorial(request, pk, *, form_vincular=None, status=200):
    get_object_or_404(AgendaTerritorial, pk=pk)
    agenda_t = selectors.agenda_territorial_detalle(request.user, pk)
    return render(request, "agenda/territorial.html", {
        "agenda_t": agenda_t,
        "puede_gestionar": request.user.has_perm("agenda.gestionar_agenda_territorial", agenda_t),
        "form_vincular": form_vincular or forms.VincularLineasForm(),
    }, status=status)


@login_required
def territorial(request, pk):
    return _pagina_territorial(request, pk)


@login_required
@require_POST
def territorial_vincular(request, pk):
    agenda_t = get_object_or_404(AgendaTerritorial, pk=pk)
    form = forms.VincularLineasForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_territorial_vincular(agenda_t=agenda_t, por=request.user,
                                                 lineas=form.cleaned_data["lineas"],
                                                 ofertas=form.cleaned_data["ofertas"],
                                                 quitar=request.POST.get("quitar") == "1")
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        except PermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        else:
            messages.success(request, _("Vínculos actualizados."))
            return redirect("agenda:territorial", agenda_t.pk)
    return _pagina_territorial(request, pk, form_vincular=form, status=400)
