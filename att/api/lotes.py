"""Serialización por lotes de las listas de la API, `?fields=` y ETag / `If-None-Match`.

DRF serializa una lista objeto por objeto y campo por campo: por cada fila arma el modelo, cada
relación muchos-a-muchos prefetchada arma sus modelos y cada campo pasa por `get_attribute` y
`to_representation`. Con las nueve relaciones de una oferta eso es 33 veces el tiempo de SQL de la
página. Aquí, como en los serializadores de Sentry (`get_attrs` para toda la página y luego
`serialize` por fila), el serializador DRF de siempre se **compila** una vez en un `Plan`:

- las columnas propias, las llaves foráneas, los campos a través de una foránea (`entidad.nombre`,
  un serializador anidado de la foránea) y los `get_X_display` se leen con `.values()` en la misma
  consulta de la página (sin modelos);
- cada lista muchos-a-muchos (ids o códigos) va como arreglo agregado en SQL en la misma consulta
  de la página (`ArraySubquery`), y cada lista anidada de hijos (foránea inversa) se trae con **una**
  consulta para todos los ids de la página; ambas en el orden del `Meta.ordering` del modelo
  destino (el mismo que daba el prefetch) y luego el id;
- cada fila se arma con dicts, aplicando el `to_representation` del mismo campo DRF al valor ya
  traído (mismas claves, tipos y orden que el serializador: el esquema OpenAPI no cambia).

Así una página cuesta 1 + (listas de hijos pedidas) consultas, sea de 10 o de 500 filas (la de
ofertas, una). Lo que el plan
no sabe leer de la base (un `SerializerMethodField`, una propiedad) lo declara la vista en
`lotes_calculados`; si falta, compilar el plan falla (mejor que un JSON distinto).

`?fields=a,b` pide solo esos campos (en el orden del serializador) y se salta sus consultas; un
nombre desconocido es un 400 con la lista de los válidos.

ETag: la huella de una lista se calcula de la página ya leída (una consulta) —ids y fecha de
modificación de cada fila (`lotes_huella`), la consulta entera (filtros, página o cursor, campos),
quién pide (usuario, y entidad y rol del token) y los enlaces— antes de traer relaciones y
serializar; con `If-None-Match` igual se responde 304 sin más consultas. Solo la usan las vistas
cuyo modelo cambia su fecha de modificación con cada cambio de lo que sirve (p. ej. la oferta: sus
servicios guardan las relaciones y `actualizar_busqueda` pone `actualizada`); las demás, y el
detalle, usan la huella del cuerpo ya serializado (nunca un 304 con datos cambiados; ahorra la red).
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Cast, Coalesce, Replace
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from att.consultas import EnArreglo
from att.memoria import MemoriaAcotada

PARAMETRO_CAMPOS = "fields"

PARAMETRO_ESQUEMA_CAMPOS = OpenApiParameter(
    PARAMETRO_CAMPOS, str, required=False,
    description="Solo estos campos de cada fila, separados por comas (p. ej. `id,nombre`), en el orden "
                "del recurso; un nombre desconocido es un 400 con la lista de los válidos.",
)


@dataclass(frozen=True)
class Calculado:
    """Un campo que no sale de una columna: `funcion(fila)` con las `columnas` (rutas de `.values()`)
    ya traídas en la fila; p. ej. `Calculado(("pk",), lambda f: f"/oferta/{f['pk']}/")`."""

    columnas: tuple[str, ...]
    funcion: Callable[[dict], object]


@dataclass
class _Paso:
    """Cómo se llena un campo de la salida: de una columna de la fila, de un lote o calculado."""

    nombre: str
    columnas: tuple[str, ...] = ()
    lote: _Lote | None = None
    armar: Callable = None  # (fila, lotes) -> valor
    vigilados: tuple = ()  # modelos (no la fila) cuyo cambio puede cambiar este campo
    anotaciones: dict = None  # {alias: expresión} que se agregan a la consulta de la página
    directa: str | None = None  # la columna de la fila va tal cual a la salida (sin llamar a `armar`)


@dataclass
class _Lote:
    """Una consulta para toda la página: {id de la fila: [valores]} en el orden del prefetch."""

    clave: str
    traer: Callable[[list], dict]
    vigilados: tuple = ()


def _orden_destino(modelo, prefijo: str) -> list[str]:
    """El `Meta.ordering` del modelo destino visto desde la tabla intermedia o hija (y el id para
    desempatar: el prefetch no lo fijaba, aquí queda estable)."""
    orden = []
    for o in modelo._meta.ordering or ():
        if not isinstance(o, str):
            raise ImproperlyConfigured(f"Orden no soportado en {modelo.__name__}: {o!r}")
        signo = "-" if o.startswith("-") else ""
        orden.append(f"{signo}{prefijo}{o.lstrip('-')}")
    orden.append(f"{prefijo}pk")
    return orden


def _igual_que_la_base(campo, modelo, atributos) -> bool:
    """¿El valor que da la base ya es el de la salida? Enteros, booleanos, JSON y lectura tal cual; y un
    CharField de DRF sobre una columna de texto (la base da str o None, que DRF deja igual)."""
    if type(campo) in (serializers.IntegerField, serializers.BooleanField, serializers.ReadOnlyField,
                       serializers.JSONField) and not getattr(campo, "binary", False):
        return True
    if type(campo) is not serializers.CharField:
        return False
    from django.db import models

    actual = modelo
    for attr in atributos[:-1]:
        actual = actual._meta.get_field(attr).related_model
    return isinstance(actual._meta.get_field(atributos[-1]), (models.CharField, models.TextField))


def _representar(campo) -> Callable:
    """`to_representation` del campo, con el nulo como lo deja DRF (sin llamar al campo)."""
    representar = campo.to_representation
    if isinstance(campo, (serializers.CharField, serializers.ChoiceField)) and not isinstance(
            campo, serializers.MultipleChoiceField):
        # CharField da str(valor) y la base ya da str; ChoiceField da el valor de la opción (el mismo
        # texto de la columna). Se evita la llamada en cada fila.
        if isinstance(campo, serializers.ChoiceField):
            opciones = campo.choice_strings_to_values
            return lambda v: v if v is None or v == "" else opciones.get(str(v), v)
        return lambda v: v if v is None or isinstance(v, str) else representar(v)
    if type(campo) in (serializers.IntegerField, serializers.BooleanField, serializers.ReadOnlyField,
                       serializers.JSONField) and not getattr(campo, "binary", False):
        return lambda v: v
    if _fecha_hora_iso(campo):
        from django.utils import timezone

        # Lo mismo que DateTimeField.to_representation con el formato ISO 8601 y la zona actual (sin pasar por
        # enforce_timezone ni leer los ajustes en cada valor): la base da fechas con zona.
        def fecha_hora(v):
            if not v or isinstance(v, str) or timezone.is_naive(v):
                return representar(v) if v else None
            texto = v.astimezone(timezone.get_current_timezone()).isoformat()
            return texto[:-6] + "Z" if texto.endswith("+00:00") else texto

        return fecha_hora
    return lambda v: None if v is None else representar(v)


def _fecha_hora_iso(campo) -> bool:
    from django.conf import settings
    from rest_framework.settings import ISO_8601, api_settings

    formato = getattr(campo, "format", api_settings.DATETIME_FORMAT)
    return (type(campo) is serializers.DateTimeField and settings.USE_TZ and not hasattr(campo, "timezone")
            and isinstance(formato, str) and formato.lower() == ISO_8601)


class Plan:
    """El serializador DRF compilado: columnas de la página, lotes por relación y pasos por campo."""

    def __init__(self, pasos: list[_Paso], todos: Iterable[str]):
        self.pasos = pasos
        self.validos = list(todos)
        self.vigilados = sorted({m for p in pasos for m in p.vigilados}, key=lambda m: m._meta.label_lower)

    @classmethod
    def de_serializador(cls, serializador_cls, calculados: dict[str, Calculado] | None = None) -> Plan:
        serializador = serializador_cls(context={})
        modelo = serializador.Meta.model
        calculados = calculados or {}
        pasos = []
        for nombre, campo in serializador.fields.items():
            if campo.write_only:
                continue
            pasos.append(_compilar(modelo, nombre, campo, calculados.get(nombre), prefijo=""))
        return cls(pasos, [p.nombre for p in pasos])

    def con_campos(self, pedidos: list[str] | None) -> Plan:
        if pedidos is None:
            return self
        desconocidos = [n for n in pedidos if n not in self.validos]
        if desconocidos or not pedidos:
            raise ValidationError({PARAMETRO_CAMPOS: [
                _("Campos desconocidos: %(malos)s. Use algunos de: %(validos)s.") % {
                    "malos": ", ".join(desconocidos) or "—", "validos": ", ".join(self.validos)}]})
        quedan = set(pedidos)
        plan = Plan([p for p in self.pasos if p.nombre in quedan], self.validos)
        plan.vigilados = self.vigilados
        return plan

    @property
    def anotaciones(self) -> dict:
        return {a: e for p in self.pasos for a, e in (p.anotaciones or {}).items()}

    @property
    def columnas(self) -> list[str]:
        vistas = {"pk": None}
        for paso in self.pasos:
            for c in paso.columnas:
                vistas.setdefault(c, None)
        return list(vistas)

    def serializar(self, filas: list[dict], *, con_arreglos: bool = True) -> list[dict]:
        ids = [f["pk"] for f in filas]
        lotes = {}
        for paso in self.pasos:
            if con_arreglos and paso.anotaciones:
                continue
            if paso.lote is not None and paso.lote.clave not in lotes:
                lotes[paso.lote.clave] = paso.lote.traer(ids) if ids else {}
        pasos = [(p.nombre, p.directa, p.armar) for p in self.pasos]
        return [{nombre: fila[directa] if directa is not None else armar(fila, lotes)
                 for nombre, directa, armar in pasos} for fila in filas]


def _columna(modelo, atributos: list[str], nombre: str):
    """La ruta de `.values()` de un atributo (siguiendo foráneas) y el campo de modelo final; para
    `get_X_display`, la columna X y un traductor a la etiqueta."""
    ruta, actual, recorridos = [], modelo, []
    for i, attr in enumerate(atributos):
        ultimo = i == len(atributos) - 1
        if ultimo and attr.startswith("get_") and attr.endswith("_display"):
            campo = actual._meta.get_field(attr[4:-8])
            etiquetas = {valor: str(etiqueta) for valor, etiqueta in campo.flatchoices}
            return "__".join([*ruta, campo.name]), (lambda v, e=etiquetas: e.get(v, v)), tuple(recorridos)
        try:
            campo = actual._meta.get_field(attr)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(
                f"{modelo.__name__}.{'.'.join(atributos)} ({nombre}) no es una columna: declárelo en "
                "lotes_calculados.") from None
        if ultimo:
            if campo.many_to_many or campo.one_to_many:
                raise ImproperlyConfigured(f"{nombre}: relación múltiple sin campo de relación")
            return "__".join([*ruta, campo.name]), None, tuple(recorridos)
        if not (campo.many_to_one or campo.one_to_one) or campo.auto_created and not campo.concrete:
            raise ImproperlyConfigured(f"{nombre}: solo se siguen foráneas directas ({attr})")
        ruta.append(campo.name)
        actual = campo.related_model
        recorridos.append(actual)
    raise ImproperlyConfigured(f"{nombre}: sin atributos")


def _compilar(modelo, nombre: str, campo, calculado: Calculado | None, prefijo: str) -> _Paso:
    if calculado is not None:
        cols = tuple(prefijo + c for c in calculado.columnas)
        claves = tuple(zip(calculado.columnas, cols, strict=True))
        return _Paso(nombre, cols, armar=lambda fila, lotes: calculado.funcion({c: fila[k] for c, k in claves}))
    if campo.source == "*" or isinstance(campo, serializers.SerializerMethodField):
        raise ImproperlyConfigured(f"{modelo.__name__}.{nombre}: declárelo en lotes_calculados.")
    atributos = campo.source_attrs

    if isinstance(campo, serializers.ManyRelatedField):
        if prefijo:
            raise ImproperlyConfigured(f"{nombre}: relación múltiple anidada")
        # Arreglo en la consulta de la página; con DISTINCT (PostgreSQL calcularía los arreglos de
        # todas las filas antes de quitar repetidas), una consulta aparte para los ids de la página.
        alias, expresion, vigilados = _arreglo_m2m(modelo, campo)
        lote = _lote_m2m(modelo, campo)

        def armar_m2m(fila, lotes):
            if alias in fila:
                return fila[alias]
            return lotes[lote.clave].get(fila["pk"], [])

        return _Paso(nombre, (), lote, anotaciones={alias: expresion}, armar=armar_m2m, vigilados=vigilados)

    if isinstance(campo, serializers.ListSerializer):
        if prefijo:
            raise ImproperlyConfigured(f"{nombre}: lista anidada dentro de otra")
        lote = _lote_hijos(modelo, campo)
        return _Paso(nombre, (), lote, armar=lambda fila, lotes, c=lote.clave: lotes[c].get(fila["pk"], []),
                     vigilados=lote.vigilados)

    if isinstance(campo, serializers.BaseSerializer):
        # Serializador anidado de una foránea: sus columnas con el prefijo de la foránea.
        if len(atributos) != 1:
            raise ImproperlyConfigured(f"{nombre}: anidado por una ruta")
        fk = modelo._meta.get_field(atributos[0])
        if not fk.many_to_one:
            raise ImproperlyConfigured(f"{nombre}: anidado sin foránea")
        sub = f"{prefijo}{fk.name}__"
        hijos = [_compilar(fk.related_model, n, c, None, sub) for n, c in campo.fields.items() if not c.write_only]
        presente = f"{sub}pk"
        cols = (presente, *[c for h in hijos for c in h.columnas])
        pasos = [(h.nombre, h.armar) for h in hijos]

        def armar_anidado(fila, lotes):
            if fila[presente] is None:
                return None
            return {n: a(fila, lotes) for n, a in pasos}

        return _Paso(nombre, cols, armar=armar_anidado,
                     vigilados=(fk.related_model, *[m for h in hijos for m in h.vigilados]))

    if isinstance(campo, serializers.RelatedField):
        ruta, _e, recorridos = _columna(modelo, atributos, nombre)
        if isinstance(campo, serializers.SlugRelatedField):
            ruta = f"{ruta}__{campo.slug_field}"
            recorridos = (*recorridos, modelo._meta.get_field(atributos[-1]).related_model) if len(
                atributos) == 1 else recorridos
        elif not isinstance(campo, serializers.PrimaryKeyRelatedField) or campo.pk_field is not None:
            raise ImproperlyConfigured(f"{nombre}: campo de relación {type(campo).__name__} no soportado")
        col = prefijo + ruta
        return _Paso(nombre, (col,), armar=lambda fila, lotes: fila[col], vigilados=recorridos, directa=col)

    ruta, traducir, recorridos = _columna(modelo, atributos, nombre)
    col = prefijo + ruta
    representar = _representar(campo)
    if traducir is None and _igual_que_la_base(campo, modelo, atributos):
        return _Paso(nombre, (col,), armar=lambda fila, lotes: fila[col], vigilados=recorridos, directa=col)
    if traducir is not None:
        return _Paso(nombre, (col,), armar=lambda fila, lotes: representar(traducir(fila[col])),
                     vigilados=recorridos)
    return _Paso(nombre, (col,), armar=lambda fila, lotes: representar(fila[col]), vigilados=recorridos)


def _m2m_del_campo(modelo, campo):
    """Lo común de una lista muchos-a-muchos del serializador: la intermedia, sus dos columnas, el valor
    que se sirve (el código del destino o su id), su orden y las tablas cuyo cambio debe cambiar el ETag
    (los ids no cambian al editar el destino; el código sí; la intermedia, siempre)."""
    hijo = campo.child_relation
    relacion = modelo._meta.get_field(campo.source)
    if not relacion.many_to_many or not relacion.concrete:
        raise ImproperlyConfigured(f"{campo.field_name}: solo muchos-a-muchos directos")
    intermedia = relacion.remote_field.through
    origen, destino = relacion.m2m_field_name(), relacion.m2m_reverse_field_name()
    if isinstance(hijo, serializers.SlugRelatedField):
        valor = f"{destino}__{hijo.slug_field}"
        vigilados = (intermedia, relacion.related_model)
    elif isinstance(hijo, serializers.PrimaryKeyRelatedField) and hijo.pk_field is None:
        valor = f"{destino}_id"
        vigilados = (intermedia,)
    else:
        raise ImproperlyConfigured(f"{campo.field_name}: relación {type(hijo).__name__} no soportada")
    orden = _orden_destino(relacion.related_model, f"{destino}__")
    return intermedia, origen, valor, orden, vigilados


def _arreglo_m2m(modelo, campo):
    """Una lista muchos-a-muchos como arreglo agregado en la misma consulta de la página
    (`ARRAY(SELECT … FROM intermedia WHERE oferta_id = fila.id ORDER BY …)`): PostgreSQL la calcula
    solo para las filas de la página, con el índice de la intermedia, sin otra ida y vuelta."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db import connection
    from django.db.models.expressions import RawSQL

    intermedia, origen, valor, orden, vigilados = _m2m_del_campo(modelo, campo)
    # Compilada una vez (aquí, al armar el plan) y pegada como SQL: con `ArraySubquery(OuterRef)` Django
    # resolvía y compilaba las nueve subconsultas de una oferta en cada página (un tercio del tiempo en
    # Python de la lista). La fila externa es la tabla base de la consulta, que Django nombra como la tabla.
    qn = connection.ops.quote_name
    externa = RawSQL(f"{qn(modelo._meta.db_table)}.{qn(modelo._meta.pk.column)}", ())
    subconsulta = intermedia._default_manager.filter(**{f"{origen}_id": externa}).order_by(*orden).values(valor)
    sql, params = subconsulta.query.sql_with_params()
    tipo = ArraySubquery(subconsulta).output_field  # arreglo del tipo de la columna elegida
    return f"_lotes_{campo.source}", RawSQL(f"ARRAY({sql})", params, output_field=tipo), vigilados


