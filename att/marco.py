"""El marco de una página con sesión (encabezado, menús, pie) pintado una vez por persona y proceso.

El tablero del DNP guarda su cuerpo ya pintado y comprimido (`att.cabeceras.Tramo`); en cada visita solo
se pinta el marco: `base.html` con el nombre de la persona, su entidad, sus alertas sin leer, los menús que
sus permisos abren y el formulario de salida. Pintarlo era la mitad del trabajo de Python de la visita, y
sale igual mientras no cambie nada de eso. `pintar` lo recuerda en este proceso bajo una clave que lleva
todo lo que el marco muestra de la solicitud (`_clave`), con el token CSRF fuera: se pinta con una marca
que en cada visita se cambia por el token de la solicitud (`get_token`, enmascarado de nuevo cada vez).

No se recuerda una página con mensajes pendientes (se muestran una vez y se consumen al pintarlos), ni
una solicitud sin persona. Los datos de la persona salen de la fila que ya se leyó al cargar la sesión
(`Usuario.objects.get`: una consulta con sus membresías y el conteo de alertas), así que una alerta nueva,
una membresía cerrada o un permiso quitado cambian la clave en la visita siguiente, en cualquier worker.
`tests/att/test_marco.py` compara lo recordado con la página pintada de nuevo en esos casos y lista lo que
pintan las plantillas del marco: quien agregue a `base.html` una variable o una etiqueta nueva la ve fallar y
decide si va en la clave (o si es de cada solicitud, como un nonce, y el marco no se puede recordar).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation

from att.context_processors import plataforma
from att.memoria import MemoriaAcotada
from att.templatetags.navegacion import PERMISOS_DE_LOS_MENUS

_MARCOS = MemoriaAcotada(1024)
_MARCA_CSRF = "att-csrf-" + secrets.token_hex(16)


def olvidar_marcos(**_kwargs) -> None:
    _MARCOS.vaciar()


# Un ajuste cambiado en una prueba (`override_settings`: STATIC_URL, ROOT_URLCONF, idiomas…) cambia lo que se pinta.
setting_changed.connect(olvidar_marcos, dispatch_uid="att.marco.olvidar_marcos")


def _clave(request, plantilla: str, contexto: dict):
    """Todo lo que el marco muestra de esta solicitud, o None si no se puede recordar."""
    usuario = getattr(request, "user", None)
    if settings.DEBUG or usuario is None or not usuario.is_authenticated:
        return None  # en desarrollo una plantilla editada se ve en la visita siguiente
    if get_messages(request):
        return None
    try:
        # Con el tipo: "<b>" y mark_safe("<b>") son iguales como textos y se pintan distinto.
        extra = tuple((clave, type(valor), valor) for clave, valor in sorted(contexto.items()))
        hash(extra)
    except TypeError:
        return None
    de_la_plataforma = tuple(sorted(plataforma(request).items()))
    return (
        # La ruta y no la consulta: el marco no muestra la consulta (los filtros van en el cuerpo), y con ella
        # cada `?agenda=…` distinto ocuparía otra entrada.
        plantilla, extra, request.path, translation.get_language(),
        usuario.pk, usuario.email, usuario.nombre, usuario.is_active, usuario.is_staff, usuario.is_superuser,
        de_la_plataforma, tuple(usuario.has_perm(p) for p in PERMISOS_DE_LOS_MENUS),
    )


def pintar(request, plantilla: str, contexto: dict) -> str:
    """`render_to_string(plantilla, contexto, request)`, recordado por proceso (ver arriba). `contexto`
    debe ser pequeño y de valores que se comparan (textos, números): es parte de la clave."""
    clave = _clave(request, plantilla, contexto)
    if clave is None:
        return render_to_string(plantilla, contexto, request)
    pagina = _MARCOS.get(clave)
    if pagina is None:
        pagina = _MARCOS.guardar(clave, render_to_string(plantilla, {**contexto, "csrf_token": _MARCA_CSRF}, request))
    if _MARCA_CSRF in pagina:
        pagina = pagina.replace(_MARCA_CSRF, get_token(request))
    return pagina
