from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from att.models import TokenIntegracion


class TokenIntegracionAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <clave>`; el token fija la entidad y el rol con que actúa el cliente."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = (
            TokenIntegracion.objects.select_related("usuario", "entidad")
            .filter(resumen=TokenIntegracion.resumir(key))
            .first()
        )
        if token is None or not token.vigente:
            raise exceptions.AuthenticationFailed(_("Token inválido o revocado."))
        if not token.usuario.is_active:
            raise exceptions.AuthenticationFailed(_("El usuario del token está inactivo."))
        ahora = timezone.now()
        if token.ultimo_uso is None or (ahora - token.ultimo_uso).total_seconds() > 300:
            TokenIntegracion.objects.filter(pk=token.pk).update(ultimo_uso=ahora)
        usuario = token.usuario
        usuario._att_token = token
        return usuario, token
