"""Revisión: visibilidad del responsable, demandas que no están en atención, resumen del tablero,
redirecciones seguras y consultas fijas en las listas de cada rol."""

import re
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from att.models import Canal, Modalidad
from demanda.models import Demanda, EstadoDemanda
from seguimiento import selectors, services
from seguimiento.models import (
    Asesoria,
    Avance,
    EstadoLinea,
    EventoMasivo,
    Percepcion,
    ResumenTablero,
)
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db


def _validado(hito, porcentaje, dnp, por):
    a = services.avance_reportar(hito=hito, porcentaje=D(porcentaje), fecha_corte=date(2026, 6, 1),
                                 narrativa="Hecho", por=por)
    services.avance_validar(avance=a, por=dnp)
    return a


# --- Visibilidad coherente con el permiso de reportar ---------------------------------------------
def test_responsable_de_otra_entidad_ve_en_las_listas_la_linea_que_reporta(client, entidad_oferente, otro_oferente,
                                                                            seguimiento_dnp):
    l = fabricas.linea(entidad_oferente, responsable=otro_oferente)
    h = fabricas.hito(l, nombre="Taller de arranque")
    services.recalcular_linea(l)
    assert otro_oferente.has_perm("seguimiento.reportar_avance", l)
    assert selectors.estados_visibles(otro_oferente).filter(linea=l).exists()
    client.force_login(otro_oferente)
    assert f"/seguimiento/lineas/{l.pk}/" in client.get("/seguimiento/lineas/").content.decode()
    assert client.get("/api/v1/seguimiento/lineas/").json()["results"][0]["linea"] == l.pk
    a = services.avance_reportar(hito=h, porcentaje=D(20), fecha_corte=date(2026, 6, 1), narrativa="x",
                                 por=otro_oferente)
    assert selectors.avances_visibles(otro_oferente).filter(pk=a.pk).exists()


def test_responsable_sin_rol_de_oferente_ni_reporta_ni_ve(client, entidad_oferente, funcionario_medellin):
    l = fabricas.linea(entidad_oferente, responsable=funcionario_medellin)
    fabricas.hito(l)
    services.recalcular_linea(l)
    assert not funcionario_medellin.has_perm("seguimiento.reportar_avance", l)
    assert not selectors.estados_visibles(funcionario_medellin).filter(linea=l).exists()
    client.force_login(funcionario_medellin)
    assert client.get(f"/seguimiento/lineas/{l.pk}/").status_code == 404


def test_evidencia_de_otra_entidad_no_se_descarga(client, entidad_oferente, oferente, otro_oferente):
    l = fabricas.linea(entidad_oferente, responsable=oferente)
    h = fabricas.hito(l)
    a = services.avance_reportar(hito=h, porcentaje=D(10), fecha_corte=date(2026, 6, 1), narrativa="x", por=oferente,
                                 evidencias=[SimpleUploadedFile("acta.pdf", b"%PDF-1.4")])
    client.force_login(otro_oferente)
    assert client.get(f"/seguimiento/evidencias/{a.evidencias.get().pk}/").status_code == 404


# --- Asesorías y eventos: solo demandas en atención, y nada a medias ------------------------------
def _demanda(entidad_et, oferta, por, estado):
    return Demanda.objects.create(entidad=entidad_et, registrada_por=por, titulo="Formular el PDT",
                                  descripcion="Necesitamos apoyo", fuente="diagnostico_propio", oferta=oferta,
                                  estado=estado)


@pytest.mark.parametrize("estado", [EstadoDemanda.VINCULADA, EstadoDemanda.REMITIDA, EstadoDemanda.ATENDIDA,
                                    EstadoDemanda.REGISTRADA])