def _lote_m2m(modelo, campo) -> _Lote:
    intermedia, origen, valor, orden, vigilados = _m2m_del_campo(modelo, campo)

    def traer(ids):
        por_fila = defaultdict(list)
        filas = (intermedia._default_manager.filter(**{f"{origen}_id__in": ids})
                 .order_by(*orden).values_list(f"{origen}_id", valor))
        for fila_id, v in filas:
            por_fila[fila_id].append(v)
        return por_fila

    return _Lote(f"m2m:{campo.source}", traer, vigilados)


def _lote_hijos(modelo, campo) -> _Lote:
    hijo = campo.child
    relacion = modelo._meta.get_field(campo.source)
    if not relacion.one_to_many:
        raise ImproperlyConfigured(f"{campo.field_name}: solo listas de hijos por foránea inversa")
    modelo_hijo = relacion.related_model
    fk = relacion.field.attname
    pasos = [_compilar(modelo_hijo, n, c, None, "") for n, c in hijo.fields.items() if not c.write_only]
    columnas = list(dict.fromkeys(c for p in pasos for c in p.columnas))
    armados = [(p.nombre, p.armar) for p in pasos]
    orden = _orden_destino(modelo_hijo, "")

    def traer(ids):
        por_fila = defaultdict(list)
        filas = (modelo_hijo._default_manager.filter(**{f"{fk}__in": ids}).order_by(*orden)
                 .values(fk, *columnas))
        for f in filas:
            por_fila[f[fk]].append({n: a(f, None) for n, a in armados})
        return por_fila

    return _Lote(f"hijos:{campo.source}", traer, (modelo_hijo, *[m for p in pasos for m in p.vigilados]))


