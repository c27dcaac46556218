import datetime
import time

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from att.consultas import ConsultaFija
from att.memoria import MemoriaAcotada
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


# La fila de cada token ya leída en este proceso, por (resumen, día, minuto y generaciones de las cuatro tablas
# que deciden si vale: el token, la persona, la entidad y las membresías). Cada alta, cambio o baja de esas
# tablas por el ORM (también `update()` en bloque: `att.models.avisos`) sube su generación en Redis
# (`att.api.lotes.vigilar`, antes de confirmar y al confirmar),
# así que revocar el token, desactivar a la persona o cerrar su membresía deja la fila guardada sin uso en la
# petición siguiente de cualquier worker; lo que no pasa por el ORM (un `UPDATE` a mano) deja de verse al
# cambiar el minuto. Sin Redis cada petición trae generaciones nuevas y lee la base (nunca una fila vieja).
# Solo filas de tokens que existen: una clave inventada no ocupa la memoria.
VIGILADOS = (TokenIntegracion, Usuario, Entidad, Membresia)
_FILAS_EN_PROCESO = MemoriaAcotada(512)
_VIDA_S = 60
_ULTIMO_USO = _DEL_TOKEN.index("ultimo_uso")


def olvidar_tokens_en_proceso() -> None:
    _FILAS_EN_PROCESO.vaciar()


def _fila_del_token(resumen: str, generaciones: list) -> tuple[tuple, tuple] | None:
    """La fila del token (columnas de `_TOKEN`) y la clave con que quedó en la memoria del proceso."""
    fecha = timezone.localdate()
    clave = (resumen, fecha, int(time.time() // _VIDA_S), *generaciones)
    fila = _FILAS_EN_PROCESO.get(clave)
    if fila is None:
        filas = _TOKEN.filas(resumen=resumen, fecha=fecha)
        if not filas:
            return None
        fila = _FILAS_EN_PROCESO.guardar(clave, tuple(filas[0]))
    return fila, clave


def _anotar_uso(clave: tuple, fila: tuple, ahora) -> None:
    """El último uso recién escrito también en la fila guardada (si no, cada petición lo escribiría de nuevo)."""
    if clave in _FILAS_EN_PROCESO:
        _FILAS_EN_PROCESO[clave] = (*fila[:_ULTIMO_USO], ahora, *fila[_ULTIMO_USO + 1:])


def _armar_token(fila: tuple) -> TokenIntegracion:
    """Lo mismo que `select_related("usuario", "entidad")` con la anotación: los tres modelos armados con
    `from_db` desde la fila (nuevos en cada petición: la persona se anota por petición), el usuario y la
    entidad ya puestos en el token."""
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
    _peticion = None

    def authenticate(self, request):
        # DRF crea los autenticadores en cada petición: guardar la petición aquí no la comparte con otra.
        self._peticion = request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        from att.api import lotes

        # Las generaciones del token y, en la misma lectura de Redis, las que la vista leería después
        # (`ListaPorLotes.generaciones_adelantadas`): una ida a Redis en vez de una consulta a PostgreSQL.
        vista = (getattr(self._peticion, "parser_context", None) or {}).get("view")
        extra = tuple(vista.generaciones_adelantadas()) if hasattr(vista, "generaciones_adelantadas") else ()
        leidas = lotes.generaciones((*VIGILADOS, *extra))
        if extra:
            vista.generaciones_leidas = dict(zip(extra, leidas[len(VIGILADOS):], strict=True))
        leida = _fila_del_token(TokenIntegracion.resumir(key), leidas[:len(VIGILADOS)])
        token = _armar_token(leida[0]) if leida is not None else None
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
            _anotar_uso(leida[1], leida[0], ahora)
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