def test_asesoria_rechaza_demandas_que_no_estan_en_atencion_sin_guardar_nada(oferente, entidad_oferente,
                                                                            funcionario_medellin, estado):
    medellin = factories.alcaldia("05001")
    oferta = fabricas.oferta(entidad_oferente)
    buena = _demanda(medellin, oferta, funcionario_medellin, EstadoDemanda.EN_ATENCION)
    mala = _demanda(medellin, oferta, funcionario_medellin, estado)
    comunes = {"fecha": date(2026, 5, 1), "modalidad": Modalidad.objects.first(), "canal": Canal.objects.first(),
                   "por": oferente, "oferente": entidad_oferente, "demandas": [buena, mala]}
    mensaje = ("Solo se cierran con una asesoría o un evento las demandas «en atención». "
               f"No lo están: «Formular el PDT» ({mala.get_estado_display()}).")
    with pytest.raises(ValidationError, match=re.escape(mensaje)) as error:
        services.asesoria_registrar(entidad=medellin, **comunes)
    assert error.value.message_dict == {"demandas": [mensaje]}
    with pytest.raises(ValidationError, match=re.escape(mensaje)):
        services.evento_registrar(nombre="Encuentro", entidades=[medellin], **comunes)
    assert not Asesoria.objects.exists() and not EventoMasivo.objects.exists()
    buena.refresh_from_db()
    mala.refresh_from_db()
    assert (buena.estado, mala.estado) == (EstadoDemanda.EN_ATENCION, estado)


# --- Resumen del tablero mantenido por los servicios ----------------------------------------------
def _por_linea(dimension):
    umbrales = selectors.ConfiguracionSeguimiento.obtener().umbrales
    if dimension is None:
        return selectors.avance_consolidado(EstadoLinea.objects.all(), umbrales)
    return selectors.avance_por(EstadoLinea.objects.all(), dimension, umbrales)


def _limpio(filas):
    return [{k: f[k] for k in ("clave_id", "nombre", "lineas", "avance", "esperado", "semaforo", "al_dia",
                                "en_riesgo", "atrasado")} for f in filas]


def _nacional(dimension):
    umbrales = selectors.ConfiguracionSeguimiento.obtener().umbrales
    return selectors._resumen_nacional(dimension, None, None, umbrales)


def test_resumen_del_tablero_igual_al_calculo_por_linea(entidad_oferente, otro_oferente, oferente, seguimiento_dnp):
    otra = otro_oferente.membresias.first().entidad
    l1 = fabricas.linea(entidad_oferente, responsable=oferente, peso=2,
                        territorios=[factories.alcaldia("05001"), factories.alcaldia("76001")])
    l2 = fabricas.linea(otra, responsable=otro_oferente, territorios=[factories.alcaldia("05266")])
    h1, h2 = fabricas.hito(l1), fabricas.hito(l2, fecha=date(2026, 1, 31))
    _validado(h1, 40, seguimiento_dnp, oferente)
    _validado(h1, 70, seguimiento_dnp, oferente)  # la línea cambia: se resta la foto anterior
    _validado(h2, 10, seguimiento_dnp, otro_oferente)
    for dimension in ("entidad", "departamento", "tema", "asesor"):
        assert _limpio(_nacional(dimension)) == _limpio(_por_linea(dimension)), dimension
    total = _nacional(None)
    assert (total["lineas"], total["avance"]) == (2, _por_linea(None)["avance"])
    # La reconstrucción diaria da lo mismo que la suma incremental.
    antes = sorted(ResumenTablero.objects.filter(lineas__gt=0).values_list(
        "agenda_id", "entidad_id", "dimension", "clave", "suma_pesos", "suma_avance", "lineas", "atrasado"))
    services.recalcular_todas(hoy=date(2026, 6, 30))
    services.recalcular_todas()
    despues = sorted(ResumenTablero.objects.filter(lineas__gt=0).values_list(
        "agenda_id", "entidad_id", "dimension", "clave", "suma_pesos", "suma_avance", "lineas", "atrasado"))
    assert antes == despues
    # Una línea borrada deja de sumar.
    l2.delete()
    assert _nacional(None)["lineas"] == 1
    assert [f["clave_id"] for f in _nacional("entidad")] == [entidad_oferente.pk]


def test_tablero_dnp_filtrado_por_entidad_y_agenda(client, entidad_oferente, otro_oferente, oferente,
                                                  seguimiento_dnp):
    otra = otro_oferente.membresias.first().entidad
    l1 = fabricas.linea(entidad_oferente, responsable=oferente)
    l2 = fabricas.linea(otra, responsable=otro_oferente)
    _validado(fabricas.hito(l1), 80, seguimiento_dnp, oferente)
    _validado(fabricas.hito(l2), 20, seguimiento_dnp, otro_oferente)
    client.force_login(seguimiento_dnp)
    assert 'id="avance-total">50,0 %' in client.get("/seguimiento/").content.decode()
    r = client.get(f"/seguimiento/?entidad={entidad_oferente.pk}&agenda={l1.plan.agenda_id}")
    assert 'id="avance-total">80,0 %' in r.content.decode()
    r = client.get("/seguimiento/?agenda=999999")
    assert 'id="avance-total">Sin líneas en seguimiento</p>' in r.content.decode()


