"""Informes seguros de correr dos veces: candado por informe, versión nueva con nombre único que
reemplaza a la anterior en un solo UPDATE, descarga de la última versión buena mientras se genera
otra, y detección de generaciones cuyo proceso murió."""

import io
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from att.bloqueos import candado, clave_bloqueo
from seguimiento import informes
from seguimiento.models import EstadoInforme, InformeMensual
from tests.hilos import en_hilo

PERIODO = date(2026, 10, 1)


def _archivos(raiz) -> list[str]:
    raiz = Path(raiz)
    return sorted(str(p.relative_to(raiz)) for p in raiz.rglob("*") if p.is_file())




def test_clave_del_candado_es_estable():
    # La misma en todo proceso y versión de Python (no depende de hash()); cabe en un bigint.
    assert informes.clave_informe("mensual", PERIODO, "nacional") == clave_bloqueo(
        "seguimiento.informe", "mensual", "2026-10", "nacional") == 8530560674386854722
    assert informes.clave_informe("mensual", PERIODO, "entidad-1") != informes.clave_informe(
        "mensual", PERIODO, "entidad-12")
    assert informes.clave_informe("semestral", date(2026, 12, 1), "nacional") != informes.clave_informe(
        "mensual", date(2026, 12, 1), "nacional")


# --- Dentro de una transacción de prueba --------------------------------------------------------
@pytest.mark.django_db
def test_descarga_la_version_anterior_mientras_se_genera_la_nueva(
        client, seguimiento_dnp, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        v1 = informes.generar(periodo=PERIODO)
    contenido_v1 = Path(v1.pdf.path).read_bytes()
    client.force_login(seguimiento_dnp)
    url = f"/seguimiento/informes/{v1.pk}/pdf/"
    vistos = []
    original = informes.generar_pdf

    def a_mitad(datos):
        fila = InformeMensual.objects.get()
        r = client.get(url)
        lista = client.get("/seguimiento/informes/").content.decode()
        vistos.append((fila.estado, r.status_code, b"".join(r.streaming_content),
                       "Se está generando una versión nueva" in lista))
        return original(datos)

    monkeypatch.setattr(informes, "generar_pdf", a_mitad)
    with django_capture_on_commit_callbacks(execute=True):
        v2 = informes.generar(periodo=PERIODO)
    assert vistos == [(EstadoInforme.GENERANDO, 200, contenido_v1, True)]
    assert (v2.version, v2.estado, v2.omitido) == (2, EstadoInforme.LISTO, False)
    assert "-v2-" in v2.pdf.name and not Path(v1.pdf.path).exists()
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content)[:4] == b"%PDF"


