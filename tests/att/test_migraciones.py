"""Migraciones sobre las tablas grandes: índices CONCURRENTLY y rellenos por lotes, nunca en bloque.

En producción las demandas, los avances, las notificaciones y las tablas de historial tienen cientos
de miles de filas. Un CREATE INDEX normal bloquea las escrituras mientras dura, y un relleno dentro
de una sola transacción retiene los bloqueos de todas las filas hasta el final. La regla:

- un índice (AddIndex, o AddConstraint de una restricción con índice) sobre esas tablas, fuera de
  la migración que crea la tabla o de las iniciales, es AddIndexConcurrently o RunSQL con
  CONCURRENTLY (con SeparateDatabaseAndState para el estado), en una migración `atomic = False`;
- un RunPython o un RunSQL que escribe en esas tablas va en una migración `atomic = False` y
  trabaja por lotes, cada lote en su transacción (ver seguimiento 0006_avance_huella_datos).
"""

from __future__ import annotations

import inspect
import re

import pytest
from django.apps import apps
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

APPS = ("att", "indicadores", "oferta", "demanda", "agenda", "seguimiento", "conocimiento", "rutas", "pas")
GRANDES = {("demanda", "demanda"), ("seguimiento", "avance"), ("att", "notificacion")}


def _grandes() -> set[tuple[str, str]]:
    """Las tablas grandes: las nombradas y todas las de historial (simple_history)."""
    grandes = set(GRANDES)
    for app in APPS:
        for modelo in apps.get_app_config(app).get_models():
            if modelo._meta.model_name.startswith("historical"):
                grandes.add((app, modelo._meta.model_name))
    return grandes


def _tablas(grandes) -> dict[str, tuple[str, str]]:
    return {apps.get_model(app, nombre)._meta.db_table: (app, nombre) for app, nombre in grandes}


def _operaciones_en_la_base(operaciones):
    """Lo que la migración ejecuta en la base (SeparateDatabaseAndState: solo su parte de base)."""
    for op in operaciones:
        if isinstance(op, migrations.SeparateDatabaseAndState):
            yield from _operaciones_en_la_base(op.database_operations)
        else:
            yield op


def _sql(op: migrations.RunSQL) -> str:
    partes = op.sql if isinstance(op.sql, list | tuple) else [op.sql]
    return " ".join(p if isinstance(p, str) else p[0] for p in partes).upper()


def _con_indice(restriccion) -> bool:
    return isinstance(restriccion, models.UniqueConstraint) or type(restriccion).__name__ == "ExclusionConstraint"


def faltas(app: str, nombre: str, migracion, creadas: dict, grandes: set) -> list[str]:
    """Lo que esta migración hace mal sobre las tablas grandes (lista vacía si nada)."""
    tablas = _tablas(grandes)
    donde = f"{app}.{nombre}"
    resultado = []
    for op in _operaciones_en_la_base(migracion.operations):
        if isinstance(op, AddIndexConcurrently | migrations.AddIndex | migrations.AddConstraint):
            modelo = (app, op.model_name.lower())
            if modelo not in grandes:
                continue
            concurrente = isinstance(op, AddIndexConcurrently)
            if concurrente and migracion.atomic:
                resultado.append(f"{donde}: AddIndexConcurrently en una migración atómica")
            if concurrente or migracion.initial or creadas.get(modelo) == (app, nombre):
                continue
            if isinstance(op, migrations.AddIndex):
                resultado.append(f"{donde}: AddIndex {op.index.name} sobre {modelo[1]} sin CONCURRENTLY")
            elif _con_indice(op.constraint):
                resultado.append(f"{donde}: AddConstraint {op.constraint.name} (con índice) sobre "
                                 f"{modelo[1]}: use CREATE UNIQUE INDEX CONCURRENTLY + SeparateDatabaseAndState")
        elif isinstance(op, migrations.RunSQL):
            sql = _sql(op)
            toca = [t for t in tablas if re.search(rf"\b{t.upper()}\b", sql)]
            if not toca or migracion.initial:
                continue
            if re.search(r"CREATE\s+(UNIQUE\s+)?INDEX", sql) and "CONCURRENTLY" not in sql:
                resultado.append(f"{donde}: RunSQL crea un índice sobre {toca} sin CONCURRENTLY")
            if "CONCURRENTLY" in sql and migracion.atomic:
                resultado.append(f"{donde}: RunSQL CONCURRENTLY en una migración atómica")
            if re.search(r"\b(UPDATE|INSERT|DELETE)\b", sql) and migracion.atomic:
                resultado.append(f"{donde}: RunSQL escribe en {toca} dentro de una migración atómica")
        elif isinstance(op, migrations.RunPython):
            if migracion.initial or not migracion.atomic:
                continue
            fuente = inspect.getsource(op.code)
            for app_g, modelo_g in grandes:
                nombre_clase = apps.get_model(app_g, modelo_g).__name__
                if re.search(rf"""["']{nombre_clase}["']|\b{nombre_clase}\.objects""", fuente):
                    resultado.append(f"{donde}: RunPython sobre {nombre_clase} dentro de una migración "
                                     "atómica (use atomic = False y lotes)")
    return resultado


