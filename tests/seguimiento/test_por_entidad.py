"""Avance por entidad territorial (línea × ET): semáforo por entidad, eventos masivos, consolidado por ET
a través de líneas de varios oferentes, página, API y la migración que copia el avance de la línea."""

import importlib
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from seguimiento import cortes, por_entidad, services
from seguimiento.models import Avance, EstadoLinea, EstadoLineaEntidad
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db
HOY = date(2026, 7, 1)


@pytest.fixture
def tres_et():
    return [factories.alcaldia("05001"), factories.alcaldia("05002"), factories.alcaldia("05004")]


def _validado(hito, porcentaje, dnp, reporta, entidades=None, fecha=date(2026, 6, 1), narrativa="Avance"):
    a = services.avance_reportar(hito=hito, porcentaje=D(porcentaje), fecha_corte=fecha, narrativa=narrativa,
                                 por=reporta, entidades=entidades)
    return services.avance_validar(avance=a, por=dnp)


def _por_et(linea) -> dict:
    return {e.entidad_id: e for e in EstadoLineaEntidad.objects.filter(linea=linea)}


def test_tres_entidades_una_atrasada_un_rojo_dos_verdes_y_la_linea_es_el_promedio(
        oferente, entidad_oferente, seguimiento_dnp, tres_et):
    a, b, c = tres_et
    linea = fabricas.linea(entidad_oferente, territorios=tres_et)
    h1 = fabricas.hito(linea, peso=1, fecha=date(2026, 3, 31), nombre="Diagnóstico")
    h2 = fabricas.hito(linea, peso=3, fecha=date(2026, 6, 30), nombre="Plan")
    _validado(h1, 100, seguimiento_dnp, oferente)                                  # todas
    _validado(h2, 100, seguimiento_dnp, oferente, entidades=[a, b], narrativa="Taller")  # c no
    estado = services.recalcular_linea(linea, hoy=HOY)
    por_et = _por_et(linea)
    assert {k: (v.avance, v.semaforo) for k, v in por_et.items()} == {
        a.pk: (D("100.00"), "al_dia"), b.pk: (D("100.00"), "al_dia"), c.pk: (D("25.00"), "atrasado"),
    }
    assert por_et[c.pk].hitos_vencidos == 1 and por_et[a.pk].hitos_vencidos == 0
    # Línea = promedio de sus entidades (pesos iguales): (100 + 100 + 25) / 3 = 75
    assert estado.avance == D("75.00")
    assert estado.semaforo == "atrasado"  # esperado 100, brecha 25
    h2.refresh_from_db()
    assert h2.avance == D("66.67")  # el hito en la línea: promedio de su avance en cada entidad


def test_una_sola_entidad_da_la_cifra_de_siempre(oferente, entidad_oferente, seguimiento_dnp):
    et = factories.alcaldia("05001")
    linea = fabricas.linea(entidad_oferente, territorios=[et])
    h = fabricas.hito(linea, peso=2)
    _validado(h, 40, seguimiento_dnp, oferente)
    h.refresh_from_db()
    assert h.avance == D("40.00")
    assert EstadoLinea.objects.get(linea=linea).avance == D("40.00")
    assert _por_et(linea)[et.pk].avance == D("40.00")


def test_un_avance_de_evento_masivo_mueve_a_todas_sus_entidades(oferente, entidad_oferente, seguimiento_dnp, tres_et):
    a, b, c = tres_et
    linea = fabricas.linea(entidad_oferente, territorios=tres_et)
    h = fabricas.hito(linea)
    avance = _validado(h, 60, seguimiento_dnp, oferente, entidades=[a, b, c], fecha=date(2026, 5, 1))
    assert set(avance.entidades.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}
    assert {e.avance for e in _por_et(linea).values()} == {D("60.00")}
    assert {e.ultimo_reporte for e in _por_et(linea).values()} == {date(2026, 5, 1)}
    # Un avance posterior solo para una entidad cambia esa, no las otras.
    _validado(h, 90, seguimiento_dnp, oferente, entidades=[b], fecha=date(2026, 6, 1))
    assert {k: v.avance for k, v in _por_et(linea).items()} == {a.pk: D("60.00"), b.pk: D("90.00"), c.pk: D("60.00")}


