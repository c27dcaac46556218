"""El arnés de medida HTTP (bench/arnes_http.py) sin servidor: lectura de wrk, razones y metas."""

import importlib.util
import sys
from pathlib import Path

import pytest

_ruta = Path(__file__).resolve().parents[2] / "bench" / "arnes_http.py"
_spec = importlib.util.spec_from_file_location("arnes_http", _ruta)
arnes = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("arnes_http", arnes)  # las dataclasses buscan su módulo
_spec.loader.exec_module(arnes)

SALIDA_TEXTO = """Running 2s test @ http://127.0.0.1:8729/nada
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.27ms   11.45ms  78.83ms   87.11%
    Req/Sec   493.56    460.00     2.24k    82.05%
  Latency Distribution
     50%  812.00us
     75%   10.06ms
     90%   23.78ms
     99%    1.20s
  1958 requests in 2.01s, 0.97MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    974.81
Transfer/sec:    495.02KB
"""

SALIDA_LUA = SALIDA_TEXTO + (
    '{"arnes_wrk": 1, "solicitudes": 1958, "duracion_us": 2008589, "bytes": 1018160, "errores_conexion": 0, '
    '"errores_lectura": 0, "errores_escritura": 0, "errores_estado": 4, "errores_tiempo": 1, "p50_us": 3194, '
    '"p90_us": 23778, "p99_us": 51878, "media_us": 8273.8, "max_us": 78832}\n'
)


@pytest.mark.parametrize(("texto", "ms"), [("812.00us", 0.812), ("1.23ms", 1.23), ("2.01s", 2010.0), ("1.00m", 60000.0)])
def test_unidades_de_wrk(texto, ms):
    assert arnes.a_ms(texto) == pytest.approx(ms)


def test_unidad_desconocida():
    with pytest.raises(ValueError):
        arnes.a_ms("3 días")


def test_lee_la_salida_de_texto_de_latency():
    c = arnes.leer_wrk(SALIDA_TEXTO)
    assert c.p50_ms == pytest.approx(0.812)
    assert c.p99_ms == pytest.approx(1200.0)
    assert c.rps == pytest.approx(974.81)
    assert c.solicitudes == 1958
    assert c.errores == 2 + 3 + 7


def test_prefiere_la_linea_del_script_lua():
    c = arnes.leer_wrk(SALIDA_LUA)
    assert c.p50_ms == pytest.approx(3.194)
    assert c.p99_ms == pytest.approx(51.878)
    assert c.rps == pytest.approx(1958 / 2.008589)
    assert c.errores == 5


def test_sin_solicitudes_no_hay_percentiles():
    c = arnes.leer_wrk('{"arnes_wrk": 1, "solicitudes": 0, "duracion_us": 3000000, "bytes": 0, "errores_conexion": 0, '
                       '"errores_lectura": 0, "errores_escritura": 0, "errores_estado": 0, "errores_tiempo": 1, '
                       '"p50_us": 0, "p90_us": 0, "p99_us": 0, "media_us": 0, "max_us": 0}')
    assert (c.p50_ms, c.p99_ms, c.rps, c.errores) == (None, None, 0.0, 1)


def test_salida_rota_falla():
    with pytest.raises(ValueError):
        arnes.leer_wrk("unable to connect to 127.0.0.1:8720 Connection refused")


def test_resumen_de_corridas():
    r = arnes.Resumen(corridas=[arnes.Corrida(10, 30, 100, 300), arnes.Corrida(14, 80, 90, 270),
                                arnes.Corrida(12, 40, 95, 285, errores=1)], suelo_ms=[5, 6, 7, 100])
    assert r.p50_ms == 12
    assert r.p99_ms == 80  # el peor p99
    assert r.rps == 95
    assert (r.solicitudes, r.errores) == (855, 1)
    assert r.suelo == 6.5
    assert arnes.razon(r.p50_ms, r.suelo) == pytest.approx(12 / 6.5)


def test_razon_sin_suelo_es_none():
    assert arnes.razon(10, 0) is None
    assert arnes.razon(None, 5) is None
    assert arnes.razon(10, 4) == 2.5


