"""#12 en el seguimiento: percepción atada a la asistencia recibida, consentimiento explícito, atención
prioritaria, desgloses por región y tema, costo por ET asistida y evaluación intermedia y final por línea."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from att.models import Canal, Modalidad, Tema
from seguimiento import selectors, services
from seguimiento.models import (
    ConsentimientoPercepcion,
    EvaluacionLinea,
    MuestraPercepcion,
    Percepcion,
)
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db
CORTE = date(2026, 6, 1)


def _alcanza(linea, entidades, reporta, valida):
    """Un avance validado que cubre `entidades`: la línea les llegó de verdad (EstadoLineaEntidad)."""
    hito = fabricas.hito(linea)
    a = services.avance_reportar(hito=hito, porcentaje=D(40), fecha_corte=CORTE, narrativa="Taller", por=reporta,
                                 entidades=list(entidades))
    services.avance_validar(avance=a, por=valida)


def _asesoria(oferente, entidad, por, fecha=CORTE):
    return services.asesoria_registrar(oferente=oferente, entidad=entidad, fecha=fecha,
                                       modalidad=Modalidad.objects.order_by("pk").first(),
                                       canal=Canal.objects.order_by("pk").first(), por=por)


@pytest.fixture
def medellin():
    return factories.alcaldia("05001")


@pytest.fixture
def con_consentimiento(medellin, funcionario_medellin):
    return services.consentimiento_dar(entidad=medellin, por=funcionario_medellin)


@pytest.fixture
def linea_recibida(entidad_oferente, oferente, seguimiento_dnp, medellin):
    l = fabricas.linea(entidad_oferente, responsable=oferente, territorios=[medellin], aprobado=True)
    _alcanza(l, [medellin], oferente, seguimiento_dnp)
    return l


# --- 1. Percepción atada a la asistencia recibida -------------------------------------------------------
def test_oferente_que_nunca_asistio_es_rechazado_en_el_servicio(medellin, funcionario_medellin, con_consentimiento,
                                                                linea_recibida, otro_oferente, entidad_oferente):
    nunca = otro_oferente.membresias.first().entidad
    with pytest.raises(ValidationError, match="no le ha prestado asistencia") as e:
        services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5, oferente=nunca,
                                      por=funcionario_medellin)
    assert e.value.error_dict["oferente"][0].code == "oferente_no_asistio"
    # La petición no cambia el oferente: si no coincide con el de la asistencia, se rechaza.
    with pytest.raises(ValidationError, match="la prestó .*, no "):
        services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5, oferente=nunca,
                                      linea=linea_recibida, por=funcionario_medellin)
    # Una línea que focaliza a la ET pero aún no le llegó (ningún avance la cubre) no se califica.
    sin_llegar = fabricas.linea(entidad_oferente, territorios=[medellin], aprobado=True)
    with pytest.raises(ValidationError, match="no recibió esa asistencia"):
        services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5,
                                      linea=sin_llegar, por=funcionario_medellin)
    assert not Percepcion.objects.exists()
    p = services.percepcion_registrar(entidad=medellin, calidad=4, pertinencia=4, oportunidad=4,
                                      linea=linea_recibida, por=funcionario_medellin)
    assert (p.oferente, p.linea, p.fecha) == (entidad_oferente, linea_recibida, timezone.localdate())
    # Doble clic: el mismo envío el mismo día es la misma calificación.
    otra = services.percepcion_registrar(entidad=medellin, calidad=4, pertinencia=4, oportunidad=4,
                                         linea=linea_recibida, por=funcionario_medellin)
    assert otra.pk == p.pk and Percepcion.objects.count() == 1


def test_asesoria_de_otra_et_no_se_califica_y_la_propia_si(medellin, funcionario_medellin, con_consentimiento,
                                                          entidad_oferente, oferente):
    cali = factories.alcaldia("76001")
    ajena = _asesoria(entidad_oferente, cali, oferente)
    with pytest.raises(ValidationError, match="no recibió esa asistencia"):
        services.percepcion_registrar(entidad=medellin, calidad=3, pertinencia=3, oportunidad=3, asesoria=ajena,
                                      por=funcionario_medellin)
    propia = _asesoria(entidad_oferente, medellin, oferente)
    p = services.percepcion_registrar(entidad=medellin, calidad=3, pertinencia=3, oportunidad=3, asesoria=propia,
                                      por=funcionario_medellin)
    assert p.asesoria == propia and p.oferente == entidad_oferente


def test_en_la_pagina_un_oferente_que_nunca_asistio_es_rechazado(client, medellin, funcionario_medellin,
                                                                 con_consentimiento, linea_recibida, otro_oferente):
    nunca = otro_oferente.membresias.first().entidad
    ajena = _asesoria(nunca, factories.alcaldia("76001"), otro_oferente)
    client.force_login(funcionario_medellin)
    r = client.get("/seguimiento/percepcion/")
    assert r.status_code == 200 and f'value="linea-{linea_recibida.pk}"' in r.content.decode()
    datos = {"accion": "calificar", "entidad": medellin.pk, "calidad": 5, "pertinencia": 5, "oportunidad": 5}
    r = client.post("/seguimiento/percepcion/", {**datos, "asistencia": f"asesoria-{ajena.pk}"})
    assert r.status_code == 200 and "Esa asistencia no la recibió la entidad" in r.content.decode()
    # Un oferente escrito en la petición no cuenta: el formulario ni lo lee.
    r = client.post("/seguimiento/percepcion/", {**datos, "asistencia": f"linea-{linea_recibida.pk}",
                                                 "oferente": nunca.pk, "fecha": "2020-01-01"})
    assert r.status_code == 302
    p = Percepcion.objects.get()
    assert (p.oferente_id, p.fecha) == (linea_recibida.plan.entidad_id, timezone.localdate())


def test_en_la_api_un_oferente_que_nunca_asistio_es_rechazado(medellin, funcionario_medellin, con_consentimiento,
                                                              linea_recibida, otro_oferente, entidad_oferente):
    nunca = otro_oferente.membresias.first().entidad
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    base = {"entidad": medellin.pk, "calidad": 2, "pertinencia": 2, "oportunidad": 2}
    r = api.post("/api/v1/seguimiento/percepciones/", {**base, "oferente": nunca.pk}, format="json")
    assert r.status_code == 400 and "no le ha prestado asistencia" in r.content.decode()
    r = api.post("/api/v1/seguimiento/percepciones/", {**base, "linea": linea_recibida.pk, "fecha": "2020-01-01"},
                 format="json")
    assert r.status_code == 201, r.content
    assert r.json()["oferente"] == entidad_oferente.pk and r.json()["fecha"] == timezone.localdate().isoformat()


# --- 2. Consentimiento explícito --------------------------------------------------------------------------
def test_consentimiento_ausente_por_defecto_y_revocable(medellin, funcionario_medellin, linea_recibida,
                                                        funcionario_cali):
    assert not ConsentimientoPercepcion.objects.filter(entidad=medellin).exists()
    assert not selectors.consentimientos_visibles(funcionario_medellin).filter(selectors.con_consentimiento()).exists()
    with pytest.raises(ValidationError, match="no ha dado su consentimiento"):
        services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5,
                                      linea=linea_recibida, por=funcionario_medellin)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="Solo la entidad territorial"):
        services.consentimiento_dar(entidad=medellin, por=funcionario_cali)
    c = services.consentimiento_dar(entidad=medellin, por=funcionario_medellin)
    assert c.vigente and c.otorgado_por == funcionario_medellin and c.otorgado_en is not None
    assert services.consentimiento_dar(entidad=medellin, por=funcionario_medellin).pk == c.pk  # doble clic
    services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5, linea=linea_recibida,
                                  por=funcionario_medellin)
    c = services.consentimiento_revocar(entidad=medellin, por=funcionario_medellin, motivo="Cambio de administración")
    assert not c.vigente and c.revocado_por == funcionario_medellin and c.revocado_en is not None
    with pytest.raises(ValidationError, match="o lo revocó"):
        services.percepcion_registrar(entidad=medellin, calidad=1, pertinencia=1, oportunidad=1,
                                      linea=linea_recibida, por=funcionario_medellin)
    assert Percepcion.objects.count() == 1  # lo ya calificado se conserva
    assert c.historial.count() == 2


def test_consentimiento_por_la_pagina_y_la_api(client, medellin, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.get("/seguimiento/percepcion/consentimiento/")
    assert r.status_code == 200 and "Sin consentimiento" in r.content.decode()
    assert client.post("/seguimiento/percepcion/consentimiento/", {"entidad": medellin.pk, "accion": "dar"}).status_code == 302
    assert ConsentimientoPercepcion.objects.get(entidad=medellin).vigente
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    pk = api.get("/api/v1/seguimiento/consentimientos/").json()["results"][0]["id"]
    r = api.post(f"/api/v1/seguimiento/consentimientos/{pk}/revocar/", {"motivo": "No más llamadas"}, format="json")
    assert r.status_code == 200 and r.json()["vigente"] is False
    assert ConsentimientoPercepcion.objects.get(entidad=medellin).motivo_revocacion == "No más llamadas"


# --- 3. Atención prioritaria y desgloses -----------------------------------------------------------------
def _calificacion(entidad, oferente, notas, fecha, **extra):
    return Percepcion.objects.create(entidad=entidad, oferente=oferente, fecha=fecha, calidad=notas[0],
                                     pertinencia=notas[1], oportunidad=notas[2], **extra)


@pytest.fixture
def percepciones_conocidas(entidad_oferente, seguimiento_dnp, oferente):
    """Medellín (Eje Cafetero) 2,00 y 3,00 → 2,50 (bajo 3,5); Envigado 4,00; Cali (Pacífico) en la muestra
    de este mes y sin calificar; Envigado también en la muestra, pero calificado después del sorteo."""
    hoy = timezone.localdate()
    medellin, envigado, cali = (factories.alcaldia(c) for c in ("05001", "05266", "76001"))
    t1, t2 = Tema.objects.order_by("pk")[:2]
    a1 = _asesoria(entidad_oferente, medellin, oferente)
    a1.temas.set([t1])
    e2 = services.evento_registrar(oferente=entidad_oferente, nombre="Encuentro", entidades=[medellin, envigado],
                                   fecha=CORTE, modalidad=Modalidad.objects.order_by("pk").first(),
                                   canal=Canal.objects.order_by("pk").first(), por=oferente, temas=[t1, t2])
    _calificacion(medellin, entidad_oferente, (2, 2, 2), hoy - timedelta(days=10), asesoria=a1)
    _calificacion(medellin, entidad_oferente, (3, 3, 3), hoy, evento=e2)
    _calificacion(envigado, entidad_oferente, (4, 4, 4), hoy, evento=e2)
    muestra = MuestraPercepcion.objects.create(periodo=hoy.replace(day=1), semilla=1, universo=3)
    muestra.entidades.set([cali, envigado])
    return {"medellin": medellin, "envigado": envigado, "cali": cali, "t1": t1, "t2": t2}


def test_atencion_prioritaria_con_numeros_conocidos(percepciones_conocidas, seguimiento_dnp, client):
    filas = selectors.atencion_prioritaria(seguimiento_dnp)
    assert [(f["entidad"].nombre, f["n"], f["promedio"]) for f in filas] == [
        (percepciones_conocidas["medellin"].nombre, 2, D("2.50")),
        (percepciones_conocidas["cali"].nombre, 0, None),
    ]
    assert str(filas[1]["motivos"][0]).startswith("sin seguimiento en la muestra de")
    client.force_login(seguimiento_dnp)
    r = client.get("/seguimiento/percepcion/atencion/?formato=csv")
    texto = r.getvalue().decode("utf-8-sig")
    assert r.status_code == 200 and "calificación bajo el umbral" in texto and "2.5" in texto
    api = APIClient()
    api.force_authenticate(seguimiento_dnp)
    assert [f["nombre"] for f in api.get("/api/v1/seguimiento/atencion-prioritaria/").json()] == [
        f["entidad"].nombre for f in filas]


def test_atencion_prioritaria_de_otra_et_no_se_ve(percepciones_conocidas, funcionario_cali):
    """Cali ve solo lo suyo: su falta de seguimiento, no la calificación baja de Medellín."""
    assert [f["entidad"].pk for f in selectors.atencion_prioritaria(funcionario_cali)] == [
        percepciones_conocidas["cali"].pk]


def test_calificaciones_por_region_y_tema(percepciones_conocidas, seguimiento_dnp):
    por_region = {f["clave"]: (f["n"], f["promedio"], f["insatisfechas"])
                  for f in selectors.percepcion_por_region(seguimiento_dnp)}
    assert por_region == {"eje_cafetero": (3, D("3.00"), 2)}  # Medellín y Envigado: (2 + 3 + 4) / 3
    t1, t2 = percepciones_conocidas["t1"], percepciones_conocidas["t2"]
    por_tema = {f["clave"]: (f["n"], f["promedio"]) for f in selectors.percepcion_por_tema(seguimiento_dnp)}
    # t1: la asesoría (2) y el evento dos veces (3 y 4) → 3,00; t2: solo el evento (3 y 4) → 3,50.
    assert por_tema == {t1.pk: (3, D("3.00")), t2.pk: (2, D("3.50"))}
    api = APIClient()
    api.force_authenticate(seguimiento_dnp)
    r = api.get("/api/v1/seguimiento/percepcion-desglose/", {"por": "tema"})
    assert {f["clave"]: f["promedio"] for f in r.json()} == {str(t1.pk): "3.00", str(t2.pk): "3.50"}


@pytest.mark.parametrize("n", [10, 1000])
def test_paginas_de_percepcion_con_consultas_fijas(client, seguimiento_dnp, entidad_oferente, n,
                                                   django_assert_max_num_queries):
    from att.models import Entidad, TipoEntidad

    ets = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).order_by("pk")[:n])
    hoy = timezone.localdate()
    Percepcion.objects.bulk_create([Percepcion(entidad=e, oferente=entidad_oferente, fecha=hoy, calidad=1 + i % 5,
                                               pertinencia=2, oportunidad=3) for i, e in enumerate(ets)])
    ConsentimientoPercepcion.objects.bulk_create([ConsentimientoPercepcion(
        entidad=e, otorgado_en=timezone.now(), otorgado_por=seguimiento_dnp) for e in ets])
    m = MuestraPercepcion.objects.create(periodo=hoy.replace(day=1), semilla=1, universo=n)
    m.entidades.set(ets[: n // 2])
    client.force_login(seguimiento_dnp)
    for url, tope in (("/seguimiento/percepcion/atencion/", 14), ("/seguimiento/percepcion/desglose/", 10),
                      ("/seguimiento/percepcion/desglose/?por=tema", 13),
                      ("/seguimiento/percepcion/consentimiento/", 12), ("/seguimiento/costo/", 14),
                      ("/seguimiento/evaluaciones/", 12)):
        with django_assert_max_num_queries(tope):
            assert client.get(url).status_code == 200, url


# --- 4. Costo por ET asistida y evaluación -----------------------------------------------------------------
def test_costo_por_et_asistida_con_numeros_conocidos(entidad_oferente, oferente, seguimiento_dnp, client):
    """Línea 1: 900.000 COP, tres ETs focalizadas, llegó a dos. Línea 2: 300.000, llegó a una de esas dos.
    Oferente: 1.200.000 ÷ 2 ETs asistidas = 600.000. Tema 1 (línea 1): 900.000 ÷ 2 = 450.000; tema 2: 300.000."""
    medellin, envigado, itagui = (factories.alcaldia(c) for c in ("05001", "05266", "05360"))
    t1, t2 = Tema.objects.order_by("pk")[:2]
    l1 = fabricas.linea(entidad_oferente, responsable=oferente, territorios=[medellin, envigado, itagui],
                        temas=[t1], aprobado=True)
    l2 = fabricas.linea(entidad_oferente, responsable=oferente, territorios=[medellin], temas=[t2], aprobado=True)
    type(l1).objects.filter(pk=l1.pk).update(inversion=900_000)
    type(l2).objects.filter(pk=l2.pk).update(inversion=300_000)
    _alcanza(l1, [medellin, envigado], oferente, seguimiento_dnp)
    _alcanza(l2, [medellin], oferente, seguimiento_dnp)
    # Puntos de capacidad (att.selectors.ganancia_capacidad): Medellín 2 → 4 (+2), Envigado 3 → 4 (+1).
    from att.models import Capacidad, DiagnosticoCapacidad, ValoracionCapacidad

    capacidad = Capacidad.objects.order_by("pk").first()
    for et, base, ultimo in ((medellin, 2, 4), (envigado, 3, 4)):
        for fecha, valor in ((date(2025, 1, 10), base), (date(2026, 9, 10), ultimo)):
            d = DiagnosticoCapacidad.objects.create(entidad=et, fecha=fecha, realizado_por=seguimiento_dnp)
            ValoracionCapacidad.objects.create(diagnostico=d, capacidad=capacidad, valor=valor)
    [fila] = selectors.costo_asistencia(seguimiento_dnp, por="oferente")
    assert (fila["inversion"], fila["ets"], fila["costo_et"]) == (D(1_200_000), 2, D(600_000))
    assert (fila["puntos"], fila["costo_punto"]) == (D(3), D(400_000))
    por_tema = {f["clave"]: (f["ets"], f["costo_et"], f["costo_punto"])
                for f in selectors.costo_asistencia(seguimiento_dnp, por="tema")}
    assert por_tema == {t1.pk: (2, D(450_000), D(300_000)), t2.pk: (1, D(300_000), D(150_000))}
    client.force_login(seguimiento_dnp)
    r = client.get("/seguimiento/costo/?formato=csv")
    assert r.status_code == 200 and "600000" in r.getvalue().decode("utf-8-sig")
    assert client.get("/seguimiento/costo/?formato=xlsx").status_code == 200
    api = APIClient()
    api.force_authenticate(seguimiento_dnp)
    assert api.get("/api/v1/seguimiento/costo/", {"por": "oferente"}).json()[0]["costo_et"] == "600000"


def test_costo_no_lo_ve_la_et(funcionario_medellin, client):
    client.force_login(funcionario_medellin)
    assert client.get("/seguimiento/costo/").status_code == 403


def test_evaluacion_intermedia_y_final(linea, oferente, otro_oferente, seguimiento_dnp, client):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(ValidationError, match="Registre primero la evaluación intermedia"):
        services.evaluacion_registrar(linea=linea, tipo="final", resultado="cumple", hallazgos="Bien", por=oferente)
    with pytest.raises(PermissionDenied, match="Solo el oferente de la línea"):
        services.evaluacion_registrar(linea=linea, tipo="intermedia", resultado="cumple", hallazgos="x",
                                      por=otro_oferente)
    e = services.evaluacion_registrar(linea=linea, tipo="intermedia", resultado="parcial", hallazgos="Va lento",
                                      por=oferente)
    assert (e.fecha, e.avance_linea) == (timezone.localdate(), D("0.00"))
    again = services.evaluacion_registrar(linea=linea, tipo="intermedia", resultado="parcial",
                                          hallazgos="Va lento, ajustado", por=oferente)
    assert again.pk == e.pk and EvaluacionLinea.objects.count() == 1
    client.force_login(seguimiento_dnp)
    r = client.post(f"/seguimiento/lineas/{linea.pk}/evaluacion/", {"tipo": "final", "resultado": "cumple",
                                                                    "hallazgos": "Cumplió"})
    assert r.status_code == 302
    api = APIClient()
    api.force_authenticate(oferente)
    tipos = sorted(x["tipo"] for x in api.get("/api/v1/seguimiento/evaluaciones/").json()["results"])
    assert tipos == ["final", "intermedia"]
    r = api.post("/api/v1/seguimiento/evaluaciones/", {"linea": linea.pk, "tipo": "final", "resultado": "otro",
                                                       "hallazgos": "x"}, format="json")
    assert r.status_code == 400


# --- 5. Sección «Percepción» del perfil y su empalme ----------------------------------------------------------
def test_seccion_percepcion_del_perfil_y_empalme(medellin, funcionario_medellin, funcionario_cali, con_consentimiento,
                                                 linea_recibida, entidad_oferente, django_assert_max_num_queries):
    from att import perfil
    from seguimiento import perfil_percepcion

    assert "percepcion" in {s.clave for s in perfil.secciones()}
    services.percepcion_registrar(entidad=medellin, calidad=2, pertinencia=3, oportunidad=4, linea=linea_recibida,
                                  por=funcionario_medellin)
    with django_assert_max_num_queries(4):
        datos = perfil_percepcion.datos(medellin, funcionario_medellin)
        assert datos["totales"]["n"] == 1 and datos["consentimiento"].vigente
        assert datos["recientes"][0]["asistencia"] == f"Línea: {linea_recibida.oferta.nombre}"
    assert perfil_percepcion.datos(medellin, funcionario_cali) is None
    hojas = {h[0]: h[2] for h in perfil_percepcion.empalme(medellin)}
    assert hojas["Calificaciones dadas"][0][1:7] == [entidad_oferente.nombre, f"Línea: {linea_recibida.oferta.nombre}",
                                                    2, 3, 4, D("3.00")]
    assert hojas["Consentimiento"][0][0] == "vigente"


def test_migracion_ata_las_calificaciones_existentes_sin_tocar_lo_escrito(medellin, entidad_oferente, oferente,
                                                                         otro_oferente, seguimiento_dnp):
    """seguimiento.0016: con línea → oferente del plan; con oferente → su asesoría, su evento o su línea que
    alcanzó a la ET; de un oferente que nunca asistió → queda sin atar, con sus calificaciones y comentario."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    linea = fabricas.linea(entidad_oferente, responsable=oferente, territorios=[medellin], aprobado=True)
    _alcanza(linea, [medellin], oferente, seguimiento_dnp)
    asesoria = _asesoria(entidad_oferente, medellin, oferente, fecha=date(2026, 5, 1))
    nunca = otro_oferente.membresias.first().entidad
    con_linea = _calificacion(medellin, None, (4, 4, 4), date(2026, 7, 1), linea=linea, comentario="Bien")
    con_oferente = _calificacion(medellin, entidad_oferente, (3, 2, 1), date(2026, 5, 20), comentario="Tarde")
    antes = _calificacion(medellin, entidad_oferente, (5, 5, 5), date(2026, 4, 1))  # antes de la asesoría
    ajena = _calificacion(medellin, nunca, (1, 1, 1), date(2026, 7, 1), comentario="¿Quién?")
    migracion = MigrationLoader(connection).get_migration("seguimiento", "0016_percepcion_atada_datos")
    with connection.cursor() as cursor:
        for _vez in range(2):  # volver a correrla no cambia nada
            for operacion in migracion.operations:
                cursor.execute(operacion.sql)
    for p in (con_linea, con_oferente, antes, ajena):
        p.refresh_from_db()
    assert (con_linea.linea_id, con_linea.oferente_id, con_linea.comentario) == (linea.pk, entidad_oferente.pk, "Bien")
    assert (con_oferente.asesoria_id, con_oferente.comentario, con_oferente.oportunidad) == (asesoria.pk, "Tarde", 1)
    # La de abril no tenía asesoría previa: la ata la línea que alcanzó a Medellín (avance reportado).
    assert (antes.asesoria_id, antes.linea_id) == (None, linea.pk)
    assert (ajena.linea_id, ajena.asesoria_id, ajena.evento_id, ajena.comentario) == (None, None, None, "¿Quién?")
