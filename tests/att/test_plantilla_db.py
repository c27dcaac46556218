"""La base de pruebas copiada de la plantilla ya migrada (tests/plantilla_db.py)."""

import copy
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from psycopg import sql

from tests import plantilla_db


def test_la_base_de_pruebas_tiene_todas_las_migraciones_aplicadas(db):
    """Copiada de la plantilla o migrada en esta sesión, no le falta ninguna migración: una plantilla vieja
    (huella que no cambió con una migración nueva) dejaría aquí un plan por aplicar."""
    ejecutor = MigrationExecutor(connection)
    plan = ejecutor.migration_plan(ejecutor.loader.graph.leaf_nodes())
    assert plan == []


def test_la_huella_es_estable_y_de_doce_caracteres():
    huella = plantilla_db.huella_de_migraciones()
    assert huella == plantilla_db.huella_de_migraciones()
    assert len(huella) == 12
    assert int(huella, 16) >= 0


def _candados(conexion, pids) -> int:
    """Candados de plantilla concedidos a las conexiones de esta prueba (no a las de otro proceso de xdist,
    que lo toma un instante al crear su base)."""
    return conexion.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s AND pid = ANY(%s)",
        [plantilla_db._CANDADO, list(pids)],
    ).fetchone()[0]


@pytest.fixture
def plantilla_de_prueba():
    ajustes = copy.deepcopy(connection.settings_dict)
    ajustes["TEST"] = {"NAME": f"att_prueba_base_{uuid.uuid4().hex[:8]}"}
    plantilla = plantilla_db.Plantilla(ajustes)
    plantilla.prefijo = "att_prueba_plantilla_"
    plantilla.nombre = f"att_prueba_plantilla_{uuid.uuid4().hex[:8]}"
    creadas = []
    otra = plantilla.conectar()
    pids = []
    conectar = plantilla.conectar

    def conectar_y_anotar():
        conexion = conectar()
        pids.append(conexion.info.backend_pid)
        return conexion

    plantilla.conectar = conectar_y_anotar
    yield plantilla, otra, creadas, pids
    if plantilla._conexion is not None:
        plantilla._conexion.close()
    for nombre in creadas:
        otra.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(nombre)))
    otra.close()


def test_con_la_plantilla_la_base_se_crea_copiandola_y_sin_candado(plantilla_de_prueba):
    plantilla, otra, creadas, pids = plantilla_de_prueba
    otra.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(plantilla.nombre)))
    creadas.append(plantilla.nombre)

    plantilla.preparar(recrear=True)

    assert plantilla.ajustes["TEST"]["TEMPLATE"] == plantilla.nombre
    assert pids and _candados(otra, pids) == 0
    plantilla.guardar()  # nada que guardar: no la construyó esta sesión
    assert not plantilla_db.Plantilla._existe(otra, plantilla.ajustes["TEST"]["NAME"])


def test_sin_plantilla_la_primera_sesion_migra_con_el_candado_y_la_guarda(plantilla_de_prueba):
    plantilla, otra, creadas, pids = plantilla_de_prueba
    vieja = "att_prueba_plantilla_vieja" + uuid.uuid4().hex[:6]
    otra.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(vieja)))
    creadas += [vieja, plantilla.nombre, plantilla.ajustes["TEST"]["NAME"]]

    plantilla.preparar(recrear=True)

    assert "TEMPLATE" not in plantilla.ajustes["TEST"]
    assert _candados(otra, pids) == 1  # las otras sesiones esperan a que se guarde
    # Lo que haría pytest-django: crear la base de pruebas (aquí vacía) y migrarla.
    otra.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(plantilla.ajustes["TEST"]["NAME"])))

    plantilla.guardar()

    assert plantilla_db.Plantilla._existe(otra, plantilla.nombre)
    assert not plantilla_db.Plantilla._existe(otra, vieja)  # la de otra huella se borra
    assert pids and _candados(otra, pids) == 0


def test_una_base_que_ya_existia_no_se_vuelve_plantilla(plantilla_de_prueba):
    plantilla, otra, creadas, pids = plantilla_de_prueba
    otra.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(plantilla.ajustes["TEST"]["NAME"])))
    creadas += [plantilla.ajustes["TEST"]["NAME"], plantilla.nombre]

    plantilla.preparar(recrear=False)
    plantilla.guardar()

    assert not plantilla_db.Plantilla._existe(otra, plantilla.nombre)
    assert pids and _candados(otra, pids) == 0
