"""Los menús que se pintan en cada página, en Python: las áreas de la plataforma (`base.html`) y las
secciones del seguimiento (`seguimiento/base_seguimiento.html`).

En la plantilla, cada opción era un `{% url … as u %}`, un `{% if request.path == u %}` para marcar la
actual (`aria-current="page"`), un `{% translate %}` y a veces un `{% if perms… %}`: unos noventa nodos
entre los dos menús, un tercio de lo que pinta el tablero del DNP en cada visita (su cuerpo viene ya
pintado). Aquí es un bucle sobre una tabla, con las direcciones resueltas una vez por proceso
(`rapidas.direccion_recordada`, lo mismo que usa `{% url %}`) y los permisos que la persona ya tiene recordados
(`Usuario.has_perm`). El marcado es el mismo que escribía la plantilla.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from att.templatetags.rapidas import direccion_recordada

register = template.Library()

_ACTUAL = ' aria-current="page"'

# (prefijo de la ruta, texto): la opción queda marcada en cualquier página bajo ese prefijo.
_AREAS = (
    ("/oferta/", _("Oferta")),
    ("/demanda/", _("Demanda")),
    ("/agenda/", _("Agenda y planes")),
    ("/seguimiento/", _("Seguimiento")),
    ("/conocimiento/", _("Conocimiento")),
)

# (nombre de la ruta, argumentos, texto, permiso que exige o None). Marcada si la página es esa dirección;
# la de cortes, en cualquiera de sus cortes (por entidad, departamento…).
_SECCIONES_SEGUIMIENTO = (
    ("seguimiento:tablero", (), _("Tablero"), None),
    ("seguimiento:lineas", (), _("Líneas e hitos"), None),
    ("seguimiento:pendientes", (), _("Avances por validar"), "seguimiento.ver_tablero_dnp"),
    ("seguimiento:corte", ("entidad",), _("Avance por entidad y cortes"), None),
    ("seguimiento:asistencia", (), _("Asesorías y eventos"), None),
    ("seguimiento:indicadores", (), _("Indicadores"), None),
    ("seguimiento:percepcion", (), _("Percepción de calidad"), None),
    ("seguimiento:evaluaciones", (), _("Evaluaciones"), None),
    ("seguimiento:costo", (), _("Costo de la asistencia"), "seguimiento.ver_costo"),
    ("seguimiento:capacidades", (), _("Resultados en capacidades"), "seguimiento.ver_tablero_dnp"),
    ("seguimiento:mapas", (), _("Mapas"), "seguimiento.ver_tablero_dnp"),
    ("seguimiento:periodos", (), _("Cierre de periodos"), "seguimiento.ver_tablero_dnp"),
    ("seguimiento:informes", (), _("Informes"), None),
)


# Los permisos que deciden qué opciones se ven (`att.marco` los lleva en la clave del marco recordado).
PERMISOS_DE_LOS_MENUS = tuple(dict.fromkeys(p for *_resto, p in _SECCIONES_SEGUIMIENTO if p is not None))


def _opcion(direccion: str, texto, actual: bool) -> str:
    return f'<li><a href="{escape(direccion)}"{_ACTUAL if actual else ""}>{escape(str(texto))}</a></li>'


def _ruta(context) -> str:
    request = context.get("request")
    return request.path if request is not None else ""


@register.simple_tag(takes_context=True)
def navegacion_areas(context):
    """Los <li> del menú de áreas: Inicio, las cinco áreas y, con sesión, Rutas."""
    ruta = _ruta(context)
    inicio = direccion_recordada(context, "inicio")
    partes = [_opcion(inicio, _("Inicio"), ruta == inicio)]
    partes.extend(_opcion(prefijo, texto, ruta.startswith(prefijo)) for prefijo, texto in _AREAS)
    usuario = context.get("user")
    if usuario is not None and usuario.is_authenticated:
        partes.append(_opcion("/rutas/", _("Rutas"), ruta.startswith("/rutas/")))
    return SafeString("".join(partes))


@register.simple_tag(takes_context=True)
def secciones_seguimiento(context):
    """Los <li> del menú del seguimiento que la persona puede abrir."""
    ruta = _ruta(context)
    request = context.get("request")
    coincidencia = getattr(request, "resolver_match", None)
    en_cortes = coincidencia is not None and coincidencia.url_name == "corte"
    usuario = context.get("user")
    partes = []
    for nombre, args, texto, permiso in _SECCIONES_SEGUIMIENTO:
        if permiso is not None and not (usuario is not None and usuario.has_perm(permiso)):
            continue
        direccion = direccion_recordada(context, nombre, args)
        actual = en_cortes if nombre == "seguimiento:corte" else ruta == direccion
        partes.append(_opcion(direccion, texto, actual))
    return SafeString("".join(partes))
