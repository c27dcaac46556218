"""Límites de la plataforma: tiempos de espera de PostgreSQL y parámetros sin caracteres NUL.

- `opciones_libpq()` arma el `options` de libpq (jit, statement_timeout) que settings pone en
  DATABASES; el worker de Celery lo rehace con su propio límite, más largo, con
  `usar_limite_de_tareas()` (los informes e importaciones corren minutos, no segundos).
- `SinNulMiddleware` quita el carácter NUL de los parámetros GET y de los campos de formulario
  POST en un solo lugar: PostgreSQL no acepta NUL en un texto y respondía con un error 500.
"""

from __future__ import annotations

NUL = "\x00"


def opciones_libpq(*, jit: bool, statement_timeout_ms: int) -> str:
    """`-c jit=off -c statement_timeout=15000`: parámetros de sesión que libpq manda al conectar."""
    partes = []
    if not jit:
        partes.append("-c jit=off")
    partes.append(f"-c statement_timeout={int(statement_timeout_ms)}")
    return " ".join(partes)


def usar_limite_de_tareas() -> None:
    """Las conexiones de este proceso usan el límite de las tareas (DB_STATEMENT_TIMEOUT_TAREAS_MS).

    Se llama al arrancar el worker de Celery, antes de que los procesos hijos abran conexiones;
    las conexiones ya abiertas se cierran para que la próxima consulta use el nuevo límite, y el
    pool de conexiones (DB_POOL) se quita: en el worker cada tarea abre y cierra la suya.
    """
    from django.conf import settings
    from django.db import connections

    bd = settings.DATABASES["default"]
    bd.setdefault("OPTIONS", {})["options"] = opciones_libpq(
        jit=settings.ATT_DB_JIT, statement_timeout_ms=settings.ATT_DB_STATEMENT_TIMEOUT_TAREAS_MS,
    )
    # ConnectionHandler guarda su propia referencia al diccionario: se actualiza también.
    connections.settings["default"].setdefault("OPTIONS", {})["options"] = bd["OPTIONS"]["options"]
    connections.close_all()
    # Sin pool en el worker: Celery (prefork) cierra la conexión al terminar cada tarea y cerraría con
    # ella el pool entero (abrirlo por tarea cuesta más que una conexión). Cada proceso hijo usa a lo
    # sumo una conexión mientras corre una tarea: réplicas × (concurrencia + 1) en la cuenta de
    # docker-compose.yml. Un pool que este proceso ya hubiera abierto se cierra aquí, antes del fork.
    if bd["OPTIONS"].get("pool") or connections.settings["default"]["OPTIONS"].get("pool"):
        conexion = connections["default"]
        if conexion.alias in getattr(type(conexion), "_connection_pools", {}):
            conexion.close_pool()
        for ajustes in (bd, connections.settings["default"]):
            ajustes["OPTIONS"].pop("pool", None)
            ajustes["CONN_MAX_AGE"] = 0


def _limpiar(datos):
    """Copia sin NUL del QueryDict, o None si no había ninguno (el caso normal: no se copia nada)."""
    from django.http import QueryDict

    if not any(NUL in clave or any(NUL in v for v in valores if isinstance(v, str))
               for clave, valores in datos.lists()):
        return None
    limpia = QueryDict(mutable=True, encoding=datos.encoding)
    for clave, valores in datos.lists():
        limpia.setlist(clave.replace(NUL, ""),
                       [v.replace(NUL, "") if isinstance(v, str) else v for v in valores])
    limpia._mutable = False
    return limpia


FORMULARIOS = ("application/x-www-form-urlencoded", "multipart/form-data")


class SinNulMiddleware:
    """Quita NUL de request.GET siempre y de request.POST cuando es un formulario.

    El POST se lee en `process_view` (justo antes de la vista, que igual lo leería) y no antes,
    para no consumir el cuerpo de un multipart que otro middleware aún necesite.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limpio = _limpiar(request.GET)
        if limpio is not None:
            request.GET = limpio
        if any(NUL in v for v in request.COOKIES.values()):
            # Una cookie con NUL no es de esta plataforma: se ignora (la de sesión abriría una consulta
            # que PostgreSQL rechaza). Sin esa cookie, la petición sigue como anónima.
            request.COOKIES = {k: v for k, v in request.COOKIES.items() if NUL not in v}
            if hasattr(request, "session") and NUL in (request.session.session_key or ""):
                from django.conf import settings
                from django.utils.module_loading import import_string

                request.session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(None)
        return self.get_response(request)

    def process_view(self, request, vista, args, kwargs):
        if request.method == "POST" and request.content_type in FORMULARIOS:
            limpio = _limpiar(request.POST)
            if limpio is not None:
                request.POST = limpio



def _sin_nul(valor):
    """Copia de un cuerpo JSON ya leído sin NUL en ningún texto ni clave (lo usan los parsers de la API)."""
    if isinstance(valor, str):
        return valor.replace(NUL, "")
    if isinstance(valor, list):
        return [_sin_nul(v) for v in valor]
    if isinstance(valor, dict):
        return {_sin_nul(k): _sin_nul(v) for k, v in valor.items()}
    return valor
