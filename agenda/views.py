"""Páginas de la agenda: delgadas; escriben con `services` y leen con `selectors`."""

import datetime
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agenda import forms, selectors, services
from agenda.models import (
    AgendaNacional,
    DecisionRevision,
    EstadoAgenda,
    EstadoCompromiso,
    EstadoPlan,
    EvidenciaMesa,
    LineaPlan,
    PlanConcertado,
    PlanDeTrabajo,
)
from agenda.rules import ESTADOS_EDITABLES
from att import conversaciones, graficos, perfil, periodos, permisos
from att.forms import aplicar_error_servicio
from att.models import Departamento, Entidad, Rol, TipoEntidad
from att.selectors import filtrar_por_periodo
from demanda import selectors as demanda_selectors


def _anio(valor) -> int | None:
    """Un año razonable tomado de la URL; cualquier otra cosa se ignora (sin errores 500)."""
    try:
        anio = int(valor)
    except (TypeError, ValueError):
        return None
    return anio if 1900 <= anio <= 2200 else None


@login_required
def inicio(request):
    u = request.user
    contexto = {
        "agendas": selectors.agendas(),
        "planes": selectors.planes_lista(u)[:20],
        "vencidos": selectors.compromisos_vencidos(u)[:10],
        "puede_crear": u.has_perm("agenda.crear_plan"),
        "entidad_territorial": next(
            (e for e in permisos.entidades_de(u, [Rol.FUNCIONARIO_ET]).filter(tipo__in=TipoEntidad.territoriales())[:1]),
            None,
        ),
        "departamento": next(
            (e.departamento_id for e in permisos.entidades_de(u, [Rol.EQUIPO_DEPARTAMENTAL])
             .filter(tipo=TipoEntidad.GOBERNACION)[:1]), None,
        ),
    }
    return render(request, "agenda/inicio.html", contexto)


@login_required
def agenda_detalle(request, pk):
    agenda = get_object_or_404(AgendaNacional.objects.prefetch_related("participantes"), pk=pk)
    objetivos = agenda.objetivos.select_related("descriptor").order_by("tipo_descriptor", "orden", "pk")
    grupos = {}
    for o in objetivos:
        grupos.setdefault(o.get_tipo_descriptor_display(), []).append(o)
    return render(request, "agenda/agenda_detalle.html", {
        "agenda": agenda, "grupos": grupos, "puede_gestionar": request.user.has_perm("agenda.gestionar_agenda", agenda),
        "siguientes": [(e, EstadoAgenda(e).label) for e in services.TRANSICIONES_AGENDA[agenda.estado]],
        "transiciones": agenda.transiciones.select_related("por"),
    })


@login_required
@require_POST
def agenda_estado(request, pk):
    agenda = get_object_or_404(AgendaNacional, pk=pk)
    form = forms.EstadoAgendaForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_cambiar_estado(agenda=agenda, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Estado de la agenda actualizado."))
    return redirect("agenda:agenda", agenda.pk)


@login_required
def planes(request):
    estado = request.GET.get("estado", "")
    vigencia = _anio(request.GET.get("vigencia"))
    lista_periodos, periodo = periodos.del_pedido(request)
    qs = filtrar_por_periodo(selectors.planes_lista(request.user, estado=estado, vigencia=vigencia), "vigencia", periodo)
    pagina = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "agenda/planes.html", {
        "pagina": pagina, "estado": estado, "vigencia": vigencia or "", "estados": EstadoPlan.choices,
        "periodos": lista_periodos, "periodo": periodo,
    })