# --- Generaciones de lo relacionado ------------------------------------------------------------------
# La huella por fila cubre la fila (y la foránea anidada con su fecha); lo demás que la lista lee —las
# tablas intermedias, los catálogos por código, los hijos— tiene en la caché (Redis, compartida por
# los workers) un número de generación que sube con cada alta, cambio o baja de esa tabla (antes de
# confirmar y otra vez al confirmar: ninguna petición ve datos nuevos con la generación vieja). La
# huella lleva esas generaciones: una sola lectura de la caché por petición.
_PREFIJO_GENERACION = "att:api:lotes:gen:"
_vigilados: set = set()


def _clave_generacion(modelo) -> str:
    return _PREFIJO_GENERACION + modelo._meta.label_lower


def _subir_generacion(modelo) -> None:
    from django.core.cache import cache

    clave = _clave_generacion(modelo)
    try:
        cache.incr(clave)
    except ValueError:  # aún no existe, la caché se vació o no responde (RedisTolerante)
        if not cache.add(clave, _generacion_nueva(), timeout=None):
            try:
                cache.incr(clave)
            except ValueError:  # caché caída: nada que subir; `generaciones` no da un valor repetible
                pass


def _generacion_nueva() -> int:
    """Una generación que nace (o renace tras vaciarse la caché) con la hora en nanosegundos: nunca
    vuelve a un valor ya servido en un ETag, que daría un 304 con datos cambiados."""
    return time.time_ns()