def _migraciones():
    cargador = MigrationLoader(None, ignore_no_migrations=True)
    return {clave: m for clave, m in cargador.disk_migrations.items() if clave[0] in APPS}


def _creadas(migraciones) -> dict:
    creadas = {}
    for (app, nombre), migracion in sorted(migraciones.items()):
        for op in migracion.operations:
            if isinstance(op, migrations.CreateModel):
                creadas[(app, op.name_lower)] = (app, nombre)
    return creadas


def test_indices_y_rellenos_sobre_tablas_grandes_no_bloquean():
    migraciones = _migraciones()
    creadas, grandes = _creadas(migraciones), _grandes()
    errores = [falta for (app, nombre), migracion in sorted(migraciones.items())
               for falta in faltas(app, nombre, migracion, creadas, grandes)]
    assert not errores, "\n".join(errores)


def test_el_indice_de_trigramas_de_demandas_es_concurrente():
    migracion = _migraciones()[("demanda", "0005_texto_trgm")]
    assert not migracion.atomic
    assert isinstance(migracion.operations[0], AddIndexConcurrently)


def _migracion(operaciones, *, atomica=True):
    clase = type("Migration", (migrations.Migration,), {"operations": operaciones, "atomic": atomica})
    return clase("9999_prueba", "demanda")


@pytest.mark.parametrize("operaciones, atomica, esperado", [
    ([migrations.AddIndex("demanda", models.Index(fields=["titulo"], name="x_titulo"))], True, "sin CONCURRENTLY"),
    ([AddIndexConcurrently("demanda", models.Index(fields=["titulo"], name="x_titulo"))], True, "atómica"),
    ([migrations.AddConstraint("demanda", models.UniqueConstraint(fields=["titulo"], name="x_u"))], False,
     "con índice"),
    ([migrations.RunSQL("CREATE INDEX x ON demanda_demanda (titulo)")], False, "sin CONCURRENTLY"),
    ([migrations.RunSQL("UPDATE demanda_demanda SET titulo = titulo")], True, "atómica"),
    ([migrations.RunPython(lambda apps, se: apps.get_model("demanda", "Demanda").objects.update())], True,
     "RunPython"),
])
def test_la_regla_detecta_lo_que_bloquea(operaciones, atomica, esperado):
    encontradas = faltas("demanda", "9999_prueba", _migracion(operaciones, atomica=atomica), {}, _grandes())
    assert any(esperado in f for f in encontradas), encontradas


@pytest.mark.parametrize("operaciones", [
    [AddIndexConcurrently("demanda", models.Index(fields=["titulo"], name="x_titulo"))],
    [migrations.RunSQL("CREATE INDEX CONCURRENTLY x ON demanda_demanda (titulo)")],
    [migrations.RunPython(lambda apps, se: apps.get_model("demanda", "Demanda").objects.update())],
])
def test_la_regla_acepta_lo_concurrente_y_no_atomico(operaciones):
    assert faltas("demanda", "9999_prueba", _migracion(operaciones, atomica=False), {}, _grandes()) == []
