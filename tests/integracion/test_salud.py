"""/salud/listo contra el PostgreSQL y el Redis reales: «ok» con todo arriba, «degradado» (200) con Redis caído."""

import pytest

pytestmark = pytest.mark.integration


def test_listo_sigue_el_estado_de_redis(client, db, redis_controlado):
    r = client.get("/salud/listo")
    assert r.status_code == 200, r.json()
    assert {nombre: c["estado"] for nombre, c in r.json()["comprobaciones"].items()} == {
        "base_de_datos": "ok", "cache": "ok", "broker": "ok"}

    redis_controlado.detener()
    r = client.get("/salud/listo")
    assert r.status_code == 200
    assert r.json()["estado"] == "degradado"
    assert r.json()["comprobaciones"]["broker"]["estado"] == "falla"
    assert r.json()["comprobaciones"]["base_de_datos"]["estado"] == "ok"
    assert client.get("/salud/vivo").status_code == 200  # vivo no depende de Redis ni de la base

    redis_controlado.arrancar()
    r = client.get("/salud/listo")
    assert (r.status_code, r.json()["estado"]) == (200, "ok")