def test_una_entidad_que_la_linea_no_focaliza_se_rechaza_en_espanol(oferente, entidad_oferente, tres_et):
    linea = fabricas.linea(entidad_oferente, territorios=tres_et[:2])
    h = fabricas.hito(linea)
    with pytest.raises(ValidationError, match="La línea no llega a"):
        services.avance_reportar(hito=h, porcentaje=D(10), fecha_corte=HOY, narrativa="x", por=oferente,
                                 entidades=[tres_et[2]])
    assert not Avance.objects.exists()


def test_consolidado_por_entidad_a_traves_de_lineas_de_dos_oferentes(
        oferente, entidad_oferente, otro_oferente, seguimiento_dnp, tres_et):
    a, b, _c = tres_et
    otra = otro_oferente.membresias.first().entidad
    l1 = fabricas.linea(entidad_oferente, territorios=[a, b], peso=3)
    l2 = fabricas.linea(otra, territorios=[a], peso=1)
    _validado(fabricas.hito(l1), 80, seguimiento_dnp, oferente, entidades=[a])
    _validado(fabricas.hito(l2), 40, seguimiento_dnp, otro_oferente)
    filas = {f["clave_id"]: f for f in cortes.corte(seguimiento_dnp, "entidad")["filas"]}
    # a: (80×3 + 40×1) / 4 = 70; b: solo l1, sin avance = 0
    assert filas[a.pk]["avance"] == D("70.0")
    assert filas[a.pk]["lineas"] == 2
    assert filas[b.pk]["avance"] == D("0.0")
    assert filas[b.pk]["lineas"] == 1


def test_la_pagina_de_la_linea_muestra_la_tabla_por_entidad_y_el_formulario_las_elige(
        client, oferente, entidad_oferente, seguimiento_dnp, tres_et):
    a, b, c = tres_et
    linea = fabricas.linea(entidad_oferente, territorios=[a, b])
    h = fabricas.hito(linea)
    _validado(h, 50, seguimiento_dnp, oferente, entidades=[b])
    client.force_login(oferente)
    html = client.get(reverse("seguimiento:linea", args=[linea.pk])).content.decode()
    assert "Avance en cada entidad territorial" in html
    assert html.count('name="entidades"') == 2  # solo las dos de la línea
    respuesta = client.post(reverse("seguimiento:linea", args=[linea.pk]), {
        "accion": "avance", "hito": h.pk, "porcentaje": "30", "fecha_corte": "2026-06-15", "narrativa": "Visita",
        "entidades": [c.pk]})
    assert respuesta.status_code == 200
    assert "La línea no llega a esa entidad" in respuesta.content.decode()
    respuesta = client.post(reverse("seguimiento:linea", args=[linea.pk]), {
        "accion": "avance", "hito": h.pk, "porcentaje": "30", "fecha_corte": "2026-06-15", "narrativa": "Visita",
        "entidades": [a.pk]})
    assert respuesta.status_code == 302
    assert list(Avance.objects.get(narrativa="Visita").entidades.all()) == [a]