def _resultados(p50_1, suelo, rps_8, techo_8):
    return {
        ("portal_facetas", arnes.FRIA, 1): arnes.Resumen([arnes.Corrida(p50_1, p50_1, 1, 10)], [suelo]),
        ("portal_facetas", arnes.FRIA, 8): arnes.Resumen([arnes.Corrida(50, 90, rps_8, 100)], [suelo]),
        ("techo", arnes.FRIA, 8): arnes.Resumen([arnes.Corrida(2, 5, techo_8, 1000)]),
    }


def test_metas_cumple_y_no_cumple():
    bien = _resultados(p50_1=15, suelo=10, rps_8=250, techo_8=1000)
    assert arnes.valor_meta(bien, "portal_facetas", "razon", arnes.FRIA) == pytest.approx(1.5)
    assert arnes.evaluar("razon", 1.5, 1.5) == "CUMPLE"  # en el límite cumple
    assert arnes.valor_meta(bien, "portal_facetas", "techo", arnes.FRIA) == pytest.approx(25)
    assert arnes.evaluar("techo", 25, 25) == "CUMPLE"
    mal = _resultados(p50_1=22.6, suelo=11.5, rps_8=88, techo_8=1000)
    assert arnes.evaluar("razon", arnes.valor_meta(mal, "portal_facetas", "razon", arnes.FRIA), 1.5) == "NO CUMPLE"
    assert arnes.evaluar("techo", arnes.valor_meta(mal, "portal_facetas", "techo", arnes.FRIA), 25) == "NO CUMPLE"
    # Sin la corrida caliente no hay cifra.
    assert arnes.valor_meta(mal, "portal_facetas", "techo", arnes.CALIENTE) is None
    assert arnes.evaluar("techo", None, 25) == "SIN DATOS"


def test_el_techo_se_parea_con_las_corridas_que_rodean_a_la_ruta():
    """Cada corrida de la ruta contra el promedio del techo de antes y de después (mediana de esas razones):
    el ruido de un momento baja a los dos. La mejor corrida del techo queda como cota severa en la tabla."""
    c = arnes.Corrida
    resultados = {
        ("techo", arnes.CALIENTE, 8): arnes.Resumen([c(2, 5, 2000, 1, orden=0), c(2, 5, 1200, 1, orden=3),
                                                     c(2, 5, 1000, 1, orden=6), c(2, 5, 1400, 1, orden=9)]),
        # Entre 2.000 y 1.200 (promedio 1.600): 400 → 25 %; entre 1.200 y 1.000: 330 → 30 %; 280/1.200 → 23,3 %.
        ("api_ofertas", arnes.CALIENTE, 8): arnes.Resumen([c(9, 20, 400, 1, orden=1), c(9, 20, 330, 1, orden=4),
                                                           c(9, 20, 280, 1, orden=8)]),
    }
    assert arnes.techo_pareado(resultados, "api_ofertas", arnes.CALIENTE, 8) == pytest.approx(0.25)
    assert arnes.valor_meta(resultados, "api_ofertas", "techo", arnes.CALIENTE) == pytest.approx(25)
    assert arnes.techo_de(resultados, arnes.CALIENTE, 8) == 2000  # 330 / 2.000: 16,5 % contra el mejor
    rutas = [arnes.Ruta("techo", "Techo", "/salud/vivo"), arnes.Ruta("api_ofertas", "API", "/api/v1/ofertas/")]
    texto = arnes.tabla(rutas, resultados)
    assert "| 1 300.0 (mejor 2 000.0) |" in texto and "| 25 % (del mejor: 16 %) |" in texto
    metas = arnes.tabla_metas(rutas, resultados, None)
    assert "| API: 8 conexiones ≥ 25 % del techo | — SIN DATOS | 25 % CUMPLE (del mejor: 16 %) | caliente |" in metas
    # Una corrida antes del primer techo (o después del último) se compara con el único vecino.
    resultados[("api_ofertas", arnes.CALIENTE, 8)].corridas = [c(9, 20, 700, 1, orden=10)]
    assert arnes.techo_pareado(resultados, "api_ofertas", arnes.CALIENTE, 8) == pytest.approx(0.5)
    assert arnes.techo_pareado(resultados, "api_ofertas", arnes.FRIA, 8) is None


