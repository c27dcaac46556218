"""Páginas de la verificación en dos pasos: activar la aplicación, verificar el código y el QR.

Sin scripts ni estilos en línea (CSP estricta); el QR es una imagen SVG de otra vista, hecha en el
servidor con segno, sin salir a ningún servicio externo. La lógica está en `att/mfa.py`.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from att import bitacora, mfa
from att.forms import CodigoMFAForm


def _siguiente(request) -> str:
    """El `next` pedido si es de este mismo sitio; si no, el escritorio de la persona (LOGIN_REDIRECT_URL)."""
    destino = request.POST.get("next") or request.GET.get("next") or ""
    if destino and url_has_allowed_host_and_scheme(
        destino, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return destino
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _con_next(nombre: str, request) -> str:
    """La otra página del paso, con el mismo `next` (se revisa al usarlo)."""
    destino = request.GET.get("next", "")
    return f"{reverse(nombre)}?{urlencode({'next': destino})}" if destino else reverse(nombre)


def _marcar_verificada(request, dispositivo) -> None:
    # Sube el nivel de la sesión: nueva clave de sesión (ASVS 3.2.1) y el dispositivo en ella.
    request.session.cycle_key()
    otp_login(request, dispositivo)


@login_required
@require_http_methods(["GET", "POST"])
def activar(request):
    """Primera vez: la aplicación de autenticación (QR o secreto a mano), su primer código y los
    códigos de respaldo, que se muestran una sola vez."""
    siguiente = _siguiente(request)
    if mfa.tiene_dispositivo(request.user):
        if mfa.sesion_verificada(request):
            messages.info(request, _("La verificación en dos pasos ya está activa en su cuenta."))
            return redirect(siguiente)
        # Quien ya tiene dispositivo no agrega otro sin verificar antes el que tiene.
        return redirect(_con_next("mfa-verificar", request))
    dispositivo = mfa.mfa_dispositivo_pendiente(usuario=request.user)
    form = CodigoMFAForm(ayuda=_("Los 6 dígitos que muestra la aplicación para «ATT DNP»."))
    if request.method == "POST":
        form = CodigoMFAForm(request.POST, ayuda=form.fields["codigo"].help_text)
        if form.is_valid():
            try:
                codigos = mfa.mfa_confirmar(
                    usuario=request.user, dispositivo=dispositivo, codigo=form.cleaned_data["codigo"]
                )
            except ValidationError as e:
                form.add_error("codigo", e)
                bitacora.registrar(bitacora.Tipo.MFA_FALLIDA, request=request, usuario=request.user,
                                   paso=request.resolver_match.url_name)
            else:
                dispositivo.refresh_from_db()
                _marcar_verificada(request, dispositivo)
                # Un 200 (no una redirección): la idempotencia no guarda esta página ni los códigos.
                return render(request, "att/mfa_codigos.html", {
                    "codigos": [mfa.codigo_respaldo_legible(c) for c in codigos], "siguiente": siguiente,
                })
    return render(request, "att/mfa_activar.html", {
        "form": form, "secreto": mfa.secreto_agrupado(dispositivo), "next": siguiente,
        "url_qr": reverse("mfa-qr"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def verificar(request):
    """Cada ingreso: el código de la aplicación o uno de respaldo (que se gasta)."""
    siguiente = _siguiente(request)
    if mfa.sesion_verificada(request):
        return redirect(siguiente)
    if not mfa.tiene_dispositivo(request.user):
        return redirect(_con_next("mfa-activar", request))
    form = CodigoMFAForm(ayuda=_(
        "Los 6 dígitos que muestra ahora su aplicación de autenticación, o uno de sus códigos de "
        "respaldo si no tiene el teléfono a mano."
    ))
    if request.method == "POST":
        form = CodigoMFAForm(request.POST, ayuda=form.fields["codigo"].help_text)
        if form.is_valid():
            try:
                dispositivo = mfa.mfa_verificar(usuario=request.user, codigo=form.cleaned_data["codigo"])
            except ValidationError as e:
                form.add_error("codigo", e)
                bitacora.registrar(bitacora.Tipo.MFA_FALLIDA, request=request, usuario=request.user,
                                   paso=request.resolver_match.url_name)
            else:
                _marcar_verificada(request, dispositivo)
                return redirect(siguiente)
    return render(request, "att/mfa_verificar.html", {"form": form, "next": siguiente})


@login_required
@require_GET
def qr(request):
    """El QR de la aplicación por confirmar, en SVG y sin caché (lleva el secreto)."""
    if mfa.tiene_dispositivo(request.user) and not mfa.sesion_verificada(request):
        raise Http404
    dispositivo = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if dispositivo is None:
        raise Http404
    salida = io.BytesIO()
    segno.make(dispositivo.config_url, error="m").save(
        salida, kind="svg", scale=6, border=4, xmldecl=False, svgns=True,
        title=_("Código QR para su aplicación de autenticación"),
    )
    respuesta = HttpResponse(salida.getvalue(), content_type="image/svg+xml")
    respuesta["Cache-Control"] = "private, no-store"
    return respuesta