@login_required
def plan_nuevo(request):
    entidades = permisos.entidades_de(request.user, [Rol.OFERENTE]).order_by("nombre")
    form = forms.NuevoPlanForm(request.POST or None, entidades=entidades)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_crear(por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Plan de trabajo creado. Agregue sus líneas."))
            return redirect("agenda:plan", plan.pk)
    return render(request, "agenda/plan_nuevo.html", {"form": form})


def _plan_visible(request, pk) -> PlanDeTrabajo:
    return get_object_or_404(selectors.planes_visibles(request.user), pk=pk)


def _pagina_plan(request, plan, *, form_revision=None, status=200):
    u = request.user
    return render(request, "agenda/plan.html", {
        "plan": plan,
        "lineas": selectors.lineas_de_plan(plan),
        "versiones": selectors.historial_revision(plan),
        # El estado se mira aparte: el superusuario tiene todo permiso, también fuera de borrador.
        "puede_editar": plan.estado in ESTADOS_EDITABLES and u.has_perm("agenda.editar_plan", plan),
        "puede_revisar": plan.estado == EstadoPlan.ENVIADO and u.has_perm("agenda.revisar_plan", plan),
        "ultima_revision": plan.revisiones.select_related("por").order_by("-cuando", "-pk").first(),
        "form_enviar": forms.EnviarForm(),
        "form_revision": form_revision or forms.RevisionForm(),
    }, status=status)


@login_required
def plan(request, pk):
    return _pagina_plan(request, _plan_visible(request, pk))


@login_required
def version(request, pk, numero):
    plan = _plan_visible(request, pk)
    version = get_object_or_404(plan.versiones.select_related("enviada_por"), numero=numero)
    return render(request, "agenda/version.html", {"plan": plan, "version": version})


@login_required
def linea_editar(request, pk, linea_pk=None):
    plan = _plan_visible(request, pk)
    linea = get_object_or_404(LineaPlan, pk=linea_pk, plan=plan) if linea_pk else None
    if plan.estado not in ESTADOS_EDITABLES or not request.user.has_perm("agenda.editar_plan", plan):
        raise PermissionDenied(_("Este plan no se puede editar ahora."))
    form = forms.LineaForm(request.POST or None, instance=linea, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.linea_guardar(plan=plan, por=request.user, linea=linea, **form.datos())
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Línea guardada."))
            return redirect("agenda:plan", plan.pk)
    return render(request, "agenda/linea_form.html", {"plan": plan, "form": form, "linea": linea})


@login_required
@require_POST
def linea_eliminar(request, pk, linea_pk):
    plan = _plan_visible(request, pk)
    linea = get_object_or_404(LineaPlan, pk=linea_pk, plan=plan)
    try:
        services.linea_eliminar(linea=linea, por=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Línea eliminada."))
    return redirect("agenda:plan", plan.pk)


@login_required
@require_POST
def plan_enviar(request, pk):
    plan = _plan_visible(request, pk)
    form = forms.EnviarForm(request.POST)
    form.is_valid()
    try:
        v = services.plan_enviar(plan=plan, por=request.user, nota=form.cleaned_data.get("nota", ""))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Plan enviado al DNP para revisión (versión %(n)s).") % {"n": v.numero})
    return redirect("agenda:plan", plan.pk)


@login_required
@require_POST
def plan_revisar(request, pk):
    plan = _plan_visible(request, pk)
    if not request.user.has_perm("agenda.revisar_plan", plan):
        raise PermissionDenied(_("Solo el DNP revisa los planes enviados a revisión."))
    form = forms.RevisionForm(request.POST)
    if form.is_valid():
        try:
            r = services.plan_revisar(plan=plan, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Plan aprobado.") if r.decision == DecisionRevision.APROBAR
                             else _("Plan devuelto a la entidad para ajuste."))
            return redirect("agenda:plan", plan.pk)
    return _pagina_plan(request, plan, form_revision=form, status=400)


# --- Vistas territoriales ----------------------------------------------------------------------
def _vigencia_pedida(request):
    """`?vigencia=AAAA`; `?vigencia=todas` para todas; sin nada, la vigencia en curso."""
    valor = request.GET.get("vigencia", "")
    if valor == "todas":
        return None
    return _anio(valor) or selectors.vigencia_por_defecto()


def _miles(valor) -> str:
    return f"{int(valor or 0):,}".replace(",", ".")


def _filas_et(filas) -> str:
    """Filas de la tabla «quién hace qué», armadas en Python con escape explícito: con miles de
    líneas, el motor de plantillas sería el cuello de botella de la página."""
    estados = {v: str(e) for v, e in EstadoPlan.choices}
    partes = []
    for (_pk, _ent, oferente, oferta, objetivo, inicio, fin, responsable, inversion, estado, _etapa,
         _plan) in filas:
        if len(objetivo) > 160:
            objetivo = objetivo[:159] + "…"
        partes.append(
            f"<tr><td>{escape(oferente)}</td><td><strong>{escape(oferta)}</strong><br>{escape(objetivo)}</td>"
            f"<td>{inicio:%d/%m/%Y} – {fin:%d/%m/%Y}</td><td>{escape(responsable)}</td>"
            f"<td>{_miles(inversion)}</td><td>{escape(estados.get(estado, estado))}</td></tr>"
        )
    return mark_safe("\n".join(partes))


@require_GET
def entidad_territorial(request, pk):
    """«Quién hace qué» en una ET es ahora la sección «agenda» de su perfil (`/territorio/<DIVIPOLA>/#agenda`)."""
    entidad = get_object_or_404(Entidad, pk=pk, tipo__in=TipoEntidad.territoriales())
    return redirect(perfil.url_perfil(entidad, "agenda"))


def _grafico_demandas(serie: dict, id: str = "g-demandas") -> graficos.Grafico:
    return graficos.grafico_lineas(
        id=id, titulo=_("Demandas registradas y atendidas por mes"), meses=serie["meses"],
        series=[graficos.Serie(_("Registradas en el mes"), serie["registradas"]),
                graficos.Serie(_("De ellas, ya atendidas"), serie["atendidas"])],
    )


@login_required
def departamento(request, codigo):
    depto = get_object_or_404(Departamento, pk=codigo)
    vigencia = _vigencia_pedida(request)
    datos = selectors.consolidado_departamento(request.user, depto.pk, vigencia=vigencia)
    datos["bloques"] = sorted(datos["bloques"], key=lambda b: (-b["n_lineas"], b["entidad"].nombre))  # por valor
    return render(request, "agenda/departamento.html", {
        "departamento": depto, "vigencia": vigencia or "", "hoy": timezone.localdate(), **datos,
        "grafico_territorios": graficos.grafico_barras(
            id="g-depto-territorios", titulo=_("Líneas programadas por entidad territorial"), etiqueta_valor=_("Líneas"),
            filas=[{"nombre": b["entidad"].nombre, "valor": b["n_lineas"]} for b in datos["bloques"]]),
        "grafico_oferentes": graficos.grafico_barras(
            id="g-depto-oferentes", titulo=_("Líneas programadas por entidad oferente"), etiqueta_valor=_("Líneas"),
            filas=[{"nombre": o["nombre"], "valor": o["n_lineas"]} for o in datos["oferentes"]]),
        "grafico_demandas": _grafico_demandas(demanda_selectors.serie_mensual_de(
            demanda_selectors.demandas_visibles(request.user).filter(entidad__departamento_id=depto.pk))),
    })


@login_required
def calendario(request):
    vigencia = _anio(request.GET.get("vigencia")) or timezone.localdate().year
    etapa = request.GET.get("etapa", "")
    grupos, recortado = selectors.calendario(request.user, vigencia=vigencia, etapa=etapa)
    meses = [datetime.date(vigencia, m, 1) for m in range(1, 13)]
    return render(request, "agenda/calendario.html", {
        "grupos": grupos, "recortado": recortado, "limite": selectors.LIMITE_CALENDARIO, "vigencia": vigencia,
        "etapa": etapa, "etapas": selectors.etapas(), "meses": meses,
    })


# --- Planes concertados ------------------------------------------------------------------------
@login_required
def concertados(request):
    lista_periodos, periodo = periodos.del_pedido(request)
    pagina = Paginator(selectors.concertados_lista(request.user, periodo=periodo), 50).get_page(request.GET.get("page"))
    return render(request, "agenda/concertados.html", {
        "pagina": pagina, "puede_crear": request.user.has_perm("agenda.crear_concertado"),
        "periodos": lista_periodos, "periodo": periodo})


@login_required
def concertado_nuevo(request):
    if not request.user.has_perm("agenda.crear_concertado"):
        raise PermissionDenied(_("No puede crear planes concertados."))
    form = forms.ConcertadoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.concertado_crear(por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Plan concertado creado. Registre la primera mesa de trabajo."))
            return redirect("agenda:concertado", plan.pk)
    return render(request, "agenda/concertado_nuevo.html", {"form": form})


def _concertado_visible(request, pk) -> PlanConcertado:
    plan = get_object_or_404(selectors.concertados_visibles(request.user), pk=pk)
    if not request.user.has_perm("agenda.ver_concertado", plan):
        raise PermissionDenied(_("No puede ver este plan concertado."))
    return plan


def _pagina_concertado(request, pk, *, form_mesa=None, form_compromiso=None, status=200):
    plan = selectors.concertado_detalle(_concertado_visible(request, pk).pk)
    u = request.user
    puede = u.has_perm("agenda.trabajar_concertado", plan)
    for c in plan.lista_compromisos:
        # El mismo predicado que `services.compromiso_revisar` (el auditor responsable no ve el botón).
        c.plan = plan
        c.puede_actualizar = u.has_perm("agenda.actualizar_compromiso", c)
    mensajes = list(conversaciones.mensajes(plan))
    return render(request, "agenda/concertado.html", {
        "plan": plan, "puede_trabajar": puede,
        # La línea de tiempo del plan: sus mesas de trabajo y los mensajes de su conversación, por fecha.
        "linea_tiempo": conversaciones.linea_de_tiempo(("mesa", plan.lista_mesas, "fecha"),
                                                       ("mensaje", mensajes, "creado")),
        "conversacion": conversaciones.contexto(request, plan, mensajes),
        "actualiza_alguno": any(c.puede_actualizar for c in plan.lista_compromisos),
        "form_mesa": form_mesa or (forms.MesaForm() if puede else None),
        "form_compromiso": form_compromiso or (forms.CompromisoForm(plan=plan) if puede else None),
        "estados_compromiso": EstadoCompromiso.choices,
    }, status=status)


@login_required
def concertado(request, pk):
    return _pagina_concertado(request, pk)


@login_required
def evidencia(request, pk):
    """Descarga de una evidencia de mesa: solo para quien puede ver el plan concertado."""
    evidencia = get_object_or_404(
        EvidenciaMesa.objects.select_related("mesa__plan")
        .filter(mesa__plan__in=selectors.concertados_visibles(request.user).values("pk")), pk=pk)
    if not request.user.has_perm("agenda.ver_concertado", evidencia.mesa.plan):
        raise PermissionDenied(_("No puede ver este plan concertado."))
    return FileResponse(evidencia.archivo.open("rb"), as_attachment=True, filename=evidencia.nombre)


@login_required
@require_POST
def mesa_nueva(request, pk):
    plan = _concertado_visible(request, pk)
    form = forms.MesaForm(request.POST, request.FILES, adjuntos_de=request.user)
    if form.is_valid():
        datos = {k: v for k, v in form.cleaned_data.items() if k not in forms.MesaForm.CAMPOS_EVIDENCIA}
        try:
            services.mesa_registrar(plan=plan, por=request.user, evidencias=form.evidencias(), **datos)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            form.marcar_adjuntos_usados()
            messages.success(request, _("Mesa de trabajo registrada."))
            return redirect("agenda:concertado", plan.pk)
    return _pagina_concertado(request, plan.pk, form_mesa=form, status=400)


@login_required
@require_POST
def compromiso_nuevo(request, pk):
    plan = _concertado_visible(request, pk)
    form = forms.CompromisoForm(request.POST, plan=plan)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.compromiso_crear(mesa=d["mesa"], descripcion=d["descripcion"], responsable=d["responsable"],
                                      fecha_limite=d["fecha_limite"], por=request.user)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Compromiso registrado."))
            return redirect("agenda:concertado", plan.pk)
    return _pagina_concertado(request, plan.pk, form_compromiso=form, status=400)


@login_required
@require_POST
def compromiso_revisar(request, pk):
    compromiso = get_object_or_404(
        selectors.compromisos_visibles(request.user).select_related("plan", "mesa", "sesion"), pk=pk)
    if not request.user.has_perm("agenda.actualizar_compromiso", compromiso):
        raise PermissionDenied(_("No puede actualizar este compromiso."))
    form = forms.RevisarCompromisoForm(request.POST)
    destino = (("agenda:sesion", compromiso.sesion_id) if compromiso.sesion_id
               else ("agenda:concertado", compromiso.plan_id))
    if form.is_valid():
        # Se anota en la última mesa posterior a la que lo acordó (si la hay): «se revisa en la siguiente».
        mesa = None
        if compromiso.mesa_id:
            mesa = compromiso.plan.mesas.filter(fecha__gt=compromiso.mesa.fecha).order_by("-fecha").first()
        try:
            services.compromiso_revisar(compromiso=compromiso, por=request.user, mesa=mesa, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Compromiso actualizado."))
    else:
        messages.error(request, _("Elija un estado válido para el compromiso."))
    return redirect(*destino)
