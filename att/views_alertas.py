"""Preferencias de correo de las alertas (/cuenta/alertas/) y baja con el enlace del correo.

La baja no pide ingresar: el token firmado (persona y tipo) es la prueba. GET muestra la
confirmación; POST da de baja. El POST está exento de CSRF solo aquí porque lo envía también el
programa de correo con un clic (RFC 8058, `List-Unsubscribe-Post`) sin cookie ni token de
formulario; sin un token firmado válido no hace nada (404: ese enlace no existe)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from att import services
from att.forms import PreferenciasAlertasForm
from att.models import Usuario
from att.notificaciones import leer_token_baja, nombre_categoria


@login_required
@require_http_methods(["GET", "POST"])
def preferencias(request):
    vigentes = services.preferencias_alertas(request.user)
    form = PreferenciasAlertasForm(request.POST or None, iniciales=vigentes)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.preferencias_alertas_guardar(usuario=request.user, preferencias=form.cleaned_data,
                                                      por=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Preferencias guardadas (%(n)d tipos cambiaron).") % {"n": n})
            return redirect("preferencias-alertas")
    return render(request, "att/preferencias_alertas.html", {"form": form})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def baja(request, token):
    try:
        usuario_id, categoria = leer_token_baja(token)
        usuario = Usuario.objects.only("pk", "email").get(pk=usuario_id)
    except (signing.BadSignature, ValueError, TypeError, Usuario.DoesNotExist):
        return render(request, "att/baja_alertas.html", {"invalido": True}, status=404)
    contexto = {"tipo": nombre_categoria(categoria), "correo": usuario.email, "token": token}
    if request.method == "POST":
        with transaction.atomic():
            services.alertas_dar_de_baja(token=token)
        contexto["hecho"] = True
    return render(request, "att/baja_alertas.html", contexto)