def test_el_techo_se_mide_varias_veces_por_ronda():
    rutas = [arnes.Ruta("techo", "Techo", "/salud/vivo")] + [arnes.Ruta(f"r{i}", f"R{i}", f"/{i}") for i in range(7)]
    claves = [r.clave for r in arnes.secuencia_de_ronda(rutas, cada=3)]
    assert claves == ["techo", "r0", "r1", "r2", "techo", "r3", "r4", "r5", "techo", "r6", "techo"]
    # Sin el techo entre las rutas pedidas, la ronda es la de ellas.
    assert [r.clave for r in arnes.secuencia_de_ronda(rutas[1:3], cada=3)] == ["r0", "r1"]


def test_tablas_markdown():
    rutas = [arnes.Ruta("techo", "Techo", "/salud/vivo"), arnes.Ruta("portal_facetas", "Portal: 2 facetas", "/oferta/")]
    resultados = _resultados(p50_1=30, suelo=10, rps_8=100, techo_8=1000)
    texto = arnes.tabla(rutas, resultados)
    assert "| Portal: 2 facetas (`/oferta/`) | fría | 1 | 30.0 |" in texto
    assert "| 3.00× |" in texto and "| 10 % (del mejor: 10 %) |" in texto
    metas = arnes.tabla_metas(rutas, resultados, {"modo": arnes.FRIA, "sola": {"primer_byte_s": 0.4, "total_s": 29.7,
                                                                               "completa": True},
                                                  "crecimiento_mib": 90.0, "razon_busqueda": 1.4})
    assert "Portal: 2 facetas: 1 conexión ≤ 1.5× su SQL | 3.00× NO CUMPLE | — SIN DATOS | fría | **NO CUMPLE** |" in metas
    assert "primer byte ≤ 1 s | 0.40 s | | fría | **CUMPLE** |" in metas
    assert "archivo entero ≤ 10 s | 29.70 s | | fría | **NO CUMPLE** |" in metas
    assert "**NO CUMPLE** |" in metas.split("memoria")[1].splitlines()[0]
    assert "dos exportaciones en curso ≤ 2× sin ellas | 1.40× | | fría | **CUMPLE** |" in metas


def test_exportacion_incompleta_no_cumple_el_total():
    metas = {t: (v, tipo, u) for t, v, tipo, u, _ in arnes.metas_exportacion(
        {"sola": {"primer_byte_s": 0.2, "total_s": 5.0, "completa": False}})}
    total = next(v for t, v in metas.items() if "archivo entero" in t)
    assert total[0] == 5.0
    assert arnes.evaluar(total[1], total[0], total[2]) == "NO CUMPLE"  # cortada, aunque antes de 10 s


def test_sentencias_medibles_lleva_los_set_local_y_deja_las_escrituras():
    capturadas = ["SET LOCAL statement_timeout = 100", "SELECT 1", 'UPDATE "django_session" SET x = 1',
                  "SAVEPOINT s1", "WITH t AS (SELECT 1) SELECT * FROM t", "INSERT INTO x VALUES (1)"]
    assert arnes.sentencias_medibles(capturadas) == [
        ("SELECT 1", ["SET LOCAL statement_timeout = 100"]),
        ("WITH t AS (SELECT 1) SELECT * FROM t", []),
    ]


