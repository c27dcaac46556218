"""Páginas de la demanda: delgadas; escriben con `services` y leen con `selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from att import conversaciones, graficos, periodos, permisos
from att import selectors as selectors_att
from att import services as services_att
from att.forms import aplicar_error_servicio
from att.models import Departamento, Rol, Tema
from demanda import matching, rules, selectors, services
from demanda.escritorio import SIGUIENTE_ET, SIGUIENTE_PIDIO
from demanda.forms import (
    AdjuntoForm,
    CerrarForm,
    DemandaForm,
    MotivoForm,
    NoPertinenteForm,
    RemitirForm,
)
from demanda.models import EstadoDemanda, TipoDecision
from demanda.paginacion import paginar
from oferta.models import Oferta


def _param(request, nombre: str, largo: int = 100) -> str:
    """Parámetro GET recortado (los caracteres NUL ya los quitó att.limites.SinNulMiddleware)."""
    return request.GET.get(nombre, "").strip()[:largo]


def filtros_lista(request) -> dict:
    """Los filtros de la lista (y de la exportación), validados: estado, entidad, tema y texto."""
    estado = request.GET.get("estado", "")
    entidad = request.GET.get("entidad", "")
    return {
        "estado": estado if estado in EstadoDemanda.values else "",
        "entidad": int(entidad) if entidad.isdigit() and len(entidad) < 12 else None,
        "tema": _param(request, "tema", 60),
        "texto": _param(request, "q"),
        "periodo": _param(request, "periodo", 20),
    }


def alcance_lista(usuario) -> list[str]:
    """Qué demandas ve la persona, dicho según sus roles (la ayuda de un rol no se le muestra a otro)."""
    if permisos.lee_todo(usuario):
        return [_("todas las registradas en la plataforma")]
    partes = []
    if permisos.tiene_rol(usuario, Rol.FUNCIONARIO_ET):
        partes.append(_("las de su entidad"))
    if permisos.tiene_rol(usuario, Rol.EQUIPO_DEPARTAMENTAL):
        partes.append(_("las de su gobernación y las de los municipios de su departamento"))
    if permisos.tiene_rol(usuario, Rol.OFERENTE):
        partes.append(_("las de los temas de sus ofertas publicadas, las que pidieron una de sus ofertas y las "
                        "remitidas o vinculadas a su entidad"))
    return partes or [_("las de su entidad")]


@login_required
def lista(request):
    """Mis demandas: las de la entidad (y, para el equipo departamental, las de sus municipios)."""
    f = filtros_lista(request)
    estado, entidad, tema, texto = f["estado"], f["entidad"], f["tema"], f["texto"]
    lista_periodos, f["periodo"] = periodos.del_pedido(request)
    # Los temas del selector se leen ya (la plantilla los recorre igual): si el filtrado está entre
    # ellos, el selector recibe el tema y no vuelve a buscarlo por código.
    temas = list(Tema.objects.filter(activo=True, padre__isnull=True).only("codigo", "nombre"))
    qs = selectors.demandas_lista(request.user, **{**f, "tema": next((t for t in temas if t.codigo == tema), tema)})
    pagina = paginar(qs, despues=_param(request, "despues", 40), antes=_param(request, "antes", 40))
    filtros = urlencode({k: v for k, v in (("q", texto), ("estado", estado), ("tema", tema), ("entidad", entidad or ""),
                                           ("periodo", f["periodo"].codigo if f["periodo"] else "")) if v})
    contexto = {
        "pagina": pagina, "demandas": pagina.object_list, "filtros": filtros, "estados": EstadoDemanda.choices,
        "estado": estado, "entidad": entidad, "tema": tema, "q": texto,
        "temas": temas, "periodos": lista_periodos, "periodo": f["periodo"],
        "puede_registrar": request.user.has_perm("demanda.registrar"),
        "alcance": alcance_lista(request.user),
        "entidades": selectors.entidades_para_registrar(request.user) if request.user.has_perm("demanda.registrar") else [],
    }
    return render(request, "demanda/lista.html", contexto)


BORRADOR = "demanda.demanda"  # clave del borrador del formulario (att.views_borradores)


@login_required
@require_http_methods(["GET", "POST"])
def nueva(request):
    """Registrar una necesidad; con ?oferta=<pk>, «Solicitar esta asistencia» a partir de la oferta."""
    if not request.user.has_perm("demanda.registrar"):
        raise PermissionDenied(_("Solo los funcionarios de entidades territoriales y los equipos departamentales registran demandas."))
    oferta = None
    oferta_pk = request.POST.get("oferta") or request.GET.get("oferta")
    if oferta_pk and str(oferta_pk).isdigit():
        oferta = get_object_or_404(Oferta.objects.publicadas().select_related("entidad"), pk=oferta_pk)
    if request.method == "POST":
        form = DemandaForm(request.POST, request.FILES, usuario=request.user, adjuntos_de=request.user)
        if form.is_valid():
            datos = form.cleaned_data
            try:
                demanda = services.demanda_registrar(
                    por=request.user, entidad=datos["entidad"], titulo=datos["titulo"], descripcion=datos["descripcion"],
                    fuente=datos["fuente"], temas=datos["temas"], capacidad=datos["capacidad"], etapa=datos["etapa"],
                    fecha_deseada=datos["fecha_deseada"], modalidad=datos["modalidad"], canal=datos["canal"],
                    oferta=oferta, adjuntos=datos["adjuntos"],
                )
            except ValidationError as e:
                aplicar_error_servicio(form, e)
            else:
                form.marcar_adjuntos_usados()
                services_att.borrador_descartar(por=request.user, formulario=BORRADOR, objeto_id=0)
                messages.success(request, _("Demanda registrada. Le avisaremos cada cambio de estado."))
                return redirect("demanda:detalle", pk=demanda.pk)
    else:
        inicial = {}
        if oferta is not None:
            inicial = {
                "oferta": oferta.pk,
                "titulo": _("Solicitud: %(o)s") % {"o": oferta.nombre},
                "descripcion": _("Nuestra entidad solicita la asistencia «%(o)s» de %(e)s. Necesidad: ")
                % {"o": oferta.nombre, "e": oferta.entidad.nombre},
                "temas": list(oferta.temas.values_list("pk", flat=True)),
                "capacidad": oferta.capacidades.values_list("pk", flat=True).first(),
                "etapa": oferta.etapas.values_list("pk", flat=True).first(),
                "modalidad": oferta.modalidades.values_list("pk", flat=True).first(),
                "canal": oferta.canal_id,
            }
    borrador = selectors_att.contexto_borrador(request.user, BORRADOR, 0, restaurar=request.method == "GET")
    if request.method == "GET":
        if borrador["borrador"]:
            inicial.update({k: v for k, v in borrador["borrador"].datos.items() if k != "oferta"})
        form = DemandaForm(initial=inicial, usuario=request.user)
    return render(request, "demanda/formulario.html", {"form": form, "oferta": oferta, "editar": False,
                                                       "borrador_form": borrador})


def _demanda_o_404(request, pk):
    demanda = selectors.demanda_detalle(request.user, pk)
    if demanda is None:
        raise Http404(_("No existe la demanda o no tiene acceso a ella."))
    return demanda


@login_required
@require_http_methods(["GET", "POST"])
def editar(request, pk):
    demanda = _demanda_o_404(request, pk)
    if not request.user.has_perm("demanda.editar", demanda):
        raise PermissionDenied(_("Solo la entidad solicitante puede cambiar esta demanda."))
    if demanda.estado not in services.ESTADOS_EDITABLES:
        messages.error(request, _("La demanda ya está «%(estado)s»: no se puede cambiar. Puede agregar adjuntos.")
                       % {"estado": demanda.get_estado_display()})
        return redirect("demanda:detalle", pk=demanda.pk)
    if request.method == "POST":
        form = DemandaForm(request.POST, request.FILES, usuario=request.user, editar=True, adjuntos_de=request.user)
        if form.is_valid():
            datos = dict(form.cleaned_data)
            temas, adjuntos = datos.pop("temas"), datos.pop("adjuntos")
            try:
                services.demanda_actualizar(demanda=demanda, por=request.user, temas=temas, adjuntos=adjuntos, **datos)
            except ValidationError as e:
                aplicar_error_servicio(form, e)
            else:
                form.marcar_adjuntos_usados()
                services_att.borrador_descartar(por=request.user, formulario=BORRADOR, objeto_id=demanda.pk)
                messages.success(request, _("Cambios guardados."))
                return redirect("demanda:detalle", pk=demanda.pk)
    else:
        inicial = {c: getattr(demanda, c) for c in services.CAMPOS_EDITABLES}
        inicial["temas"] = [t.pk for t in demanda.temas.all()]
    borrador = selectors_att.contexto_borrador(request.user, BORRADOR, demanda.pk, restaurar=request.method == "GET")
    if request.method == "GET":
        if borrador["borrador"]:
            inicial.update(borrador["borrador"].datos)
        form = DemandaForm(initial=inicial, usuario=request.user, editar=True)
    return render(request, "demanda/formulario.html", {"form": form, "demanda": demanda, "editar": True,
                                                       "borrador_form": borrador})


@login_required
def detalle(request, pk):
    demanda = _demanda_o_404(request, pk)
    u = request.user
    puede_gestionar = u.has_perm("demanda.gestionar", demanda)
    mensajes = list(conversaciones.mensajes(demanda))
    contexto = {
        "demanda": demanda,
        "eventos": demanda.eventos.all(),
        # La línea de tiempo: los pasos de la demanda y los mensajes de su conversación, por fecha.
        "linea_tiempo": conversaciones.linea_de_tiempo(("evento", demanda.eventos.all(), "cuando"),
                                                       ("mensaje", mensajes, "creado")),
        "conversacion": conversaciones.contexto(request, demanda, mensajes),
        "puede_editar": u.has_perm("demanda.editar", demanda) and demanda.estado in services.ESTADOS_EDITABLES,
        "puede_adjuntar": u.has_perm("demanda.editar", demanda)
        and demanda.estado not in (EstadoDemanda.CERRADA, EstadoDemanda.NO_PERTINENTE),
        "puede_gestionar": puede_gestionar,
        "puede_atender": u.has_perm("demanda.atender", demanda),
        "puede_cerrar": u.has_perm("demanda.cerrar", demanda) and demanda.estado == EstadoDemanda.ATENDIDA,
        "E": {e.name: e.value for e in EstadoDemanda},
        # Un `auto_id` por formulario: varios tienen «motivo» y comparten la página (ids únicos,
        # cada etiqueta apunta a su campo).
        "adjunto_form": AdjuntoForm(auto_id="adjunto_%s"),
        "cerrar_form": CerrarForm(auto_id="cerrar_%s"),
        "analizar_form": MotivoForm(auto_id="analizar_%s"),
        "atendida_form": MotivoForm(auto_id="atendida_%s"),
        "no_pertinente_form": NoPertinenteForm(auto_id="no_pertinente_%s"),
        "remitir_form": RemitirForm(auto_id="remitir_%s"),
    }
    abierta = demanda.estado in (EstadoDemanda.REGISTRADA, EstadoDemanda.EN_ANALISIS, EstadoDemanda.REMITIDA)
    es_et = rules.es_de_la_et(u, demanda)
    contexto["es_et"] = es_et
    contexto["siguiente"] = SIGUIENTE_ET[demanda.estado]
    contexto["puede_decidir"] = services.puede_decidir_como_et(u, demanda)
    # El DNP ve las candidatas para vincular; la entidad que la pidió, las mismas con su explicación
    # por criterio (ofertas publicadas: públicas) y los botones «Solicitar esta oferta» y «Descartar».
    if abierta and (puede_gestionar or es_et):
        candidatas = matching.ofertas_candidatas(demanda)
        decisiones = dict(demanda.decisiones.filter(tipo__in=services.DECIDE_ET).values_list("oferta_id", "tipo"))
        if es_et and contexto["puede_decidir"] and TipoDecision.SOLICITADA in decisiones.values():
            contexto["siguiente"] = SIGUIENTE_PIDIO
        for o in candidatas:
            o.decision = decisiones.get(o.pk, "")
            o.criterios = explicacion_clara(o.explicacion)
        contexto["candidatas"] = candidatas
        contexto["es_brecha"] = matching.es_brecha(candidatas)
    # El oferente cuya oferta pidió la entidad (o a cuya entidad se remitió) responde desde aquí: vincula.
    if abierta and not puede_gestionar and permisos.tiene_rol(u, Rol.OFERENTE):
        pedidas = (Oferta.objects.publicadas().filter(Q(pk=demanda.oferta_id) | Q(
            decisiones__demanda=demanda, decisiones__tipo=TipoDecision.SOLICITADA))
            .select_related("entidad").distinct().order_by("pk"))
        contexto["por_vincular"] = [o for o in pedidas if services.puede_vincular(u, demanda, o)]
    return render(request, "demanda/detalle.html", contexto)


# Cada línea de `matching.explicar` empieza por su criterio («Texto: …»); en la ficha, el criterio en
# palabras de quien pidió la asistencia.
CRITERIOS = {
    "Texto": _l("Palabras de su necesidad"), "Tema": _l("Temas"), "Capacidad": _l("Capacidad que fortalece"),
    "Cobertura": _l("¿Llega a su entidad?"), "Etapa del ciclo": _l("Etapa del ciclo de gestión"),
    "Modalidad y canal": _l("Cómo se presta"), "Cupos": _l("Cupos"), "Decisiones anteriores": _l("Otras entidades"),
}


def explicacion_clara(lineas: list[str]) -> list[tuple[str, str]]:
    """[(criterio en palabras sencillas, explicación)] a partir de las líneas de `matching.explicar`."""
    claves = {str(_l(k)): v for k, v in CRITERIOS.items()} | CRITERIOS
    pares = []
    for linea in lineas:
        criterio, separador, texto = linea.partition(": ")
        if separador and criterio in claves:
            pares.append((str(claves[criterio]), texto[:1].upper() + texto[1:]))
        else:
            pares.append(("", linea))
    return pares


@login_required
@require_POST
def decidir(request, pk):
    """«Solicitar esta oferta» o «Descartar» una de las ofertas que coinciden (`services.decision_registrar`, la
    misma decisión que aprende el cruce). Un reenvío repite la misma decisión: no crea otra."""
    demanda = _demanda_o_404(request, pk)
    tipo = request.POST.get("tipo", "")
    oferta_pk = request.POST.get("oferta", "")
    if tipo not in services.DECIDE_ET or not oferta_pk.isdigit():
        raise Http404()
    oferta = get_object_or_404(Oferta.objects.select_related("entidad"), pk=oferta_pk)
    try:
        services.decision_registrar(demanda=demanda, oferta=oferta, tipo=tipo, por=request.user,
                                    motivo=request.POST.get("motivo", ""))
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        if tipo == TipoDecision.SOLICITADA:
            messages.success(request, _("Pidió la oferta «%(o)s». Avisamos a %(e)s y al DNP: le responderán aquí y "
                                        "en sus alertas.") % {"o": oferta.nombre, "e": oferta.entidad.nombre})
        else:
            messages.success(request, _("Descartó la oferta «%(o)s»: el cruce lo tendrá en cuenta.") % {"o": oferta.nombre})
    return redirect(reverse("demanda:detalle", args=[demanda.pk]) + "#coincidencias")


ACCIONES = {
    "analizar": (services.demanda_iniciar_analisis, MotivoForm, _("La demanda pasó a análisis.")),
    "remitir": (services.demanda_remitir, RemitirForm, _("Demanda remitida a la entidad competente.")),
    "vincular": (services.demanda_vincular, MotivoForm, _("Demanda vinculada a la oferta.")),
    "atencion": (services.demanda_poner_en_atencion, MotivoForm, _("La demanda está en atención.")),
    "atendida": (services.demanda_marcar_atendida, MotivoForm, _("La demanda quedó atendida.")),
    "cerrar": (services.demanda_cerrar, CerrarForm, _("Demanda cerrada. Gracias por calificar la asistencia.")),
    "no_pertinente": (services.demanda_marcar_no_pertinente, NoPertinenteForm, _("Demanda marcada como no pertinente.")),
}


@login_required
@require_POST
def accion(request, pk, nombre):
    if nombre not in ACCIONES:
        raise Http404()
    demanda = _demanda_o_404(request, pk)
    servicio, clase_form, exito = ACCIONES[nombre]
    form = clase_form(request.POST)
    if not form.is_valid():
        for campo, errores in form.errors.items():
            for e in errores:
                messages.error(request, f"{form.fields[campo].label}: {e}" if campo in form.fields else e)
        return redirect("demanda:detalle", pk=demanda.pk)
    argumentos = dict(form.cleaned_data)
    if nombre == "vincular":
        oferta_pk = request.POST.get("oferta", "")
        argumentos["oferta"] = get_object_or_404(Oferta, pk=oferta_pk) if oferta_pk.isdigit() else None
        if argumentos["oferta"] is None:
            raise Http404()
    try:
        servicio(demanda=demanda, por=request.user, **argumentos)
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        messages.success(request, exito)
    return redirect("demanda:detalle", pk=demanda.pk)


@login_required
@require_POST
def adjuntar(request, pk):
    demanda = _demanda_o_404(request, pk)
    form = AdjuntoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.demanda_agregar_adjunto(demanda=demanda, por=request.user, archivo=form.cleaned_data["archivo"])
        except ValidationError as e:
            for m in e.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Adjunto agregado."))
    else:
        for e in form.errors.get("archivo", []):
            messages.error(request, e)
    return redirect("demanda:detalle", pk=demanda.pk)


@login_required
def descargar_adjunto(request, pk, adjunto_pk):
    demanda = _demanda_o_404(request, pk)
    adjunto = get_object_or_404(demanda.adjuntos, pk=adjunto_pk)
    return FileResponse(adjunto.archivo.open("rb"), as_attachment=True, filename=adjunto.nombre)


@login_required
def brechas(request):
    if not request.user.has_perm("demanda.ver_brechas"):
        raise PermissionDenied(_("Solo el DNP y el auditor ven las brechas de oferta."))
    departamento = _param(request, "departamento", 2)
    datos = selectors.brechas(departamento=departamento)
    serie = datos["serie"]
    return render(request, "demanda/brechas.html", {
        **datos, "departamento": departamento,
        "grafico_tema": graficos.grafico_barras(
            id="g-brechas-tema", titulo=_("Demandas sin oferta por tema"), etiqueta_valor=_("Demandas"),
            filas=[{"nombre": f["tema__nombre"], "valor": f["total"]} for f in datos["por_tema"]]),
        "grafico_departamento": graficos.grafico_barras(
            id="g-brechas-departamento", titulo=_("Demandas sin oferta por departamento"), etiqueta_valor=_("Demandas"),
            filas=[{"nombre": f["entidad__departamento__nombre"] or "—", "valor": f["total"]}
                   for f in datos["por_departamento"]]),
        "grafico_serie": graficos.grafico_lineas(
            id="g-brechas-mes", titulo=_("Demandas sin oferta según su mes de registro"), meses=serie["meses"],
            series=[graficos.Serie(_("Demandas sin oferta registradas en el mes"), serie["registradas"])]),
        "departamentos": Departamento.objects.order_by("nombre"),
    })
