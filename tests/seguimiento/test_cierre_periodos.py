"""Cierre de periodos: un mes cerrado no admite avances ni validaciones con corte en él (servicio,
página, administrador y API), ni fechas de corte futuras; cerrarlo es un acto del equipo DNP,
idempotente y auditado; cerrado, su informe emitido es el registro."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from indicadores import services as ind_services
from indicadores.models import CierrePeriodo
from seguimiento import services
from seguimiento.models import Avance, EstadoAvance, InformeMensual

pytestmark = pytest.mark.django_db
CERRADO = "El periodo 2026-03 está cerrado: no admite avances ni validaciones con fecha de corte en él."
REGISTRO = "El periodo 2026-03 está cerrado: el informe emitido es el registro y ya no se regenera."


def _reportar(linea, por, fecha):
    return services.avance_reportar(hito=linea.hitos.get(), porcentaje=D(40), fecha_corte=fecha,
                                    narrativa=f"Taller del {fecha}", por=por)


def test_servicio_limite_ultimo_dia_cerrado_primero_del_siguiente_abierto(linea, oferente, seguimiento_dnp):
    ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    with pytest.raises(ValidationError, match="El periodo 2026-03 está cerrado: no admite avances") as error:
        _reportar(linea, oferente, date(2026, 3, 31))
    assert error.value.message_dict == {"fecha_corte": [CERRADO]}
    with pytest.raises(ValidationError, match="El periodo 2026-03 está cerrado"):
        _reportar(linea, oferente, date(2026, 3, 1))
    assert not Avance.objects.exists()
    avance = _reportar(linea, oferente, date(2026, 4, 1))
    assert avance.fecha_corte == date(2026, 4, 1) and avance.estado == EstadoAvance.REPORTADO


def test_fecha_de_corte_futura_rechazada_hoy_aceptada(linea, oferente):
    hoy = timezone.localdate()
    with pytest.raises(ValidationError, match="La fecha de corte no puede ser futura"):
        _reportar(linea, oferente, hoy + timedelta(days=1))
    assert _reportar(linea, oferente, hoy).fecha_corte == hoy


def test_validar_en_mes_cerrado_rechazado_devolver_permitido(linea, oferente, seguimiento_dnp):
    a = _reportar(linea, oferente, date(2026, 3, 15))
    b = _reportar(linea, oferente, date(2026, 3, 20))
    ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    with pytest.raises(ValidationError, match=CERRADO):
        services.avance_validar(avance=a, por=seguimiento_dnp)
    a.refresh_from_db()
    assert a.estado == EstadoAvance.REPORTADO and linea.hitos.get().avance == 0
    # Devolverlo sí: el oferente lo vuelve a reportar con corte en un mes abierto.
    assert services.avance_devolver(avance=b, por=seguimiento_dnp, comentario="Repórtelo en abril").estado == \
        EstadoAvance.DEVUELTO


def test_pagina_rechaza_avance_y_validacion_en_mes_cerrado(client, linea, oferente, seguimiento_dnp):
    pendiente = _reportar(linea, oferente, date(2026, 3, 10))
    ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    client.force_login(oferente)
    r = client.post(f"/seguimiento/lineas/{linea.pk}/", {
        "accion": "avance", "hito": linea.hitos.get().pk, "porcentaje": "50", "fecha_corte": "2026-03-31",
        "narrativa": "Taller de marzo"})
    assert r.status_code == 200 and CERRADO in r.content.decode()
    assert Avance.objects.count() == 1
    client.force_login(seguimiento_dnp)
    r = client.post(f"/seguimiento/avances/{pendiente.pk}/revisar/", {"decision": "validar"}, follow=True)
    assert CERRADO in r.content.decode()
    assert Avance.objects.get(pk=pendiente.pk).estado == EstadoAvance.REPORTADO


def test_admin_rechaza_avance_y_validacion_en_mes_cerrado(client, linea, oferente, seguimiento_dnp):
    pendiente = _reportar(linea, oferente, date(2026, 3, 10))
    ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    client.force_login(seguimiento_dnp)
    r = client.post("/admin/seguimiento/avance/add/", {
        "hito": linea.hitos.get().pk, "porcentaje": "50", "fecha_corte": "2026-03-31", "narrativa": "Taller",
        "registrado_por": oferente.pk, "comentario_revision": "",
        "evidencias-TOTAL_FORMS": "0", "evidencias-INITIAL_FORMS": "0"})
    assert r.status_code == 200 and CERRADO in r.content.decode()
    assert Avance.objects.count() == 1
    r = client.post("/admin/seguimiento/avance/", {"action": "validar", "_selected_action": [pendiente.pk]},
                    follow=True)
    assert CERRADO in r.content.decode()
    assert Avance.objects.get(pk=pendiente.pk).estado == EstadoAvance.REPORTADO


def test_api_rechaza_avance_y_validacion_en_mes_cerrado(linea, oferente, seguimiento_dnp):
    pendiente = _reportar(linea, oferente, date(2026, 3, 10))
    ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.post("/api/v1/seguimiento/avances/", {"hito": linea.hitos.get().pk, "porcentaje": "30",
                                                  "fecha_corte": "2026-03-31", "narrativa": "Mesa técnica"})
    assert r.status_code == 400 and r.json() == {"fecha_corte": [CERRADO]}
    r = api.post("/api/v1/seguimiento/avances/", {"hito": linea.hitos.get().pk, "porcentaje": "30",
                                                  "fecha_corte": "2026-04-01", "narrativa": "Mesa técnica"})
    assert r.status_code == 201, r.content
    api.force_authenticate(seguimiento_dnp)
    r = api.post(f"/api/v1/seguimiento/avances/{pendiente.pk}/validar/", {}, format="json")
    assert r.status_code == 400 and CERRADO in str(r.json())
    assert Avance.objects.get(pk=pendiente.pk).estado == EstadoAvance.REPORTADO


def test_cerrar_es_del_dnp_idempotente_auditado_y_solo_meses_terminados(oferente, seguimiento_dnp, auditor):
    with pytest.raises(PermissionDenied, match="Solo el equipo de seguimiento del DNP cierra periodos"):
        ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=oferente)
    with pytest.raises(PermissionDenied):
        ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=auditor)
    primero = ind_services.periodo_cerrar(periodo=date(2026, 3, 17), por=seguimiento_dnp)
    otra_vez = ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    assert primero.pk == otra_vez.pk and CierrePeriodo.objects.count() == 1
    assert primero.periodo == date(2026, 3, 1) and primero.cerrado_por == seguimiento_dnp
    historia = list(primero.historial.all())
    assert [(h.history_type, h.history_user_id) for h in historia] == [("+", seguimiento_dnp.pk)]
    este_mes = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError, match="Solo se cierra un mes ya terminado"):
        ind_services.periodo_cerrar(periodo=este_mes, por=seguimiento_dnp)
    with pytest.raises(ValidationError, match="Solo se cierra un mes ya terminado"):
        ind_services.periodo_cerrar(periodo=este_mes + timedelta(days=40), por=seguimiento_dnp)
    anterior = (este_mes - timedelta(days=1)).replace(day=1)
    assert ind_services.periodo_cerrar(periodo=anterior, por=seguimiento_dnp).periodo == anterior


def test_pagina_de_periodos_cierra_y_es_solo_del_dnp(client, linea, oferente, seguimiento_dnp, auditor):
    client.force_login(oferente)
    assert client.get("/seguimiento/periodos/").status_code == 403
    assert client.post("/seguimiento/periodos/", {"periodo": "2026-03"}).status_code == 403
    client.force_login(auditor)
    r = client.get("/seguimiento/periodos/")
    assert r.status_code == 200 and "Cerrar periodo" not in r.content.decode()
    assert client.post("/seguimiento/periodos/", {"periodo": "2026-03"}).status_code == 403
    _reportar(linea, oferente, date(2026, 3, 10))
    client.force_login(seguimiento_dnp)
    r = client.get("/seguimiento/periodos/")
    fila = next(f for f in r.context["filas"] if f["periodo"] == date(2026, 3, 1))
    assert fila["pendientes"] == 1 and fila["cierre"] is None
    r = client.post("/seguimiento/periodos/", {"periodo": "2026-03"}, follow=True)
    assert "Periodo 2026-03 cerrado." in r.content.decode()
    client.post("/seguimiento/periodos/", {"periodo": "2026-03"})  # reenviar no cambia nada
    assert list(CierrePeriodo.objects.values_list("periodo", "cerrado_por")) == [(date(2026, 3, 1), seguimiento_dnp.pk)]
    este_mes = timezone.localdate().replace(day=1)
    r = client.post("/seguimiento/periodos/", {"periodo": f"{este_mes:%Y-%m}"}, follow=True)
    assert "Solo se cierra un mes ya terminado" in r.content.decode()
    assert CierrePeriodo.objects.count() == 1


@pytest.mark.parametrize("n", [2, 20])
def test_pagina_de_periodos_con_consultas_fijas(client, linea, oferente, seguimiento_dnp, django_assert_num_queries, n):
    for i in range(n):
        _reportar(linea, oferente, date(2025, 1 + i % 12, 1 + i))
    for mes in range(1, 1 + n % 12):
        CierrePeriodo.objects.create(periodo=date(2025, mes, 1), cerrado_por=seguimiento_dnp)
    client.force_login(seguimiento_dnp)
    client.get("/seguimiento/periodos/")  # calienta la sesión y la caché de permisos
    with django_assert_num_queries(5):
        assert client.get("/seguimiento/periodos/").status_code == 200


def test_informe_se_regenera_hasta_el_cierre_y_despues_es_el_registro(client, linea, seguimiento_dnp,
                                                                      django_capture_on_commit_callbacks):
    client.force_login(seguimiento_dnp)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/seguimiento/informes/", {"periodo": "2026-03"})
    informe = InformeMensual.objects.get()
    assert (informe.estado, informe.version) == ("listo", 1)
    with django_capture_on_commit_callbacks(execute=True):  # abierto: se regenera
        client.post("/seguimiento/informes/", {"periodo": "2026-03"})
    informe.refresh_from_db()
    assert informe.version == 2
    ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/seguimiento/informes/", {"periodo": "2026-03"}, follow=True)
    assert REGISTRO in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/admin/seguimiento/informemensual/", {"action": "regenerar", "_selected_action": [informe.pk]},
                        follow=True)
    assert REGISTRO in r.content.decode()
    informe.refresh_from_db()
    assert (informe.estado, informe.version) == ("listo", 2)


def test_admin_de_cierres_solo_agrega_meses_terminados_sin_cambiar_ni_borrar(client, seguimiento_dnp, admin_dnp):
    client.force_login(admin_dnp)
    hoy = timezone.localdate()
    r = client.post("/admin/indicadores/cierreperiodo/add/", {"periodo": hoy.replace(day=1).isoformat()})
    assert r.status_code == 200 and "Solo se cierra un mes ya terminado" in r.content.decode()
    assert not CierrePeriodo.objects.exists()
    r = client.post("/admin/indicadores/cierreperiodo/add/", {"periodo": "2026-03-15"})
    assert r.status_code == 302
    cierre = CierrePeriodo.objects.get()
    assert (cierre.periodo, cierre.cerrado_por) == (date(2026, 3, 1), admin_dnp)
    # Cambiar el periodo (reabrir marzo) o borrar el cierre: no.
    client.post(f"/admin/indicadores/cierreperiodo/{cierre.pk}/change/", {"periodo": "2026-02-01"})
    assert CierrePeriodo.objects.get().periodo == date(2026, 3, 1)
    assert client.post(f"/admin/indicadores/cierreperiodo/{cierre.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post("/admin/indicadores/cierreperiodo/", {"action": "delete_selected", "_selected_action": [cierre.pk],
                                                       "post": "yes"})
    assert CierrePeriodo.objects.filter(periodo=date(2026, 3, 1)).exists()


def test_hito_con_avances_en_mes_cerrado_no_se_borra(client, linea, oferente, seguimiento_dnp, admin_dnp):
    from seguimiento.models import Hito

    hito = linea.hitos.get()
    _reportar(linea, oferente, date(2026, 3, 20))
    libre = Hito.objects.create(linea=linea, nombre="Sin avances", peso=1, fecha_planeada=date(2026, 6, 1))
    ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    mensaje = "El hito «Diagnóstico» tiene avances con fecha de corte en el periodo cerrado 2026-03: no se puede borrar."
    with pytest.raises(ValidationError, match=mensaje):
        services.hito_eliminar(hito=hito, por=admin_dnp)
    client.force_login(admin_dnp)
    assert client.post(f"/admin/seguimiento/hito/{hito.pk}/delete/", {"post": "yes"}).status_code == 403
    r = client.post("/admin/seguimiento/hito/", {"action": "delete_selected", "_selected_action": [hito.pk, libre.pk],
                                                 "post": "yes"})
    assert r.status_code == 403
    assert client.post(f"/admin/seguimiento/hito/{libre.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(Hito.objects.filter(linea=linea).values_list("nombre", flat=True)) == ["Diagnóstico"]
    assert Avance.objects.filter(hito=hito).count() == 1
    # Un sub-hito con avances en el mes cerrado también protege a su padre (el borrado lo arrastraría).
    padre = Hito.objects.create(linea=linea, nombre="Padre", peso=1, fecha_planeada=date(2026, 6, 1))
    hijo = Hito.objects.create(linea=linea, padre=padre, nombre="Hijo", peso=1, fecha_planeada=date(2026, 3, 1))
    Avance.objects.create(hito=hijo, porcentaje=D(10), fecha_corte=date(2026, 3, 5), narrativa="x",
                          registrado_por=oferente)
    with pytest.raises(ValidationError, match="El hito «Padre» tiene avances"):
        services.hito_eliminar(hito=padre, por=admin_dnp)


def _otra_conexion():
    import psycopg
    from django.db import connection

    ajustes = connection.settings_dict
    return psycopg.connect(dbname=ajustes["NAME"], user=ajustes["USER"], host=ajustes["HOST"],
                           port=ajustes["PORT"] or 5432, password=ajustes["PASSWORD"] or None, autocommit=True)


def test_cerrar_espera_a_la_validacion_en_curso_y_la_validacion_al_cierre(linea, oferente, seguimiento_dnp):
    """Candado consultivo por mes: compartido al validar/reportar, exclusivo al cerrar."""
    from django.db import OperationalError, connection, transaction

    from att.bloqueos import clave_bloqueo

    clave = clave_bloqueo("indicadores.periodo", "2026-03-01")
    avance = _reportar(linea, oferente, date(2026, 3, 20))  # la transacción de la prueba tiene el compartido
    with _otra_conexion() as otra:
        # Otra sesión que quisiera cerrar marzo (exclusivo) no puede mientras la validación no termine.
        assert otra.execute("SELECT pg_try_advisory_lock(%s)", [clave]).fetchone()[0] is False
        assert otra.execute("SELECT pg_try_advisory_lock_shared(%s)", [clave]).fetchone()[0] is True
        otra.execute("SELECT pg_advisory_unlock_shared(%s)", [clave])
        # Una validación en curso en otra sesión (compartido): cerrar espera (aquí, hasta el tiempo límite).
        assert otra.execute("SELECT pg_try_advisory_lock_shared(%s)", [clave]).fetchone()[0] is True
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    assert not CierrePeriodo.objects.exists()
    avance.refresh_from_db()
    assert avance.estado == EstadoAvance.REPORTADO