def test_copia_la_tabla_en_el_readme_entre_sus_marcas(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Benchmarks\n\nantes\n{arnes.MARCA_INICIO}\nvieja\n{arnes.MARCA_FIN}\ndespués\n")
    arnes.poner_en_readme(readme, "# Medida HTTP\n\n## Metas\n\n| a |\n")
    texto = readme.read_text()
    assert "vieja" not in texto
    assert f"antes\n{arnes.MARCA_INICIO}\n### Medida HTTP\n\n#### Metas\n\n| a |\n{arnes.MARCA_FIN}\ndespués\n" in texto
    # Sin marcas no toca el archivo.
    otro = tmp_path / "OTRO.md"
    otro.write_text("# nada\n")
    arnes.poner_en_readme(otro, "# Medida\n")
    assert otro.read_text() == "# nada\n"


def test_duracion_de_las_corridas_segun_la_latencia():
    assert arnes.duracion_corrida(5, 0.02) == 5
    assert arnes.duracion_corrida(5, 2.0) == arnes.MUESTRAS_MINIMAS * 2  # 5 muestras de 2 s
    assert arnes.duracion_corrida(5, 60.0) == arnes.DURACION_MAXIMA_S
    assert arnes.duracion_corrida(3, 0.1, rapido=True) == 3
    assert arnes.duracion_corrida(3, 60.0, rapido=True) == arnes.DURACION_MAXIMA_S // 2
    assert arnes.duracion_corrida(20, 60.0) == 20  # nunca menos que la base pedida


def test_el_servidor_medido_no_recicla_workers(monkeypatch):
    """Bajo wrk, max_requests reciclaría cada worker a los pocos segundos en medio de una corrida."""
    monkeypatch.delenv("ARNES_MAX_REQUESTS", raising=False)
    assert arnes.entorno_servidor(8720, "dummycache://")["GUNICORN_MAX_REQUESTS"] == "0"
    monkeypatch.setenv("ARNES_MAX_REQUESTS", "10000")
    assert arnes.entorno_servidor(8720, "dummycache://")["GUNICORN_MAX_REQUESTS"] == "10000"


def test_reparto_desigual_entre_workers():
    """Una corrida en que un worker gastó más del 80 % de la CPU de los dos se repite; el 80 % justo no."""
    assert arnes.reparto_desigual({1: 0, 2: 0}, {1: 420, 2: 0}) is True
    assert arnes.reparto_desigual({1: 100, 2: 100}, {1: 181, 2: 119}) is True  # 81 de 100
    assert arnes.reparto_desigual({1: 0, 2: 0}, {1: 80, 2: 20}) is False  # 80 % justo
    assert arnes.reparto_desigual({1: 0, 2: 0}, {1: 330, 2: 320}) is False
    assert arnes.reparto_desigual({1: 0}, {1: 420}) is False  # un solo worker medido: nada que juzgar
    assert arnes.reparto_desigual({1: 5, 2: 5}, {1: 5, 2: 5}) is False  # sin CPU gastada
    assert arnes.reparto_desigual({1: 0, 2: 0}, {1: 400, 3: 10}) is False  # un worker nuevo no se compara


class _ServidorFalso:
    """Reparto por corrida: (ticks del worker 1, del worker 2)."""

    def __init__(self, repartos):
        self.repartos, self.ticks, self.reposos = list(repartos), {1: 0, 2: 0}, 0

    def ticks_por_worker(self):
        return dict(self.ticks)

    def correr(self):
        a, b = self.repartos.pop(0)
        self.ticks = {1: self.ticks[1] + a, 2: self.ticks[2] + b}

    def esperar_reposo(self):
        self.reposos += 1


def test_wrk_repartido_repite_las_corridas_de_un_solo_worker(monkeypatch):
    servidor = _ServidorFalso([(420, 0), (400, 10), (330, 320)])
    corridas = iter([arnes.Corrida(1, 2, 340, 1360), arnes.Corrida(1, 2, 345, 1380), arnes.Corrida(1, 2, 780, 3120)])

    def wrk_falso(*args):
        servidor.correr()
        return next(corridas)

    monkeypatch.setattr(arnes, "wrk", wrk_falso)
    ruta = arnes.Ruta("x", "X", "/x/")
    corrida, repetidas = arnes.wrk_repartido(servidor, 1, ruta, {}, 8, 3)
    assert (corrida.rps, repetidas, servidor.reposos) == (780, 2, 2)
    # Tras REPETICIONES_REPARTO repeticiones cuenta la última, aunque siga desigual.
    servidor = _ServidorFalso([(420, 0)] * 4)
    corridas = iter([arnes.Corrida(1, 2, 340 + i, 1360) for i in range(4)])
    corrida, repetidas = arnes.wrk_repartido(servidor, 1, ruta, {}, 8, 3)
    assert (corrida.rps, repetidas) == (343, arnes.REPETICIONES_REPARTO)
    # A 1 conexión no hay reparto que juzgar: una sola corrida.
    servidor = _ServidorFalso([(420, 0)])
    corridas = iter([arnes.Corrida(1, 2, 300, 900)])
    assert arnes.wrk_repartido(servidor, 1, ruta, {}, 1, 3)[1] == 0


@pytest.mark.django_db(transaction=True)
def test_mantener_base_deja_la_base_como_el_autovacuum(settings):
    """`VACUUM (ANALYZE)` de verdad, sin el límite de 15 s de las consultas web, y el límite vuelve después."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        [antes] = cursor.fetchone()
        cursor.execute("SET statement_timeout = '15s'")
    segundos = arnes.mantener_base()
    assert segundos >= 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = 'oferta_oferta'")
        vacuum, analyze = cursor.fetchone()
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"
    assert vacuum >= antes
    assert analyze >= antes
