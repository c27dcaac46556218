import datetime

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from att.consultas import ConsultaFija
from att.models import Entidad, Membresia, TokenIntegracion, Usuario


def _columnas(modelo) -> list[str]:
    return [f.attname for f in modelo._meta.concrete_fields]


_DEL_TOKEN, _DEL_USUARIO, _DE_LA_ENTIDAD = _columnas(TokenIntegracion), _columnas(Usuario), _columnas(Entidad)

# El token con su usuario y su entidad y, en la misma consulta, si la persona sigue con esa entidad y ese
# rol; compilada una vez (att/consultas.py): es la consulta de cada petición de la API con token.
_TOKEN = ConsultaFija(
    lambda resumen, fecha: TokenIntegracion.objects.filter(resumen=resumen)
    .annotate(membresia_activa=Exists(Membresia.objects.vigentes(fecha).filter(
        usuario=OuterRef("usuario"), entidad=OuterRef("entidad"), rol=OuterRef("rol"),
    )))
    .values_list(*_DEL_TOKEN, *[f"usuario__{c}" for c in _DEL_USUARIO], *[f"entidad__{c}" for c in _DE_LA_ENTIDAD],
                 "membresia_activa"),
    resumen="testigo-del-resumen-de-un-token", fecha=datetime.date(1901, 2, 3),
)


def _token_con_usuario_y_entidad(resumen: str) -> TokenIntegracion | None:
    """Lo mismo que `select_related("usuario", "entidad")` con la anotación: los tres modelos armados con
    `from_db` desde una fila, el usuario y la entidad ya puestos en el token."""
    filas = _TOKEN.filas(resumen=resumen, fecha=timezone.localdate())
    if not filas:
        return None
    fila = filas[0]
    a, b = len(_DEL_TOKEN), len(_DEL_TOKEN) + len(_DEL_USUARIO)
    token = TokenIntegracion.from_db(DEFAULT_DB_ALIAS, _DEL_TOKEN, fila[:a])
    TokenIntegracion._meta.get_field("usuario").set_cached_value(token, Usuario.from_db(
        DEFAULT_DB_ALIAS, _DEL_USUARIO, fila[a:b]))
    TokenIntegracion._meta.get_field("entidad").set_cached_value(token, Entidad.from_db(
        DEFAULT_DB_ALIAS, _DE_LA_ENTIDAD, fila[b:-1]))
    token.membresia_activa = fila[-1]
    return token


class TokenIntegracionAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <clave>`; el token fija la entidad y el rol con que actúa el cliente.

    Vale solo mientras la persona conserve una membresía activa con esa entidad y ese rol; con él,
    `Usuario.has_perm` no toma el atajo de superusuario (ver `att/models/usuarios.py`)."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = _token_con_usuario_y_entidad(TokenIntegracion.resumir(key))
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
