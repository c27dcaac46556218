"""Carga masiva de la demo (`generar_demo --escala 1000`): COPY de psycopg 3, ids tomados de antemano
de la secuencia (para escribir las tablas intermedias sin releer) y, durante la carga, las tablas grandes
sin sus índices secundarios ni la revisión fila a fila de las llaves foráneas.

Solo para lo masivo: lo que la demo prepara por los servicios (flujos, alertas, outbox) sigue por ellos.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone


def copiar(tabla: str, columnas: Iterable[str], filas: Iterable[tuple]) -> int:
    """COPY … FROM STDIN fila a fila (las filas pueden venir de un generador: no se guardan en memoria)."""
    n = 0
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {tabla} ({', '.join(columnas)}) FROM STDIN"
    ) as copia:
        for fila in filas:
            copia.write_row(fila)
            n += 1
    return n


def reservar_ids(tabla: str, n: int) -> range:
    """Toma `n` ids consecutivos de la secuencia de `tabla.id` en una sola sentencia (la secuencia queda
    en el último: lo que se inserte después por el ORM sigue sin chocar)."""
    if n <= 0:
        return range(0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [tabla])
        secuencia = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [secuencia, secuencia, n])
        ultimo = cursor.fetchone()[0]
    return range(ultimo - n + 1, ultimo + 1)


# Campos cuyo valor, si ya es del tipo de Python de la columna, llega igual a COPY: `get_db_prep_save` solo lo
# pasaría por `to_python` (el mismo valor) o por un envoltorio de psycopg con el mismo texto (Int4, Int8). Solo
# estas clases exactas (una subclase puede convertir distinto) y sin fechas automáticas (`pre_save` las pone).
_DIRECTOS = {
    models.AutoField: int, models.BigAutoField: int, models.SmallAutoField: int, models.IntegerField: int,
    models.BigIntegerField: int, models.SmallIntegerField: int, models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int, models.PositiveSmallIntegerField: int, models.CharField: str,
    models.TextField: str, models.EmailField: str, models.SlugField: str, models.URLField: str,
    models.BooleanField: bool, models.DecimalField: Decimal, models.DateField: date,
}


def _tipo_directo(campo):
    """El tipo de Python que `campo` escribe tal cual (None si su valor debe pasar por el ORM)."""
    if type(campo) is models.ForeignKey:
        return _tipo_directo(campo.target_field)
    if isinstance(campo, models.DateField) and (campo.auto_now or campo.auto_now_add):
        return None
    return _DIRECTOS.get(type(campo))


def filas_de(objetos: Iterable, campos) -> Iterable[tuple]:
    """Las filas de instancias de modelo (con su pk ya puesto) en el orden de `campos`, con los valores
    que pondría el ORM al insertar (`pre_save`: fechas automáticas; `get_db_prep_save`: JSON, listas).
    Un valor nulo o ya del tipo de su columna (`_DIRECTOS`) va tal cual, sin el rodeo del ORM: con cientos
    de miles de filas ese rodeo era la mitad del tiempo de la carga. Las fechas automáticas llevan la misma hora
    en todo el lote (el ORM toma la hora fila a fila)."""
    planes = [(f, f.attname, _tipo_directo(f)) for f in campos]
    # Las fechas automáticas (creado, actualizado) con la hora de la carga, la misma para todo el lote.
    ahora = timezone.now()
    for objeto in objetos:
        fila = []
        for f, nombre, tipo in planes:
            if type(f) is models.DateTimeField and (f.auto_now or f.auto_now_add):
                setattr(objeto, nombre, ahora)
                fila.append(ahora)
                continue
            if tipo is not None:
                valor = getattr(objeto, nombre)
                if valor is None or type(valor) is tipo:
                    fila.append(valor)
                    continue
            fila.append(f.get_db_prep_save(f.pre_save(objeto, True), connection))
        yield tuple(fila)


def copiar_filas(modelo, filas: Iterable[tuple]) -> int:
    """COPY de filas ya armadas como tuplas en el orden de los campos concretos de `modelo`: quien arma las
    tuplas no repite a mano la lista de columnas, y un campo nuevo en el modelo hace fallar la carga en vez
    de dejarla corrida una columna."""
    columnas = [connection.ops.quote_name(f.column) for f in modelo._meta.concrete_fields]
    return copiar(modelo._meta.db_table, columnas, filas)


def insertar(modelo, objetos: list) -> list:
    """Inserta instancias de `modelo` con COPY y les pone el pk tomado de la secuencia."""
    if not objetos:
        return objetos
    tabla = modelo._meta.db_table
    for objeto, pk in zip(objetos, reservar_ids(tabla, len(objetos)), strict=True):
        objeto.pk = pk
    copiar_filas(modelo, filas_de(objetos, modelo._meta.concrete_fields))
    return objetos


def _es_superusuario() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        fila = cursor.fetchone()
    return bool(fila and fila[0])


# Índices que `carga_masiva(aparte=…)` recrea en otro hilo, con su propia conexión, mientras la demo sigue (la otra
# CPU construye el índice). Solo si `generar_demo` lo enciende (`aparte_activo`) y fuera de una transacción: dentro de
# una (las pruebas), el hilo esperaría el bloqueo de la transacción que lo espera a él.
aparte_activo = False
_hilos: list[threading.Thread] = []
_errores: list[BaseException] = []


def _recrear_aparte(definiciones: list[str], tablas: list[str]) -> None:
    """CREATE INDEX CONCURRENTLY en otro hilo: no bloquea las escrituras de la demo en la tabla mientras tanto."""
    def trabajar():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '256MB'")
                for definicion in definiciones:
                    cursor.execute(definicion.replace("CREATE INDEX ", "CREATE INDEX CONCURRENTLY ", 1))
                for tabla in tablas:
                    cursor.execute(f"ANALYZE {tabla}")  # las estadísticas de las expresiones del índice
        except BaseException as error:  # noqa: BLE001 — se vuelve a lanzar en `esperar_indices`
            _errores.append(error)
        finally:
            connection.close()

    hilo = threading.Thread(target=trabajar, name="demo-indices")
    hilo.start()
    _hilos.append(hilo)


def esperar_indices() -> int:
    """Espera los índices que se recrean aparte (y lanza el error de alguno, si lo hubo); devuelve cuántos hilos
    esperó."""
    esperados = 0
    while _hilos:
        _hilos.pop().join()
        esperados += 1
    if _errores:
        raise _errores.pop()
    return esperados


@contextmanager
def carga_masiva(*modelos, aparte: Collection[str] = ()):
    """Para cargar tablas grandes de una vez: quita sus índices secundarios (no los únicos ni los que
    respaldan una restricción: llave primaria, unique) y los recrea al salir, ya con todas las filas
    (mucho más rápido que mantenerlos fila a fila); si el usuario de la base es superusuario, los
    disparadores de las llaves foráneas no corren durante la carga (`session_replication_role = replica`:
    la demo escribe ids que acaba de leer o reservar); al final, ANALYZE.

    Debe usarse dentro de una transacción: si algo falla, el ROLLBACK deja los índices como estaban.

    Los índices de `aparte` (los lentos de construir, como un GIN de trigramas) se recrean en otro hilo cuando
    `aparte_activo` está encendido y no hay una transacción abierta (`esperar_indices` los espera)."""
    tablas = [m._meta.db_table for m in modelos]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               JOIN pg_class c ON c.relname = i.indexname
               JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
               JOIN pg_index x ON x.indexrelid = c.oid
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) AND NOT x.indisunique
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
               ORDER BY i.tablename, i.indexname""",
            [tablas],
        )
        indices = cursor.fetchall()
        for nombre, _definicion in indices:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(nombre)}")
    replica = _es_superusuario()
    if replica:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        if replica:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
    en_otro_hilo = aparte_activo and not connection.in_atomic_block
    despues = [definicion for nombre, definicion in indices if en_otro_hilo and nombre in aparte]
    with connection.cursor() as cursor:
        # Para la sesión y no `SET LOCAL`, que fuera de una transacción (las demandas, con su índice aparte) no
        # tendría efecto; si algo falla dentro de una transacción, el ROLLBACK deshace también el SET.
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _nombre, definicion in indices:
            if definicion not in despues:
                cursor.execute(definicion)
        for tabla in tablas:
            cursor.execute(f"ANALYZE {tabla}")
        cursor.execute("RESET maintenance_work_mem")
    if despues:
        _recrear_aparte(despues, tablas)
