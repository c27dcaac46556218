"""Ingreso seguro (OWASP ASVS L2, V2 y V3): bloqueo por intentos fallidos y vida de la sesión.

Bloqueo (django-axes, configurado en settings con AXES_*):
- Se cuenta por la combinación (correo, IP): quien adivina claves desde una IP bloquea solo esa
  combinación, y la persona dueña de la cuenta sigue entrando desde su red. Así un tercero no
  puede dejar sin acceso a un funcionario con solo conocer su correo.
- Además hay un límite por correo, más holgado (AXES_FAILURE_LIMIT_USUARIO): frena el ataque
  repartido entre muchas IP contra una misma cuenta. Es el único caso en que un tercero puede
  bloquear la cuenta, y necesita muchas IP e intentos para lograrlo.
- Cada intento fallido y cada bloqueo quedan en la base (AccessFailureLog, con correo, IP, hora y
  si quedó bloqueado); los ingresos exitosos, en AccessLog. Los ve el administrador DNP en el admin.

Sesión: vida absoluta SESSION_COOKIE_AGE desde el ingreso y cierre por inactividad tras
ATT_SESION_INACTIVIDAD_S sin solicitudes (InactividadSesionMiddleware).
"""

import ipaddress
import time

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

SESION_INICIO = "att_sesion_inicio"
SESION_ULTIMA_ACTIVIDAD = "att_sesion_ultima_actividad"
# La marca de actividad se reescribe a lo sumo una vez por minuto (cada escritura guarda la sesión).
_GRANO_ACTIVIDAD_S = 60


# --- Bloqueo por intentos fallidos (django-axes) ------------------------------------------------

def usuario_intento(request, credentials) -> str | None:
    """Correo con que se intentó entrar, normalizado: el ingreso no distingue mayúsculas
    (Usuario.get_by_natural_key usa iexact), así que el conteo tampoco."""
    if credentials:
        valor = credentials.get("username")
    else:
        datos = getattr(request, "data", None) or request.POST
        valor = datos.get("username")
    if not valor:
        return None
    return str(valor).strip().lower()[:255]


def ip_cliente(request) -> str | None:
    """IP del cliente. Con ATT_PROXIES_CONFIABLES = n > 0 (proxies propios delante de gunicorn), se
    toma de X-Forwarded-For la dirección que anotó el proxy más externo de los nuestros; lo que
    el cliente ponga antes en esa cabecera no cuenta. Sin proxies, REMOTE_ADDR."""
    remota = request.META.get("REMOTE_ADDR")
    saltos = getattr(settings, "ATT_PROXIES_CONFIABLES", 0)
    if saltos > 0:
        cadena = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(cadena) >= saltos:
            candidata = cadena[-saltos]
            try:
                return str(ipaddress.ip_address(candidata))
            except ValueError:
                pass
    return remota


class ManejadorIntentos(AxesDatabaseHandler):
    """El manejador de base de datos de axes, con un segundo límite por correo (de cualquier IP)."""

    def get_failures(self, request, credentials=None) -> int:
        fallos = super().get_failures(request, credentials)
        limite_usuario = getattr(settings, "ATT_AXES_LIMITE_POR_USUARIO", 0)
        usuario = get_client_username(request, credentials)
        if limite_usuario <= 0 or not usuario:
            return fallos
        del_usuario = (
            AccessAttempt.objects.filter(username=usuario, attempt_time__gte=get_cool_off_threshold(request))
            .aggregate(total=Sum("failures_since_start"))["total"] or 0
        )
        if del_usuario >= limite_usuario:
            return max(fallos, get_failure_limit(request, credentials))
        return fallos


def mensaje_bloqueo() -> str:
    espera = get_cool_off(None)
    minutos = int(espera.total_seconds() // 60) if espera else 15
    return _("Demasiados intentos fallidos. Espere %(minutos)d minutos o restablezca su contraseña.") % {
        "minutos": minutos
    }


def respuesta_bloqueo(request, original_response=None, credentials=None):
    """La página de ingreso con el aviso de bloqueo y estado 429 (Too Many Requests)."""
    from att.forms import IngresoForm

    usuario = usuario_intento(request, credentials) or ""
    contexto = {
        "form": IngresoForm(request, initial={"username": usuario}),
        "mensaje_bloqueo": mensaje_bloqueo(),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "att/ingreso.html", contexto, status=settings.AXES_HTTP_RESPONSE_CODE)


# --- Vida de la sesión --------------------------------------------------------------------------

@receiver(user_logged_in, dispatch_uid="att_sesion_marca_ingreso")
def _marcar_ingreso(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        ahora = int(time.time())
        request.session[SESION_INICIO] = ahora
        request.session[SESION_ULTIMA_ACTIVIDAD] = ahora


def sin_envoltorios(usuario):
    """La persona de `request.user` sin sus objetos perezosos: el de Django (lee la sesión y la persona
    la primera vez) y, encima, el de django-otp (anota el dispositivo del segundo factor). Cada acceso a
    un atributo pasaba por los dos proxies (unos cien por página: plantillas, permisos, servicios).
    Evalúa lo que falte, como lo haría el primer acceso, con la persona de la sesión leída junto con sus
    membresías y alertas sin leer en una sola consulta (`att.models.usuarios.cargando_de_sesion`)."""
    from att.models.usuarios import cargando_de_sesion

    with cargando_de_sesion():
        while isinstance(usuario, LazyObject):
            if usuario._wrapped is empty:
                usuario._setup()
            usuario = usuario._wrapped
    return usuario


class InactividadSesionMiddleware:
    """Cierra la sesión tras ATT_SESION_INACTIVIDAD_S sin actividad o SESSION_COOKIE_AGE desde el
    ingreso (la expiración de Django se renueva con cada escritura de la sesión; esta no).

    La solicitud sigue como anónima: una página que exige ingreso lleva al formulario (con el
    aviso), y la API responde 401/403 como a cualquiera sin sesión.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        usuario = getattr(request, "user", None)
        if usuario is not None:
            # Aquí ya se evalúa siempre (`is_authenticated`): desde aquí, la persona sin sus envoltorios.
            usuario = request.user = sin_envoltorios(usuario)
            if usuario.is_authenticated and hasattr(request, "session"):
                self._revisar(request)
        return self.get_response(request)

    def _revisar(self, request):
        sesion = request.session
        ahora = int(time.time())
        inicio = sesion.get(SESION_INICIO)
        ultima = sesion.get(SESION_ULTIMA_ACTIVIDAD)
        if inicio is None or ultima is None:  # sesiones anteriores a esta regla
            sesion[SESION_INICIO] = inicio or ahora
            sesion[SESION_ULTIMA_ACTIVIDAD] = ahora
            return
        if ahora - inicio > settings.SESSION_COOKIE_AGE:
            self._cerrar(request, _("Su sesión expiró. Ingrese de nuevo."))
        elif ahora - ultima > settings.ATT_SESION_INACTIVIDAD_S:
            self._cerrar(request, _("Su sesión se cerró por inactividad."))
        elif ahora - ultima >= _GRANO_ACTIVIDAD_S:
            sesion[SESION_ULTIMA_ACTIVIDAD] = ahora

    @staticmethod
    def _cerrar(request, aviso):
        logout(request)
        if not request.path.startswith("/api/"):
            messages.info(request, aviso, fail_silently=True)