def _al_cambiar(sender, **kwargs):
    from django.db import transaction

    _subir_generacion(sender)
    transaction.on_commit(lambda: _subir_generacion(sender))


def vigilar(modelos: Iterable) -> None:
    """Conecta las señales que suben la generación de cada modelo (una vez por modelo)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from att.models.avisos import actualizado_en_bloque

    for modelo in modelos:
        if modelo in _vigilados:
            continue
        uid = f"att.api.lotes:{modelo._meta.label_lower}"
        post_save.connect(_al_cambiar, sender=modelo, weak=False, dispatch_uid=uid)
        post_delete.connect(_al_cambiar, sender=modelo, weak=False, dispatch_uid=uid)
        # `update()` y `bulk_update()` de los modelos con `att.models.avisos.QuerySetQueAvisa`.
        actualizado_en_bloque.connect(_al_cambiar, sender=modelo, weak=False, dispatch_uid=uid)
        if modelo._meta.auto_created:  # intermedia: `.add()`, `.set()`, `.clear()` no pasan por save()
            m2m_changed.connect(_al_cambiar, sender=modelo, weak=False, dispatch_uid=uid)
        _vigilados.add(modelo)


def generaciones(modelos: Iterable) -> list:
    from django.core.cache import cache

    claves = [_clave_generacion(m) for m in modelos]
    if not claves:
        return []
    leidas = cache.get_many(claves)
    faltan = {c: _generacion_nueva() for c in claves if c not in leidas}
    if faltan:
        # Nacen con la hora; si la caché no responde, cada petición da otra huella (nunca un 304 viejo).
        for clave, valor in faltan.items():
            if not cache.add(clave, valor, timeout=None):
                valor = cache.get(clave, valor)
            leidas[clave] = valor
    return [leidas[c] for c in claves]


def vigilar_vistas(*clases) -> None:
    """Desde el ready() de cada app con listas por lotes (oferta, demanda, agenda, seguimiento), en todo
    proceso (web, Celery, comandos) y no solo en el que sirve la lista: compila el plan de cada vista
    (falla al arrancar si el serializador no se puede) y vigila sus tablas relacionadas."""
    for clase in clases:
        vista = clase()
        vista.action, vista.request, vista.format_kwarg, vista.kwargs = "list", None, None, {}
        vista.plan_lotes()


# --- Vistas -------------------------------------------------------------------------------------
def campos_pedidos(request) -> list[str] | None:
    crudo = request.query_params.get(PARAMETRO_CAMPOS)
    if crudo is None:
        return None
    return [c.strip() for c in crudo.split(",") if c.strip()]


def _alcance(request) -> list:
    """Quién pide, en lo que cambia lo que ve: usuario y, con token, su entidad y su rol."""
    usuario = request.user
    token = getattr(request, "auth", None)
    return [getattr(usuario, "pk", None), getattr(token, "entidad_id", None), getattr(token, "rol", None)]


def _etiqueta(*partes) -> str:
    crudo = json.dumps(partes, cls=JSONEncoder, separators=(",", ":"), default=str).encode()
    return f'"{hashlib.blake2b(crudo, digest_size=16).hexdigest()}"'


def _coincide(request, etag: str) -> bool:
    pedidas = request.headers.get("If-None-Match")
    if not pedidas:
        return False
    if pedidas.strip() == "*":
        return True
    # Comparación débil (RFC 9110): GZipMiddleware marca la etiqueta como W/ al comprimir.
    return etag in {p.strip().removeprefix("W/") for p in pedidas.split(",")}


def _no_modificado(etag: str) -> Response:
    return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})


def _con_etag(request, respuesta: Response, etag: str) -> Response:
    respuesta["ETag"] = etag
    patch_vary_headers(respuesta, ("Authorization", "Cookie"))
    return respuesta


# El `.values()` de ids y huellas de cada base fija (ver `PaginaPreparada.de_forma`): varias formas (columnas
# pedidas con `?fields=`) por base; se vacía también cuando se vacían las bases, para no retener las viejas.
_VALORES_DE_BASE = MemoriaAcotada(256)
# Las bases de lista sin filtros ya armadas, por (vista, clave_lista_fija) en este proceso; nunca se
# evalúan (cada petición usa una copia), así que no guardan filas. Unas pocas (p. ej. una por día).
_BASES_DE_LISTA = MemoriaAcotada(64, al_vaciar=lambda: _VALORES_DE_BASE.vaciar())
_PAGINAS_PREPARADAS = MemoriaAcotada(256)
_TESTIGO_POSICION = -1_876_543_219  # un id que no existe (dentro del rango de un entero): dónde va la posición


class PaginaPreparada:
    """La página de ids y huellas de una base fija (`_base_de_lista`), para el paginador por cursor de DRF.

    El paginador pide `order_by(orden)`, a veces `filter(pk__lt=posición)` y una rebanada; Django armaba y
    compilaba esa consulta en cada petición (~1 ms). Aquí se anota lo pedido y, por cada forma (base,
    orden, si hay posición, rebanada), el SQL se compila una vez (`att.consultas.ConsultaFija`, con la
    posición como testigo); cada página solo lo ejecuta. El paginador sigue armando cursores y enlaces.
    Solo la posición sobre la clave primaria (el orden por defecto, `-pk`); cualquier otra cosa pasa
    al QuerySet de siempre."""

    def __init__(self, valores, clave, orden=(), posicion=None):
        self.valores, self.clave, self.orden, self.posicion = valores, clave, orden, posicion
        self.model = valores.model

    @classmethod
    def de_forma(cls, forma, armar) -> PaginaPreparada:
        """La de una forma (base fija, columnas, anotaciones). `armar()` da su `.values()` solo la primera
        vez: anotar la huella y elegir las columnas costaba ~0,4 ms por página. El guardado nunca se
        evalúa (cada página trabaja sobre copias: `order_by`, `filter`)."""
        valores = _VALORES_DE_BASE.get(forma)
        if valores is None:
            valores = _VALORES_DE_BASE.guardar(forma, armar())
        return cls(valores, forma)

    def order_by(self, *campos):
        return PaginaPreparada(self.valores, self.clave, campos, self.posicion)

    def filter(self, **condiciones):
        if self.posicion is not None or len(condiciones) != 1:
            raise TypeError("PaginaPreparada: una sola condición, la posición del cursor.")
        return PaginaPreparada(self.valores, self.clave, self.orden, next(iter(condiciones.items())))

    def _real(self):
        qs = self.valores.order_by(*self.orden)
        return qs.filter(**dict([self.posicion])) if self.posicion else qs

    def __getitem__(self, rebanada):
        if not isinstance(rebanada, slice) or rebanada.step is not None:
            return self._real()[rebanada]
        filtro = self.posicion[0] if self.posicion else None
        if filtro is not None and filtro not in ("pk__lt", "pk__gt"):
            return list(self._real()[rebanada])
        forma = (self.clave, self.orden, filtro, rebanada.start, rebanada.stop)
        preparada = _PAGINAS_PREPARADAS.get(forma)
        if preparada is None:
            preparada = _PAGINAS_PREPARADAS.guardar(forma, self._preparar(filtro, rebanada))
        consulta, nombres = preparada
        valores = {}
        if filtro is not None:
            # Lo mismo que haría el ORM con el texto del cursor (un texto que no es número, el mismo error).
            valores["posicion"] = self.model._meta.pk.get_prep_value(self.posicion[1])
        return [dict(zip(nombres, fila, strict=True)) for fila in consulta.filas(self.valores.db, **valores)]

    def _preparar(self, filtro, rebanada):
        from att.consultas import ConsultaFija

        def armar(**testigo):
            qs = self.valores.order_by(*self.orden)
            if filtro is not None:
                qs = qs.filter(**{filtro: testigo["posicion"]})
            return qs[rebanada]

        testigos = {"posicion": _TESTIGO_POSICION} if filtro is not None else {}
        consulta = armar(**testigos).query
        nombres = [*consulta.extra_select, *consulta.values_select, *consulta.annotation_select]
        return ConsultaFija(armar, literales=True, **testigos), nombres


_PREFIJO_FILA = "att:api:lotes:fila:"
_VIDA_FILA = 6 * 3600  # una fila que nadie pide se va sola; una que cambia, cambia de clave
_FIN_SOBRE = b'"results":[]}'


# Las filas ya renderizadas que este proceso sirvió o leyó de Redis, por la misma clave: la clave lleva la
# huella de la fila y las generaciones de lo relacionado (lo que un cambio en cualquier proceso mueve), así
# que una copia local nunca sirve una fila vieja; solo se ahorra la ida a Redis y deshacer el pickle (~20 %
# de una página de 50 ofertas). Acotada: unas 4.000 filas (~7 MB con las de ofertas, las más anchas); al
# llenarse se vacía entera, como las demás memorias de este módulo.
_FILAS_EN_PROCESO = MemoriaAcotada(4000)


def olvidar_filas_en_proceso() -> None:
    """Vacía la copia local (las pruebas que miden la lista con la caché de filas vacía)."""
    _FILAS_EN_PROCESO.vaciar()


class RespuestaPrerenderizada(HttpResponse):
    """El JSON de una lista armado fila por fila (ya en bytes). `data` lo decodifica solo si alguien
    lo pide (las pruebas, como con la `Response` de DRF); servirla no lo necesita."""

    @property
    def data(self):
        return json.loads(self.content)


def _renderizador_por_filas(request):
    """El renderizador JSON de DRF negociado para la petición, si su salida se puede armar por partes
    (compacta y sin sangría); si no (HTML navegable, `indent=`), None: se serializa la página entera."""
    renderizador = getattr(request, "accepted_renderer", None)
    if type(renderizador) is not JSONRenderer or not renderizador.compact:
        return None
    if renderizador.get_indent(getattr(request, "accepted_media_type", "") or "", {}) is not None:
        return None
    return renderizador


def _tipo_de_contenido(renderizador) -> str:
    charset = renderizador.charset
    return f"{renderizador.media_type}; charset={charset}" if charset else renderizador.media_type


@functools.cache
def _huella_como_texto(columnas: tuple[str, ...] | None) -> Mapping:
    """La huella de la fila en **una** columna de texto calculada por PostgreSQL (`_huella`): cada columna
    leída como texto (`::text`, nula como vacía), unidas con `|` y sin espacios (la `T` de ISO en las
    fechas: va tal cual en las claves de la caché, válidas en todo backend). La huella solo se compara y
    entra en claves y ETags, así que no hace falta convertir cada fecha a `datetime` al leerla ni de
    vuelta a texto al usarla, ni unir las partes en Python fila por fila (unas cien por página). Una vez
    por vista y proceso, de solo lectura: armar las expresiones en cada petición se veía en el perfil de
    la lista; el ORM copia cada expresión al usarla, así que compartirlas no las cambia. Vacía (`{}`) si
    la vista no tiene huella por fila."""
    if not columnas:
        return MappingProxyType({})
    vacio = Value("", output_field=TextField())
    unidas = _UnidasConBarra(*[Coalesce(Cast(c, TextField()), vacio) for c in columnas])
    return MappingProxyType({_HUELLA: Replace(unidas, Value(" "), Value("T"), output_field=TextField())})


class _UnidasConBarra(Func):
    """`CONCAT_WS('|', a, b…)`: los textos unidos con `|` (cada uno ya sin nulos, con `COALESCE`)."""

    function = "CONCAT_WS"
    template = "%(function)s('|', %(expressions)s)"
    output_field = TextField()


_HUELLA = "_huella"


class ListaPorLotes:
    """Mezcla para un ViewSet de DRF: la lista se sirve con el `Plan` de su serializador (mismo
    JSON), con `?fields=` y ETag; el detalle, con `?fields=` y ETag del cuerpo.

    - `lotes_calculados`: {campo: Calculado} para lo que no es columna;
    - `lotes_huella`: columnas de `.values()` con la fecha de modificación de la fila (y de las
      foráneas que se sirven anidadas) si cubren **todo** cambio de lo servido; `None` (por defecto):
      la huella es el cuerpo serializado.
    """

    lotes_calculados: dict[str, Calculado] = {}
    lotes_huella: tuple[str, ...] | None = None
    # Las pruebas lo apagan para comparar con la serialización de DRF objeto por objeto.
    lotes_activos = True
    _planes: dict = {}
    _clave_de_base = None  # la de `_base_de_lista` en esta petición, si la base es fija
    # {modelo: generación} ya leídas en esta petición junto con las del token (att/api/autenticacion.py).
    generaciones_leidas: dict | None = None

    def lotes_serializador(self):
        """El serializador de la lista (el de `get_serializer_class` con la acción `list`)."""
        return self.get_serializer_class()

    def plan_lotes(self) -> Plan:
        clase = self.lotes_serializador()
        clave = (type(self), clase)
        plan = ListaPorLotes._planes.get(clave)
        if plan is None:
            plan = ListaPorLotes._planes[clave] = Plan.de_serializador(clase, self.lotes_calculados)
            if self.lotes_huella is not None:  # solo la huella por fila lee las generaciones
                vigilar(plan.vigilados)
        return plan

    def generaciones_adelantadas(self) -> tuple:
        """Los modelos cuyas generaciones leerá la lista (las de su huella): quien lee otras antes en la
        misma petición (el token) las trae en la misma ida a Redis y las deja en `generaciones_leidas`.
        Leerlas antes que la página es tan seguro como después: cada cambio sube la generación antes de
        confirmar y otra vez al confirmar."""
        if self.action != "list" or not self.lotes_activos or self.lotes_huella is None:
            return ()
        return tuple(self.plan_lotes().vigilados)

    def _generaciones(self, modelos) -> list:
        leidas = self.generaciones_leidas
        if leidas is not None and all(m in leidas for m in modelos):
            return [leidas[m] for m in modelos]
        return generaciones(modelos)

    def clave_lista_fija(self, request) -> Hashable | None:
        """Una clave tal que toda petición de la lista **sin filtros** con esa clave arma el mismo
        `filter_queryset(get_queryset())` (mismas condiciones y mismos parámetros: quien pide solo
        cuenta por lo que cambia en la consulta, y la fecha si la consulta la lleva). La vista que la da
        se ahorra armar ese QuerySet en cada petición (ver `_base_de_lista`). None: se arma cada vez."""
        return None

    def _base_de_lista(self, request):
        """`filter_queryset(get_queryset())` sin prefetch. Si la petición no trae más que cursor, tamaño
        y campos (nada que filtre ni ordene) y la vista da `clave_lista_fija`, se arma una vez por clave
        y proceso: armar la de ofertas (visibilidad, filtros vacíos) costaba ~1 ms de cada página de un
        integrador que recorre la lista. Cada petición recibe la guardada misma, sin copiarla (`.all()`
        copiaba su `Query` entera, ~0,05 ms): `list` nunca la evalúa ni la cambia, solo lee de ella y
        deriva otras (`values`, `order_by`, `filter` dan copias), así que los hilos la comparten sin
        riesgo y nunca guarda filas."""
        paginador = self.paginator
        libres = {PARAMETRO_CAMPOS, getattr(paginador, "cursor_query_param", None),
                  getattr(paginador, "page_size_query_param", None)}
        clave = self.clave_lista_fija(request) if libres.issuperset(request.query_params) else None
        self._clave_de_base = None
        if clave is None:
            return self.filter_queryset(self.get_queryset()).prefetch_related(None)
        clave = (type(self), clave)
        base = _BASES_DE_LISTA.get(clave)
        if base is None:
            base = _BASES_DE_LISTA.guardar(clave, self.filter_queryset(self.get_queryset()).prefetch_related(None))
        self._clave_de_base = clave
        return base

    def list(self, request, *args, **kwargs):
        if not self.lotes_activos:
            return super().list(request, *args, **kwargs)
        plan = self.plan_lotes().con_campos(campos_pedidos(request))
        qs = self._base_de_lista(request)
        orden = getattr(self.paginator, "get_ordering", None)
        columnas_orden = [o.lstrip("-") for o in orden(request, qs, self) if isinstance(o, str)] if (
            orden is not None) else []
        huella = _huella_como_texto(self.lotes_huella)
        con_arreglos = not qs.query.distinct
        renderizador = _renderizador_por_filas(request) if huella and con_arreglos else None
        if renderizador is not None:
            # Filas guardadas: la página solo lee ids, huella y orden; lo demás sale de la caché por fila.
            columnas, anotaciones = ["pk", *columnas_orden], huella
        else:
            columnas = [*plan.columnas, *columnas_orden]
            anotaciones = {**(plan.anotaciones if con_arreglos else {}), **huella}
        if renderizador is not None and self._clave_de_base is not None:
            # Base fija y solo ids y huellas: la página, con el SQL ya compilado para su forma.
            valores = PaginaPreparada.de_forma((self._clave_de_base, tuple(columnas), tuple(anotaciones)),
                                               lambda: qs.values(*dict.fromkeys(columnas), **anotaciones))
        else:
            valores = qs.values(*dict.fromkeys(columnas), **anotaciones)
        filas = self.paginate_queryset(valores)
        paginada = filas is not None
        if not paginada:
            filas = list(qs.values(*dict.fromkeys(columnas), **anotaciones))
        etag = gens = sobre = None
        if self.lotes_huella is not None:
            # El sobre de la página (next, previous, count… y `results` vacío), armado una vez: da los
            # enlaces del ETag y, con las filas guardadas, el cuerpo.
            sobre = self.get_paginated_response([]).data if paginada else None
            enlaces = {k: v for k, v in sobre.items() if k != "results"} if paginada else {}
            gens = self._generaciones(plan.vigilados)
            etag = _etiqueta("lista", _alcance(request), request.get_full_path(), enlaces, gens,
                             [[f["pk"], f[_HUELLA]] for f in filas])
            if _coincide(request, etag):
                return _con_etag(request, _no_modificado(etag), etag)
        if renderizador is not None:
            partes = self._filas_json(request, renderizador, plan, qs, filas, gens)
            if not paginada:
                cuerpo = b"[" + b",".join(partes) + b"]"
            else:
                # Los resultados cierran el sobre: la página es el sobre con las filas dentro de `[]`.
                cuerpo = renderizador.render(sobre, renderizador.media_type, {})
                if not cuerpo.endswith(_FIN_SOBRE):  # otro sobre (no debería pasar): la respuesta de siempre
                    respuesta = self.get_paginated_response([json.loads(p) for p in partes])
                    return _con_etag(request, respuesta, etag)
                cuerpo = cuerpo[:-2] + b",".join(partes) + b"]}"
            respuesta = RespuestaPrerenderizada(cuerpo, content_type=_tipo_de_contenido(renderizador))
            return _con_etag(request, respuesta, etag)
        datos = plan.serializar(filas, con_arreglos=con_arreglos)
        respuesta = self.get_paginated_response(datos) if paginada else Response(datos)
        if etag is None:
            etag = _etiqueta("cuerpo", _alcance(request), respuesta.data)
            if _coincide(request, etag):
                return _con_etag(request, _no_modificado(etag), etag)
        return _con_etag(request, respuesta, etag)

    def _filas_json(self, request, renderizador, plan, qs, filas, gens) -> list[bytes]:
        """El JSON de cada fila de la página, en su orden: el de la caché si la fila no cambió
        (misma huella, mismas generaciones de lo relacionado, mismo plan y quién pide: lo mismo que
        daría un 304) y, para las que faltan, una consulta con todas sus columnas y arreglos, el plan y
        el mismo renderizador; se guardan para la próxima. Cada fila se renderiza sola con el
        renderizador JSON de DRF (separadores compactos, sin sangría): unidas con comas dentro del
        sobre dan los mismos bytes que renderizar la página entera."""
        from django.core.cache import cache
        from django.utils import timezone, translation

        huella = _huella_como_texto(self.lotes_huella)
        # Lo que cambia el JSON de una fila sin cambiar la fila: la vista y sus campos, quién pide, las
        # generaciones de lo relacionado, el idioma (`get_X_display`) y la zona (fechas con hora).
        firma = _etiqueta("fila", type(self).__module__, type(self).__qualname__, [p.nombre for p in plan.pasos],
                          _alcance(request), gens, translation.get_language(),
                          timezone.get_current_timezone_name()).strip('"')

        prefijo = f"{_PREFIJO_FILA}{firma}:"

        def clave(fila) -> str:
            return f"{prefijo}{fila['pk']}:{fila[_HUELLA]}"

        claves = [clave(f) for f in filas]
        # Primero la copia de este proceso, luego Redis: la clave ya dice todo lo que cambia la fila.
        leidas = {k: _FILAS_EN_PROCESO[k] for k in claves if k in _FILAS_EN_PROCESO}
        if len(leidas) < len(claves):
            de_redis = cache.get_many([k for k in claves if k not in leidas])
            _FILAS_EN_PROCESO.guardar_varias(de_redis)
            leidas.update(de_redis)
        faltan = [f["pk"] for f, k in zip(filas, claves, strict=True) if k not in leidas]
        nuevas: dict[int, bytes] = {}
        if faltan:
            completas = list(qs.order_by().filter(EnArreglo(F("pk"), faltan)).values(
                *dict.fromkeys(plan.columnas), **plan.anotaciones, **huella))
            guardar = {}
            for fila, datos in zip(completas, plan.serializar(completas), strict=True):
                nuevas[fila["pk"]] = guardar[clave(fila)] = renderizador.render(datos, renderizador.media_type, {})
            cache.set_many(guardar, timeout=_VIDA_FILA)
            _FILAS_EN_PROCESO.guardar_varias(guardar)
        # Una fila que desapareció entre las dos consultas (borrada o ya no visible) no se sirve.
        partes = [leidas.get(k) or nuevas.get(f["pk"]) for f, k in zip(filas, claves, strict=True)]
        return [p for p in partes if p is not None]

    def retrieve(self, request, *args, **kwargs):
        pedidos = campos_pedidos(request)
        if pedidos is not None:  # valida los nombres contra los del detalle (400)
            validos = [n for n, c in self.get_serializer().fields.items() if not c.write_only]
            Plan([_Paso(n) for n in validos], validos).con_campos(pedidos)
        respuesta = super().retrieve(request, *args, **kwargs)
        if pedidos is not None:
            respuesta.data = {k: v for k, v in respuesta.data.items() if k in set(pedidos)}
        etag = _etiqueta("detalle", _alcance(request), request.get_full_path(), respuesta.data)
        if _coincide(request, etag):
            return _con_etag(request, _no_modificado(etag), etag)
        return _con_etag(request, respuesta, etag)

