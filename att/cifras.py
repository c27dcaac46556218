"""Cifras agregadas de la portada, del repositorio y del tablero nacional, guardadas en la caché
compartida con claves finas por área: lo que cambia en un área solo invalida las cifras de esa área.

Por qué una caché con versiones por área y no una tabla de contadores. Las cifras de la portada no son
sumas que se puedan llevar con +1/−1 desde los servicios: «ofertas publicadas» deja de contar una oferta
al pasar su fin de vigencia sin que nada se escriba; el mapa cruza la focalización de cada oferta con las
entidades; las facetas del repositorio se cuentan por tipo, tema y departamento con los demás filtros
aplicados. Un contador mantenido obligaría a que cada camino de escritura (servicios, API, admin,
importaciones, cambios masivos) calculara bien su delta, y un error se quedaría para siempre. Aquí basta
con saber QUÉ área cambió: la cifra se recalcula una vez, con la misma consulta que da la verdad, y
después se sirve de la caché hasta el siguiente cambio de su área.

- Áreas: cada app declara desde su `ready()` qué modelos forman un área (`registrar_area("oferta",
  Oferta)`). Guardar o borrar una fila, o cambiar sus relaciones de muchos a muchos, sube la versión del
  área ya y otra vez al confirmar la transacción (lo que alguien lea entre el cambio y la confirmación no
  queda guardado bajo la versión vigente). Las escrituras masivas que no emiten señales
  (importaciones, `bulk_update`) llaman `invalidar(area)` ellas mismas.
- Claves: `cifras:<nombre>:<parte>`, con el valor y su sello (las versiones de sus áreas, la fecha de hoy,
  el idioma y la versión del código): solo vale si el sello es el de ahora. La fecha hace que una cifra
  que depende del día (vigencias) se recalcule al cambiar el día sin que nada la invalide. La versión del
  código (`version_del_codigo`) hace que, tras un despliegue, no se sirva HTML pintado con las plantillas
  de antes (con enlaces a estáticos con otra huella que la imagen nueva ya no trae).
- Respaldo: cada cifra vence a los `SEGUNDOS` aunque nada la invalide (un UPDATE hecho a mano en SQL,
  una versión perdida mientras Redis no respondía).
- Una versión que no existe (Redis vacío o que la desalojó) nace con la hora en milisegundos, no con 1:
  nunca vuelve a un valor ya usado y no puede leer una cifra vieja guardada con él.
- Sin Redis (`att.cache.RedisTolerante` caído) todo es un fallo de caché: la cifra se calcula de la base
  de datos en cada visita, como antes, y la página sigue sirviendo.

Con `leer_varias` una página pide todas sus cifras en UNA ida a la caché (versiones y valores juntos), sin
importar cuántas sean; una cifra puede ser también un fragmento de HTML ya pintado (la portada).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

SEGUNDOS = 10 * 60
_FALTA = object()
_AREAS: dict[str, list[type]] = {}


@dataclass(frozen=True)
class Cifra:
    """Una cifra que pide una página: su nombre, de qué áreas depende y cómo se calcula."""

    nombre: str
    areas: tuple[str, ...]
    calcular: Callable[[], object]
    parte: str = ""  # lo que distingue dos cifras del mismo nombre (filtros, alcance)


def _clave_version(area: str) -> str:
    return f"cifras:version:{area}"


def _semilla() -> int:
    return int(time.time() * 1000)


def registrar_area(area: str, *modelos) -> None:
    """Guardar o borrar una fila de `modelos` (o cambiar sus muchos a muchos) invalida las cifras de `area`."""
    _AREAS.setdefault(area, [])
    for modelo in modelos:
        _AREAS[area].append(modelo)
        uid = f"att.cifras.{area}.{modelo._meta.label_lower}"
        receptor = partial(_al_cambiar, area)
        post_save.connect(receptor, sender=modelo, weak=False, dispatch_uid=f"{uid}.guardar")
        post_delete.connect(receptor, sender=modelo, weak=False, dispatch_uid=f"{uid}.borrar")
        for campo in modelo._meta.many_to_many:
            m2m_changed.connect(receptor, sender=campo.remote_field.through, weak=False,
                                dispatch_uid=f"{uid}.{campo.name}")


def areas() -> dict[str, list[type]]:
    return {area: list(modelos) for area, modelos in _AREAS.items()}


def _al_cambiar(area, **kwargs):
    if str(kwargs.get("action", "")).startswith("pre_"):
        return  # m2m_changed avisa antes y después: basta el después
    invalidar(area)


def _subir(areas_: Iterable[str]) -> None:
    for area in areas_:
        try:
            cache.incr(_clave_version(area))
        except ValueError:  # no existe (o Redis no responde: RedisTolerante lo trata igual)
            cache.set(_clave_version(area), _semilla(), None)


def invalidar(*areas_: str) -> None:
    """Las cifras de `areas_` se recalculan en la próxima visita: ya (quien lea en la misma transacción ve
    lo suyo) y otra vez al confirmar la transacción (lo que otro leyó entretanto, con los datos de antes,
    no queda guardado bajo la versión vigente). Lo de al confirmar, una sola vez por transacción y área."""
    areas_ = tuple(dict.fromkeys(areas_))
    _subir(areas_)
    conexion = transaction.get_connection()
    if not conexion.in_atomic_block:
        return
    pendientes = {a for _sids, funcion, *_r in conexion.run_on_commit for a in getattr(funcion, "areas_cifras", ())}
    nuevas = tuple(a for a in areas_ if a not in pendientes)
    if nuevas:
        al_confirmar = partial(_subir, nuevas)
        al_confirmar.areas_cifras = nuevas
        transaction.on_commit(al_confirmar)


def versiones(areas_: Iterable[str]) -> dict[str, int]:
    """La versión de cada área (una ida a la caché; las que faltan nacen con la hora)."""
    areas_ = list(dict.fromkeys(areas_))
    guardadas = cache.get_many([_clave_version(a) for a in areas_])
    resultado = {}
    for area in areas_:
        valor = guardadas.get(_clave_version(area))
        if valor is None:
            valor = _semilla()
            if not cache.add(_clave_version(area), valor, None):
                valor = cache.get(_clave_version(area)) or valor
        resultado[area] = valor
    return resultado


def _archivos_del_codigo():
    """Lo que pinta una cifra: los .py y .html de las apps de la plataforma (las de INSTALLED_APPS dentro del
    proyecto, sin sus migraciones, que no cambian el HTML) y de las carpetas de plantillas de TEMPLATES."""
    from django.apps import apps

    base = Path(settings.BASE_DIR)
    carpetas = [Path(app.path) for app in apps.get_app_configs()
                if Path(app.path).is_relative_to(base) and "site-packages" not in Path(app.path).parts]
    carpetas += [Path(d) for motor in settings.TEMPLATES for d in motor.get("DIRS", [])]
    for carpeta in sorted(set(carpetas)):
        for ruta in sorted(carpeta.rglob("*")):
            if ruta.suffix in {".py", ".html"} and "migrations" not in ruta.parts:
                yield ruta


@functools.cache
def version_del_codigo() -> str:
    """La versión del despliegue (`SENTRY_RELEASE`, ajuste `ATT_VERSION_DESPLIEGUE`) si está definida; si no,
    doce caracteres del resumen de los .py y .html de la plataforma (unos 500 archivos, ~15 ms una vez por
    proceso, en la primera cifra que lee) y del manifiesto de estáticos de `collectstatic` (un CSS cambiado
    cambia el nombre con huella que el HTML enlaza)."""
    if settings.ATT_VERSION_DESPLIEGUE:
        return settings.ATT_VERSION_DESPLIEGUE
    resumen = hashlib.sha256()
    for ruta in _archivos_del_codigo():
        resumen.update(str(ruta.relative_to(settings.BASE_DIR)).encode())
        resumen.update(ruta.read_bytes())
    manifiesto = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifiesto.is_file():
        resumen.update(manifiesto.read_bytes())
    return resumen.hexdigest()[:12]


def _sufijo() -> str:
    return f"{timezone.localdate():%Y%m%d}:{translation.get_language() or ''}:{version_del_codigo()}"


def _clave_valor(cifra: Cifra) -> str:
    return f"cifras:{cifra.nombre}:{cifra.parte}"


def _sello(cifra: Cifra, vers: dict[str, int], sufijo: str) -> str:
    return f"{'.'.join(str(vers[a]) for a in cifra.areas)}:{sufijo}"


def leer_varias(cifras: list[Cifra], segundos: int = SEGUNDOS) -> list:
    """Los valores de `cifras`, en el mismo orden: de la caché los que estén al día, calculados los demás.

    Una sola ida a la caché en caliente: las versiones de las áreas y los valores se piden juntos. Cada
    valor se guarda con su sello (las versiones de sus áreas con que se calculó, la fecha y el idioma) y
    solo vale si el sello es el de ahora; si dos procesos lo calculan a la vez y el más viejo escribe
    último, el siguiente lector ve el sello viejo y lo recalcula (nunca sirve una cifra vencida)."""
    areas_ = list(dict.fromkeys(a for c in cifras for a in c.areas))
    claves_version = [_clave_version(a) for a in areas_]
    guardados = cache.get_many(claves_version + [_clave_valor(c) for c in cifras])
    vers = {}
    for area, clave in zip(areas_, claves_version):
        valor = guardados.get(clave)
        if valor is None:  # área sin versión (Redis vacío o que la desalojó): nace con la hora
            valor = _semilla()
            if not cache.add(clave, valor, None):
                valor = cache.get(clave) or valor
        vers[area] = valor
    sufijo = _sufijo()
    valores, nuevos = [], {}
    for cifra in cifras:
        sello = _sello(cifra, vers, sufijo)
        guardado = guardados.get(_clave_valor(cifra))
        if isinstance(guardado, tuple) and len(guardado) == 2 and guardado[0] == sello:
            valor = guardado[1]
        else:
            valor = cifra.calcular()
            nuevos[_clave_valor(cifra)] = (sello, valor)
        valores.append(valor)
    if nuevos:
        cache.set_many(nuevos, segundos)
    return valores


def leer(nombre: str, areas_: tuple[str, ...], calcular: Callable[[], object], *, parte: str = "",
         segundos: int = SEGUNDOS):
    """Una cifra (ver `leer_varias`)."""
    return leer_varias([Cifra(nombre, tuple(areas_), calcular, parte)], segundos)[0]