@pytest.mark.django_db
def test_si_falla_la_version_nueva_se_conserva_la_anterior(
        settings, client, seguimiento_dnp, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        v1 = informes.generar(periodo=PERIODO)
    antes = _archivos(settings.MEDIA_ROOT)

    def sin_espacio(datos):
        raise OSError("disco lleno")

    monkeypatch.setattr(informes, "generar_xlsx", sin_espacio)
    with pytest.raises(OSError, match="disco lleno"):
        informes.generar(periodo=PERIODO)
    fila = InformeMensual.objects.get()
    assert (fila.estado, fila.version, fila.pdf.name) == (EstadoInforme.FALLIDO, 1, v1.pdf.name)
    assert "disco lleno" in fila.error
    assert _archivos(settings.MEDIA_ROOT) == antes
    client.force_login(seguimiento_dnp)
    assert client.get(f"/seguimiento/informes/{v1.pk}/xlsx/").status_code == 200
    assert "La versión nueva falló" in client.get("/seguimiento/informes/").content.decode()


@pytest.mark.django_db
def test_archivos_de_una_version_que_murio_a_mitad_se_limpian(settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        v1 = informes.generar(periodo=PERIODO)
    carpeta = Path(v1.pdf.path).parent
    (carpeta / "informe-mensual-2026-10-nacional-v2-deadbeef.pdf").write_bytes(b"%PDF a medias")
    (carpeta / "informe-mensual-2026-10-nacional-otro-v1-12345678.pdf").write_bytes(b"%PDF de otro alcance")
    with django_capture_on_commit_callbacks(execute=True):
        v2 = informes.generar(periodo=PERIODO)
    assert sorted(p.name for p in carpeta.iterdir()) == sorted(
        [Path(v2.pdf.name).name, Path(v2.xlsx.name).name, "informe-mensual-2026-10-nacional-otro-v1-12345678.pdf"])


@pytest.mark.django_db
def test_generacion_atascada_se_relanza_y_al_repetirse_queda_fallida(
        settings, django_capture_on_commit_callbacks):
    settings.ATT_INFORME_RELANZAMIENTOS_MAX = 1
    with django_capture_on_commit_callbacks(execute=True):
        v1 = informes.generar(periodo=PERIODO)
    hace_una_hora = timezone.now() - timedelta(hours=1)
    # El proceso murió a mitad: «generándose», sin latido y con el candado libre.
    InformeMensual.objects.update(estado=EstadoInforme.GENERANDO, progreso=40, actualizado=hace_una_hora)
    with django_capture_on_commit_callbacks(execute=True):  # sin broker, la tarea corre al confirmar
        assert informes.revisar_atascados() == {"relanzados": 1, "fallidos": 0, "vivos": 0}
    fila = InformeMensual.objects.get()
    assert (fila.estado, fila.version, fila.relanzamientos, fila.intentos) == (EstadoInforme.LISTO, 2, 0, 2)

    # Ya relanzado una vez (el máximo) y otra vez muerto: queda fallido, con la versión 2 disponible.
    InformeMensual.objects.update(estado=EstadoInforme.GENERANDO, relanzamientos=1, actualizado=hace_una_hora)
    assert informes.revisar_atascados() == {"relanzados": 0, "fallidos": 1, "vivos": 0}
    fila = InformeMensual.objects.get()
    assert fila.estado == EstadoInforme.FALLIDO and "se interrumpió 2 veces" in fila.error
    assert fila.version == 2 and fila.pdf.name != v1.pdf.name and Path(fila.pdf.path).exists()

    # Un latido reciente no es un atasco.
    InformeMensual.objects.update(estado=EstadoInforme.GENERANDO, actualizado=timezone.now())
    assert informes.revisar_atascados() == {"relanzados": 0, "fallidos": 0, "vivos": 0}


@pytest.mark.django_db
def test_relanzado_en_cola_no_se_da_por_perdido_antes_del_visibility_timeout(
        settings, django_capture_on_commit_callbacks):
    settings.ATT_VISIBILITY_TIMEOUT_S = 2 * 3600
    with django_capture_on_commit_callbacks(execute=True):
        informes.generar(periodo=PERIODO)
    # Relanzado hace una hora: sigue en cola, quizá detrás de tareas largas. No se toca.
    InformeMensual.objects.update(estado=EstadoInforme.PENDIENTE, relanzamientos=1,
                                  actualizado=timezone.now() - timedelta(hours=1))
    assert informes.revisar_atascados() == {"relanzados": 0, "fallidos": 0, "vivos": 0}
    fila = InformeMensual.objects.get()
    assert (fila.estado, fila.relanzamientos, fila.version) == (EstadoInforme.PENDIENTE, 1, 1)
    # Pasado el visibility_timeout, el mensaje se perdió: se relanza.
    InformeMensual.objects.update(actualizado=timezone.now() - timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert informes.revisar_atascados() == {"relanzados": 1, "fallidos": 0, "vivos": 0}
    fila = InformeMensual.objects.get()
    assert (fila.estado, fila.version) == (EstadoInforme.LISTO, 2)


def _tarea(**parametros):
    from seguimiento.tasks import generar_informe_mensual

    return generar_informe_mensual.apply(args=["2026-10"], kwargs=parametros, throw=True).get()


@pytest.mark.django_db
def test_mensaje_original_que_llega_tras_el_relanzamiento_no_genera_otra_vez(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        informes.generar(periodo=PERIODO)
    pedido = timezone.now().isoformat()
    # El proceso que generaba lo pedido murió a mitad; revisar_atascados lo relanza y se genera la v2.
    InformeMensual.objects.update(estado=EstadoInforme.GENERANDO, actualizado=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert informes.revisar_atascados()["relanzados"] == 1
    assert InformeMensual.objects.get().version == 2
    # Redis devuelve a la cola el mensaje original (acks_late): ya hay una versión posterior al pedido.
    resultado = _tarea(solicitado_en=pedido)
    assert resultado["omitido"] and (resultado["version"], InformeMensual.objects.get().version) == (2, 2)
    # Un pedido posterior sí genera; y el beat (sin momento) genera siempre.
    assert _tarea(solicitado_en=timezone.now().isoformat())["version"] == 3
    assert _tarea()["version"] == 4


@pytest.mark.django_db
def test_en_cola_otra_vez_se_genera_aunque_el_momento_del_pedido_sea_viejo(django_capture_on_commit_callbacks):
    """Si el pedido nuevo se juntó con una salida vieja aún sin publicar (misma clave), el mensaje trae
    el momento viejo; la fila «en cola» dice que alguien lo pidió después de la última generación."""
    with django_capture_on_commit_callbacks(execute=True):
        v1 = informes.generar(periodo=PERIODO)
    InformeMensual.objects.update(estado=EstadoInforme.PENDIENTE)
    resultado = _tarea(solicitado_en=(v1.generado_en - timedelta(minutes=1)).isoformat())
    assert not resultado["omitido"] and resultado["version"] == 2


@pytest.mark.django_db
def test_pagina_admin_y_comando_piden_el_informe_con_su_momento(client, seguimiento_dnp):
    from django.core.management import call_command
    from django.utils.dateparse import parse_datetime

    from att.models import Salida
    from seguimiento.admin import _encolar_informe

    antes = timezone.now()
    client.force_login(seguimiento_dnp)
    assert client.post("/seguimiento/informes/", {"periodo": "2026-10"}).status_code == 302
    call_command("generar_informe_mensual", "--periodo", "2026-09", "--cola", stdout=io.StringIO())
    _encolar_informe(InformeMensual.objects.create(periodo=date(2026, 8, 1)))
    salidas = Salida.objects.filter(tarea="seguimiento.generar_informe_mensual").order_by("pk")
    assert [s.argumentos[0] for s in salidas] == ["2026-10", "2026-09", "2026-08"]
    for salida in salidas:
        assert antes <= parse_datetime(salida.parametros["solicitado_en"]) <= timezone.now()


# --- Con hilos y conexiones propias (transacciones reales) -----------------------------------------
@pytest.mark.django_db(transaction=True)
def test_dos_generaciones_a_la_vez_dejan_un_informe_y_un_par_de_archivos(settings, monkeypatch):
    v1 = informes.generar(periodo=PERIODO)
    original = informes.generar_pdf

    def lento(datos):
        time.sleep(1)  # la otra generación llega mientras esta tiene el candado
        return original(datos)

    monkeypatch.setattr(informes, "generar_pdf", lento)
    barrera = threading.Barrier(2)

    def generar():
        barrera.wait(10)
        return informes.generar(periodo=PERIODO)

    hilos = [en_hilo(generar) for _ in range(2)]
    for hilo, _r in hilos:
        hilo.join(60)
    assert [r.get("error") for _h, r in hilos] == [None, None]
    assert sorted(r["valor"].omitido for _h, r in hilos) == [False, True]
    fila = InformeMensual.objects.get()
    assert (fila.estado, fila.version, fila.intentos) == (EstadoInforme.LISTO, 2, 2)
    assert _archivos(settings.MEDIA_ROOT) == sorted([fila.pdf.name, fila.xlsx.name])
    assert v1.pdf.name not in (fila.pdf.name, fila.xlsx.name)


@pytest.mark.django_db(transaction=True)
def test_generacion_viva_pero_lenta_no_se_relanza():
    informes.generar(periodo=PERIODO)
    InformeMensual.objects.update(estado=EstadoInforme.GENERANDO, actualizado=timezone.now() - timedelta(hours=1))
    tomado, soltar = threading.Event(), threading.Event()

    def proceso_vivo():
        with candado(informes.clave_informe("mensual", PERIODO, "nacional")) as propio:
            tomado.set()
            soltar.wait(10)
            return propio

    hilo, resultado = en_hilo(proceso_vivo)
    assert tomado.wait(10)
    try:
        assert informes.revisar_atascados() == {"relanzados": 0, "fallidos": 0, "vivos": 1}
    finally:
        soltar.set()
        hilo.join(10)
    assert resultado["valor"] is True
    assert InformeMensual.objects.get().estado == EstadoInforme.GENERANDO
