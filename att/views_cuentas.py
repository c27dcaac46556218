"""Páginas de cuentas bajo /cuenta/: mi cuenta y mis datos, pedir una cuenta, invitar, contraseña,
miembros de una entidad y las colas de solicitudes. Las escrituras están en `att/cuentas.py`."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from att import cuentas, permisos
from att.autenticacion import ip_cliente
from att.exportacion import con_cupo, respuesta_csv
from att.forms import aplicar_error_servicio
from att.forms_cuentas import (
    AceptarInvitacionForm,
    InvitacionForm,
    RecuperarClaveForm,
    ResolverSolicitudForm,
    ResponderDatosForm,
    SolicitudCuentaForm,
    SolicitudDatosForm,
    TerminarMembresiaForm,
)
from att.models import (
    Entidad,
    EstadoSolicitudCuenta,
    EstadoSolicitudDatos,
    Membresia,
    SolicitudDatosPersonales,
)


def _limite_superado(request, accion: str) -> bool:
    """Tope por IP y hora para los formularios anónimos (pedir cuenta, recuperar la contraseña), como el
    bloqueo del ingreso (django-axes). Si la caché no responde, deja pasar."""
    tope = getattr(settings, "ATT_CUENTA_TOPE_POR_HORA", 5)
    clave = f"att:cuenta:{accion}:{ip_cliente(request) or '-'}:{timezone.now():%Y%m%d%H}"
    try:
        if cache.add(clave, 1, 3700):
            return False
        return int(cache.incr(clave)) > tope
    except Exception:  # noqa: BLE001 - sin caché no hay tope
        return False


def _demasiados(request, plantilla: str, contexto: dict):
    contexto = {**contexto, "mensaje_limite": _(
        "Recibimos muchos envíos desde su conexión en la última hora. Espere un rato e intente de nuevo.")}
    return render(request, plantilla, contexto, status=429)


# --- Mi cuenta ---------------------------------------------------------------------------------------

@login_required
@require_GET
def cuenta(request):
    """Mis membresías (entidad, rol, fechas), mis datos personales y mis solicitudes."""
    usuario = request.user
    hoy = timezone.localdate()
    membresias = list(Membresia.objects.filter(usuario=usuario).select_related("entidad").order_by("-desde", "pk"))
    for m in membresias:
        m.vigente = m.activa and (m.hasta is None or m.hasta >= hoy)
    administradas = list(cuentas.entidades_administradas(usuario).order_by("nombre")[:20]) \
        if not permisos.es_admin_dnp(usuario) else []
    return render(request, "att/cuenta/cuenta.html", {
        "membresias": membresias,
        "solicitudes_datos": SolicitudDatosPersonales.objects.filter(usuario=usuario)[:20],
        "form_datos": SolicitudDatosForm(),
        "administradas": administradas,
        "es_dnp": permisos.es_admin_dnp(usuario),
        "resuelve": cuentas.resuelve_solicitudes(usuario),
        "puede_invitar": permisos.es_admin_dnp(usuario) or bool(administradas),
    })


@login_required
@require_GET
@con_cupo
def datos_descargar(request, formato: str):
    """Mis datos personales en JSON o CSV (solo los de quien pide)."""
    datos = cuentas.datos_personales(request.user)
    nombre = f"mis-datos-att-{timezone.localdate():%Y-%m-%d}"
    if formato == "json":
        respuesta = HttpResponse(json.dumps(datos, ensure_ascii=False, indent=2),
                                 content_type="application/json; charset=utf-8")
        respuesta["Content-Disposition"] = f'attachment; filename="{nombre}.json"'
        return respuesta
    if formato == "csv":
        return respuesta_csv(f"{nombre}.csv", [_("Sección"), _("Campo"), _("Valor")],
                             cuentas.datos_personales_filas(datos))
    raise Http404(_("Formato no disponible: use JSON o CSV."))


@login_required
@require_http_methods(["GET", "POST"])
def datos_solicitar(request):
    form = SolicitudDatosForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _s, nueva = cuentas.datos_solicitar(usuario=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Recibimos su solicitud; le responderemos por correo.") if nueva else
                             _("Ya tiene una solicitud de ese tipo pendiente: la respondemos pronto."))
            return redirect(f"{reverse('cuenta')}#mis-datos")
    return render(request, "att/cuenta/datos_solicitar.html", {"form": form})


# --- Pedir una cuenta ---------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def solicitar(request):
    """Formulario anónimo para pedir una cuenta; con tope de envíos por IP."""
    if request.user.is_authenticated:
        messages.info(request, _("Ya tiene cuenta. Para unirse a otra entidad, pida una invitación a quien la administra."))
        return redirect("cuenta")
    form = SolicitudCuentaForm(request.POST or None)
    contexto = {"form": form}
    if request.method == "POST":
        if _limite_superado(request, "solicitar"):
            return _demasiados(request, "att/cuenta/solicitar.html", contexto)
        if form.is_valid():
            try:
                cuentas.solicitud_cuenta_crear(**form.cleaned_data)
            except ValidationError as e:
                aplicar_error_servicio(form, e)
            else:
                return redirect("cuenta-solicitud-enviada")
    return render(request, "att/cuenta/solicitar.html", contexto)


@require_GET
def solicitud_enviada(request):
    return render(request, "att/cuenta/solicitud_enviada.html")


# --- Colas: solicitudes de cuenta ---------------------------------------------------------------------

def _exigir_resolutor(usuario) -> None:
    if not cuentas.resuelve_solicitudes(usuario):
        raise PermissionDenied(_("Solo el DNP y los equipos departamentales resuelven solicitudes de cuenta."))


@login_required
@require_GET
def solicitudes(request):
    _exigir_resolutor(request.user)
    estado = request.GET.get("estado", EstadoSolicitudCuenta.PENDIENTE)
    if estado not in EstadoSolicitudCuenta.values:
        estado = EstadoSolicitudCuenta.PENDIENTE
    qs = cuentas.solicitudes_a_cargo(request.user).filter(estado=estado).order_by("creada_en", "pk")
    pagina = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "att/cuenta/solicitudes.html", {
        "pagina": pagina, "estado": estado, "estados": EstadoSolicitudCuenta.choices,
        "es_dnp": permisos.es_admin_dnp(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def solicitud(request, pk: int):
    _exigir_resolutor(request.user)
    solicitud = get_object_or_404(cuentas.solicitudes_a_cargo(request.user), pk=pk)
    form = ResolverSolicitudForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("accion") == "aprobar":
                usuario = cuentas.solicitud_cuenta_aprobar(solicitud=solicitud, por=request.user)
                messages.success(request, _("Solicitud aprobada: %(c)s recibe un correo para fijar su contraseña.")
                                 % {"c": usuario.email})
            else:
                cuentas.solicitud_cuenta_rechazar(solicitud=solicitud, motivo=form.cleaned_data["motivo"],
                                                  por=request.user)
                messages.success(request, _("Solicitud rechazada: la persona recibe el motivo por correo."))
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            return redirect("cuenta-solicitudes")
    return render(request, "att/cuenta/solicitud.html", {"solicitud": solicitud, "form": form})


# --- Colas: datos personales ----------------------------------------------------------------------------

def _exigir_dnp(usuario) -> None:
    if not permisos.es_admin_dnp(usuario):
        raise PermissionDenied(_("Solo un administrador DNP responde las solicitudes sobre datos personales."))


@login_required
@require_GET
def solicitudes_datos(request):
    _exigir_dnp(request.user)
    estado = request.GET.get("estado", EstadoSolicitudDatos.PENDIENTE)
    if estado not in EstadoSolicitudDatos.values:
        estado = EstadoSolicitudDatos.PENDIENTE
    qs = SolicitudDatosPersonales.objects.select_related("usuario").filter(estado=estado).order_by("creada_en", "pk")
    pagina = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "att/cuenta/solicitudes_datos.html", {
        "pagina": pagina, "estado": estado, "estados": EstadoSolicitudDatos.choices})


@login_required
@require_http_methods(["GET", "POST"])
def solicitud_datos(request, pk: int):
    _exigir_dnp(request.user)
    solicitud = get_object_or_404(SolicitudDatosPersonales.objects.select_related("usuario", "respondida_por"), pk=pk)
    form = ResponderDatosForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cuentas.datos_responder(solicitud=solicitud, por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Respuesta registrada y enviada por correo."))
            return redirect("cuenta-solicitudes-datos")
    return render(request, "att/cuenta/solicitud_datos.html", {"solicitud": solicitud, "form": form})


# --- Invitaciones ---------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def invitar(request):
    entidades = cuentas.entidades_administradas(request.user)
    dnp = permisos.es_admin_dnp(request.user)
    if not dnp and not entidades.exists():
        raise PermissionDenied(_("Solo quien administra una entidad (o el DNP) invita personas."))
    inicial = {"entidad": request.GET.get("entidad")} if request.GET.get("entidad", "").isdigit() else {}
    form = InvitacionForm(request.POST or None, entidades=entidades, dnp=dnp, initial=inicial)
    if request.method == "POST" and form.is_valid():
        try:
            invitacion = cuentas.invitacion_enviar(por=request.user, **form.cleaned_data)
        except ValidationError as e:
            aplicar_error_servicio(form, e)
        else:
            messages.success(request, _("Invitación enviada a %(c)s; vence el %(f)s.") % {
                "c": invitacion.email, "f": timezone.localtime(invitacion.expira_en).strftime("%Y-%m-%d")})
            return redirect("cuenta-miembros", pk=invitacion.entidad_id)
    return render(request, "att/cuenta/invitar.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitacion(request, token: str):
    """Quien recibió la invitación fija su nombre y contraseña (o, si ya tiene cuenta, la acepta)."""
    try:
        inv = cuentas.invitacion_leer(token)
    except ValidationError as e:
        return render(request, "att/cuenta/invitacion_invalida.html", {"mensaje": e.messages[0]}, status=404)
    tiene_cuenta = cuentas.Usuario.objects.filter(email__iexact=inv.email).exists()
    form = None if tiene_cuenta else AceptarInvitacionForm(request.POST or None, email=inv.email)
    if request.method == "POST":
        try:
            if tiene_cuenta:
                if not request.user.is_authenticated:
                    return redirect(f"{reverse('login')}?next={request.path}")
                cuentas.invitacion_aceptar(token=token, usuario_actual=request.user)
                messages.success(request, _("Ahora también pertenece a %(e)s.") % {"e": inv.entidad})
                return redirect("cuenta")
            if form.is_valid():
                cuentas.invitacion_aceptar(token=token, nombre=form.cleaned_data["nombre"],
                                           clave=form.cleaned_data["clave1"])
                messages.success(request, _("Su cuenta está lista: ingrese con su correo y la contraseña que fijó."))
                return redirect("login")
        except ValidationError as e:
            if form is None:
                return render(request, "att/cuenta/invitacion_invalida.html", {"mensaje": e.messages[0]}, status=404)
            aplicar_error_servicio(form, e)
    return render(request, "att/cuenta/invitacion.html", {"invitacion": inv, "form": form, "tiene_cuenta": tiene_cuenta})


# --- Miembros de una entidad ------------------------------------------------------------------------------

@login_required
@require_GET
def miembros(request, pk: int):
    entidad = get_object_or_404(Entidad, pk=pk)
    if not cuentas.puede_administrar(request.user, entidad):
        raise PermissionDenied(_("Solo quien administra la entidad (o el DNP) ve y cambia sus miembros."))
    hoy = timezone.localdate()
    lista = list(Membresia.objects.filter(entidad=entidad).select_related("usuario")
                 .order_by("usuario__nombre", "rol"))
    for m in lista:
        m.vigente = m.activa and (m.hasta is None or m.hasta >= hoy)
    invitaciones = entidad.invitaciones.filter(usada_en__isnull=True).order_by("-enviada_en")[:50]
    return render(request, "att/cuenta/miembros.html", {
        "entidad": entidad, "membresias": lista, "invitaciones": invitaciones, "hoy": hoy.isoformat()})


@login_required
@require_POST
def membresia_terminar(request, pk: int):
    membresia = get_object_or_404(Membresia.objects.select_related("entidad", "usuario"), pk=pk)
    if not cuentas.puede_administrar(request.user, membresia.entidad):
        raise PermissionDenied(_("Solo quien administra la entidad (o el DNP) termina membresías."))
    form = TerminarMembresiaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Escriba la fecha de fin en formato AAAA-MM-DD."))
    else:
        try:
            cuentas.membresia_terminar(membresia=membresia, por=request.user, hasta=form.cleaned_data["hasta"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("La membresía de %(n)s termina el %(f)s; sus registros siguen a su nombre.")
                             % {"n": membresia.usuario, "f": form.cleaned_data["hasta"].isoformat()})
    return redirect("cuenta-miembros", pk=membresia.entidad_id)


# --- Contraseña --------------------------------------------------------------------------------------------

class CambiarClave(auth_views.PasswordChangeView):
    template_name = "att/cuenta/clave.html"
    success_url = reverse_lazy("cuenta")

    def form_valid(self, form):
        messages.success(self.request, _("Su contraseña cambió."))
        return super().form_valid(form)


class Recuperar(auth_views.PasswordResetView):
    """Pide el correo y envía el enlace (el token de Django). Nunca dice si el correo existe; tope por IP."""

    template_name = "att/cuenta/recuperar.html"
    form_class = RecuperarClaveForm
    success_url = reverse_lazy("cuenta-recuperar-enviado")

    def post(self, request, *args, **kwargs):
        if _limite_superado(request, "recuperar"):
            return _demasiados(request, self.template_name, {"form": self.get_form()})
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        form.save()
        return redirect(self.get_success_url())


class RecuperarEnviado(auth_views.PasswordResetDoneView):
    template_name = "att/cuenta/recuperar_enviado.html"


class RecuperarConfirmar(auth_views.PasswordResetConfirmView):
    """Fija la contraseña nueva. No inicia sesión (`post_reset_login` falso): la persona ingresa como
    siempre, y quien debe usar el segundo factor lo usa (att/mfa.py)."""

    template_name = "att/cuenta/recuperar_confirmar.html"
    success_url = reverse_lazy("cuenta-recuperar-listo")
    post_reset_login = False


class RecuperarListo(auth_views.PasswordResetCompleteView):
    template_name = "att/cuenta/recuperar_listo.html"