# --- Redirección después de revisar ---------------------------------------------------------------
def test_revisar_no_redirige_a_otro_sitio(client, entidad_oferente, oferente, seguimiento_dnp):
    l = fabricas.linea(entidad_oferente, responsable=oferente)
    a = services.avance_reportar(hito=fabricas.hito(l), porcentaje=D(5), fecha_corte=date(2026, 6, 1),
                                 narrativa="x", por=oferente)
    client.force_login(seguimiento_dnp)
    r = client.post(f"/seguimiento/avances/{a.pk}/revisar/", {"decision": "validar", "volver": "https://malo.example/"})
    assert r.status_code == 302 and r["Location"] == "/seguimiento/avances/pendientes/"
    assert Avance.objects.get(pk=a.pk).estado == "validado"


# --- Consultas fijas en las listas y tableros de cada rol ------------------------------------------
def _datos(n, entidad_oferente, oferente, seguimiento_dnp):
    from att.models import Entidad, TipoEntidad

    territorios = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).order_by("pk")[:n])
    for i in range(n):
        l = fabricas.linea(entidad_oferente, responsable=oferente, territorios=[territorios[i]], aprobado=True)
        h = fabricas.hito(l)
        services.avance_reportar(hito=h, porcentaje=D(10), fecha_corte=date(2026, 6, 1), narrativa="x", por=oferente,
                                 evidencias=[SimpleUploadedFile(f"a{i}.pdf", b"%PDF-1.4")])
        fabricas.indicador(entidad_oferente, nombre=f"Indicador {i}")
        Percepcion.objects.create(entidad=territorios[i], calidad=4, pertinencia=4, oportunidad=5,
                                  registrada_por=seguimiento_dnp, oferente=entidad_oferente, fecha=date(2026, 6, 1))
    services.recalcular_todas()


@pytest.mark.parametrize("n", [10, 40])
def test_consultas_fijas_por_rol(client, entidad_oferente, oferente, seguimiento_dnp, auditor,
                                 django_assert_max_num_queries, n):
    _datos(n, entidad_oferente, oferente, seguimiento_dnp)
    rutas = ["/seguimiento/", "/seguimiento/lineas/", "/seguimiento/indicadores/", "/seguimiento/percepcion/",
             "/seguimiento/asistencia/", "/seguimiento/informes/", "/api/v1/seguimiento/lineas/"]
    for usuario, extra in ((oferente, []), (seguimiento_dnp, ["/seguimiento/avances/pendientes/"]),
                           (auditor, ["/seguimiento/avances/pendientes/"])):
        client.force_login(usuario)
        for ruta in rutas + extra:
            selectors.invalidar_tablero()
            with django_assert_max_num_queries(25):
                assert client.get(ruta).status_code == 200, (usuario, ruta)


def test_regla_del_semaforo_con_numeros_legibles():
    from seguimiento.models import ConfiguracionSeguimiento

    conf = ConfiguracionSeguimiento(umbral_riesgo=D("10.00"), umbral_atraso=D("27.50"))
    texto = selectors.regla_semaforo(conf)
    assert "desde 10 y menos de 27,5 puntos" in texto and "E+" not in texto


def test_evidencia_de_asesoria_solo_para_el_oferente_y_quien_lee_todo(client, oferente, otro_oferente, auditor,
                                                                    entidad_oferente):
    a = services.asesoria_registrar(
        oferente=entidad_oferente, entidad=factories.alcaldia("05001"), fecha=date(2026, 5, 1),
        modalidad=Modalidad.objects.first(), canal=Canal.objects.first(), por=oferente,
        evidencia=SimpleUploadedFile("lista.pdf", b"%PDF-1.4 lista"))
    url = f"/seguimiento/asistencia/asesoria/{a.pk}/evidencia/"
    client.force_login(oferente)
    assert url in client.get("/seguimiento/asistencia/").content.decode()
    assert client.get(url).status_code == 200
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    client.force_login(otro_oferente)
    assert client.get(url).status_code == 404
    assert client.get(f"/seguimiento/asistencia/otro/{a.pk}/evidencia/").status_code == 404
