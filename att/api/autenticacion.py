from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from att.models import Membresia, TokenIntegracion


class TokenIntegracionAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <clave>`; el token fija la entidad y el rol con que actúa el cliente.

    Vale solo mientras la persona conserve una membresía activa con esa entidad y ese rol; con él,
    `Usuario.has_perm` no toma el atajo de superusuario (ver `att/models/usuarios.py`)."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = (
            TokenIntegracion.objects.select_related("usuario", "entidad")
            .filter(resumen=TokenIntegracion.resumir(key))
            # En la misma consulta: ¿sigue la persona con esa entidad y ese rol?
            .annotate(membresia_activa=Exists(Membresia.objects.vigentes().filter(
                usuario=OuterRef("usuario"), entidad=OuterRef("entidad"), rol=OuterRef("rol"),
            )))
            .first()
        )
        if token is None or not token.vigente:
            raise exceptions.AuthenticationFailed(_("Token inválido o revocado."))
        if not token.usuario.is_active:
            raise exceptions.AuthenticationFailed(_("El usuario del token está inactivo."))
        if not token.membresia_activa:
            raise exceptions.AuthenticationFailed(
                _("El usuario del token ya no tiene una membresía activa con esa entidad y ese rol."))
        ahora = timezone.now()
        if token.ultimo_uso is None or (ahora - token.ultimo_uso).total_seconds() > 300:
            TokenIntegracion.objects.filter(pk=token.pk).update(ultimo_uso=ahora)
        usuario = token.usuario
        usuario._att_token = token
        return usuario, token


class SesionConSegundoFactor(authentication.SessionAuthentication):
    """La sesión del navegador en la API, solo con el segundo factor verificado cuando la cuenta lo
    exige (admin, administrador DNP). Es la segunda barrera: el middleware de att/mfa.py ya responde
    403 a esas sesiones, pero deja pasar lo que parece un token; si DRF no lo reconoce como token
    (p. ej. `Token\\xa0clave`), cae en la sesión y aquí se rechaza."""

    def authenticate(self, request):
        from att import mfa

        resultado = super().authenticate(request)
        if resultado is not None and mfa.requiere_mfa(resultado[0]) and not mfa.sesion_verificada(request._request):
            raise exceptions.PermissionDenied(_(
                "Su cuenta debe verificar su segundo factor antes de usar la API con la sesión."
            ))
        return resultado


def _extension_de_esquema():
    """El esquema OpenAPI describe esta sesión como la de DRF (cookie de sesión): sin la extensión,
    drf-spectacular avisa (W001) en cada vista y `check --deploy --fail-level WARNING` falla."""
    from drf_spectacular.authentication import SessionScheme

    class EsquemaSesionConSegundoFactor(SessionScheme):
        target_class = "att.api.autenticacion.SesionConSegundoFactor"

    return EsquemaSesionConSegundoFactor


EsquemaSesionConSegundoFactor = _extension_de_esquema()