def test_api_reporta_para_varias_entidades_y_rechaza_una_ajena(client, oferente, entidad_oferente, tres_et):
    a, b, c = tres_et
    linea = fabricas.linea(entidad_oferente, territorios=[a, b])
    h = fabricas.hito(linea)
    client.force_login(oferente)
    r = client.post("/api/v1/seguimiento/avances/", {"hito": h.pk, "porcentaje": "20", "fecha_corte": "2026-06-01",
                                                     "narrativa": "Taller regional", "entidades": [a.pk, b.pk]},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    assert sorted(r.json()["entidades"]) == sorted([a.pk, b.pk])
    r = client.post("/api/v1/seguimiento/avances/", {"hito": h.pk, "porcentaje": "20", "fecha_corte": "2026-06-01",
                                                     "narrativa": "Otro", "entidades": [c.pk]},
                    content_type="application/json")
    assert r.status_code == 400
    assert "La línea no llega a" in r.json()["entidades"][0]


def test_la_migracion_copia_el_avance_de_la_linea_a_cada_entidad(oferente, entidad_oferente, seguimiento_dnp, tres_et):
    linea = fabricas.linea(entidad_oferente, territorios=tres_et)
    h = fabricas.hito(linea)
    avance = Avance.objects.create(hito=h, porcentaje=D(45), fecha_corte=date(2026, 5, 2), narrativa="antes",
                                   registrado_por=oferente, estado="validado")
    h.avance = D(45)
    h.save()
    services.recalcular_linea(linea, hoy=HOY)
    # Como antes de la migración: sin fotos por entidad ni entidades en el avance.
    EstadoLineaEntidad.objects.all().delete()
    avance.entidades.clear()
    migracion = importlib.import_module("seguimiento.migrations.0014_avance_por_entidad_datos")
    migracion.copiar(None, SimpleNamespace(connection=connection))
    migracion.copiar(None, SimpleNamespace(connection=connection))  # dos veces: nada se duplica
    estado = EstadoLinea.objects.get(linea=linea)
    filas = list(EstadoLineaEntidad.objects.filter(linea=linea))
    assert len(filas) == 3
    assert {(f.avance, f.esperado, f.semaforo, f.ultimo_reporte) for f in filas} == {
        (estado.avance, estado.esperado, estado.semaforo, date(2026, 5, 2))}
    assert estado.avance == D("45.00")
    assert set(avance.entidades.values_list("pk", flat=True)) == {e.pk for e in tres_et}


def test_api_de_lineas_por_entidad_acotada(client, oferente, otro_oferente, entidad_oferente, seguimiento_dnp, tres_et):
    linea = fabricas.linea(entidad_oferente, territorios=tres_et)
    _validado(fabricas.hito(linea), 30, seguimiento_dnp, oferente, entidades=[tres_et[0]])
    client.force_login(oferente)
    filas = client.get("/api/v1/seguimiento/lineas-por-entidad/", {"linea": linea.pk}).json()["results"]
    assert sorted((f["entidad"], f["avance"]) for f in filas) == sorted(
        [(tres_et[0].pk, "30.00"), (tres_et[1].pk, "0.00"), (tres_et[2].pk, "0.00")])
    client.force_login(otro_oferente)
    assert client.get("/api/v1/seguimiento/lineas-por-entidad/").json()["results"] == []


def test_una_entidad_agregada_despues_aparece_al_confirmar(
        oferente, entidad_oferente, seguimiento_dnp, tres_et, django_capture_on_commit_callbacks):
    a, b, c = tres_et
    linea = fabricas.linea(entidad_oferente, territorios=[a, b])
    h = fabricas.hito(linea)
    _validado(h, 60, seguimiento_dnp, oferente, fecha=date(2026, 5, 1))
    assert set(_por_et(linea)) == {a.pk, b.pk}
    with django_capture_on_commit_callbacks(execute=True):
        linea.territorios.add(c)
    assert set(_por_et(linea)) == {a.pk, b.pk, c.pk}
    # Por el lado de la entidad también, y una quitada sale.
    with django_capture_on_commit_callbacks(execute=True):
        a.lineas_plan_focalizadas.remove(linea)
    assert set(_por_et(linea)) == {b.pk, c.pk}


def test_admin_rechaza_entidades_del_avance_que_la_linea_no_focaliza(
        client, oferente, entidad_oferente, seguimiento_dnp, tres_et):
    a, b, c = tres_et
    linea = fabricas.linea(entidad_oferente, territorios=[a, b])
    h = fabricas.hito(linea)
    client.force_login(seguimiento_dnp)
    datos = {"hito": h.pk, "porcentaje": "50", "fecha_corte": "2026-06-01", "narrativa": "Taller",
             "registrado_por": oferente.pk, "comentario_revision": "",
             "evidencias-TOTAL_FORMS": "0", "evidencias-INITIAL_FORMS": "0"}
    r = client.post("/admin/seguimiento/avance/add/", {**datos, "entidades": f"{a.pk},{c.pk}"})
    assert r.status_code == 200
    assert "no están focalizadas por la línea del hito" in r.content.decode()
    assert not Avance.objects.exists()
    r = client.post("/admin/seguimiento/avance/add/", {**datos, "entidades": f"{a.pk},{b.pk}"})
    assert r.status_code == 302
    assert set(Avance.objects.get().entidades.values_list("pk", flat=True)) == {a.pk, b.pk}


def _fotos_por_entidad() -> dict:
    campos = ["linea_id", "entidad_id", *por_entidad._CAMPOS]
    fotos = {(f["linea_id"], f["entidad_id"]): f for f in EstadoLineaEntidad.objects.values("pk", *campos)}
    lineas = {e["linea_id"]: e for e in EstadoLinea.objects.values("pk", "linea_id", *services._CAMPOS_ESTADO)}
    return {**fotos, **lineas}


def test_guardar_por_copy_escribe_lo_mismo_que_bulk_create(
        oferente, entidad_oferente, seguimiento_dnp, tres_et, monkeypatch):
    """Con muchas fotos `guardar` va por COPY y una tabla temporal y las fotos nuevas de las líneas por COPY (el
    recálculo diario a escala): inserta y actualiza exactamente lo que el bulk_create de pocas fotos, y una foto
    existente conserva su fila (su id)."""
    a = tres_et[0]
    lineas = [fabricas.linea(entidad_oferente, territorios=tres_et[: k + 1]) for k in range(3)]
    for k, linea in enumerate(lineas):
        padre = fabricas.hito(linea, peso=2, fecha=date(2026, 3, 31), nombre="Diagnóstico")
        fabricas.hito(linea, peso=1, fecha=date(2026, 2, 28), nombre="Sub 1", padre=padre)
        hoja = fabricas.hito(linea, peso=1, fecha=date(2026, 3, 15), nombre="Sub 2", padre=padre)
        plan = fabricas.hito(linea, peso=3, fecha=date(2026, 9, 30), nombre="Plan")
        _validado(hoja, 40 + 10 * k, seguimiento_dnp, oferente)
        _validado(plan, 100, seguimiento_dnp, oferente, entidades=[a], narrativa="Taller")
    monkeypatch.setattr(por_entidad, "UMBRAL_COPY", 10**9)
    services.recalcular_todas(hoy=HOY)
    por_bulk = _fotos_por_entidad()
    assert len(por_bulk) == 6 + 3 and {"al_dia", "atrasado"} <= {f["semaforo"] for f in por_bulk.values()}
    EstadoLineaEntidad.objects.all().delete()
    EstadoLinea.objects.all().delete()
    monkeypatch.setattr(por_entidad, "UMBRAL_COPY", 1)
    services.recalcular_todas(hoy=HOY)
    por_copy = _fotos_por_entidad()
    sin_pk = lambda fotos: {k: {c: v for c, v in f.items() if c != "pk"} for k, f in fotos.items()}
    assert sin_pk(por_copy) == sin_pk(por_bulk)
    # Otro día (cambian esperado y semáforo): por COPY se actualizan las mismas filas, como por bulk_create.
    services.recalcular_todas(hoy=date(2026, 10, 15))
    despues_copy = _fotos_por_entidad()
    monkeypatch.setattr(por_entidad, "UMBRAL_COPY", 10**9)
    services.recalcular_todas(hoy=date(2026, 10, 15))
    assert _fotos_por_entidad() == despues_copy
    assert {k: f["pk"] for k, f in despues_copy.items()} == {k: f["pk"] for k, f in por_copy.items()}
    assert despues_copy != por_copy
