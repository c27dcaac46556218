"""`att.cabeceras.GZipMiddleware`: el de Django con el deflate de zlib-ng. Lo que sale lo lee el `gzip` de
Python (que verifica CRC-32 y largo) y da el cuerpo tal cual; las reglas de Django se conservan."""

import gzip
import random

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from zlib_ng import zlib_ng as zlib

from att.cabeceras import GZipMiddleware, comprimir_flujo, comprimir_gzip

JSON = b'{"id":1,"nombre":"Fortalecimiento del catastro multiprop\xc3\xb3sito","temas":[3,7]},' * 400


def _pasar(respuesta, aceptar="gzip, deflate, br"):
    peticion = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=aceptar)
    return GZipMiddleware(lambda r: respuesta)(peticion)


@pytest.mark.parametrize("cuerpo", [b"", b"a", "Nariño".encode(), JSON, random.Random(4091).randbytes(70_000)])
def test_comprimir_gzip_da_el_cuerpo_y_un_relleno_al_azar(cuerpo):
    salidas = [comprimir_gzip(cuerpo) for _ in range(30)]
    assert {gzip.decompress(s) for s in salidas} == {cuerpo}
    assert all(s[3] == gzip.FNAME for s in salidas)  # el nombre de archivo al azar (BREACH)
    assert len({len(s) for s in salidas}) > 5


def _filas_variadas(n: int) -> bytes:
    """JSON parecido al de una lista de la API: mismas claves, valores que cambian de fila a fila."""
    import json

    azar = random.Random(4091)
    palabras = ["catastro", "planeación", "gestión", "fiscal", "territorial", "Nariño", "Chocó", "asesoría",
                "capacitación", "municipal", "indicadores", "SECOP", "ordenamiento", "víctimas", "salud"]
    filas = [{
        "id": azar.randrange(1, 30000), "nombre": " ".join(azar.choices(palabras, k=6)),
        "entidad": azar.randrange(1, 300), "temas": [azar.randrange(1, 40), azar.randrange(1, 40)],
        "actualizada": f"2026-{azar.randrange(1, 13):02d}-{azar.randrange(1, 29):02d}T{azar.randrange(24):02d}:00Z",
    } for _ in range(n)]
    return json.dumps(filas, ensure_ascii=False, separators=(",", ":")).encode()


def test_cada_respuesta_a_nivel_3_y_las_descargas_en_flujo_a_nivel_6():
    """Lo de cada solicitud sale al nivel 3 de zlib-ng (menos CPU, algo más de bytes que el 6 de Django); las
    descargas en flujo, al 6. Se compara el deflate sin el encabezado (que lleva relleno al azar) ni la cola."""
    from django.utils.text import compress_string

    cuerpo = _filas_variadas(800)

    def deflate(nivel):
        compresor = zlib.compressobj(nivel, zlib.DEFLATED, -15)
        return compresor.compress(cuerpo) + compresor.flush()

    nivel_3, nivel_6 = len(deflate(3)), len(deflate(6))
    entera = comprimir_gzip(cuerpo)
    assert gzip.decompress(entera) == cuerpo
    relleno = len(entera) - 8 - nivel_3  # encabezado de 10 bytes más el nombre al azar (≤ 100 bytes)
    assert 10 <= relleno <= 10 + 101
    en_flujo = b"".join(comprimir_flujo(iter([cuerpo[:50_000], cuerpo[50_000:]])))
    assert gzip.decompress(en_flujo) == cuerpo
    assert len(en_flujo) - 8 - 111 <= nivel_6 < nivel_3  # el flujo, a nivel 6: más chico que el 3
    # El 6 de zlib-ng, como el de Django (hasta un 3 % más, otro algoritmo de búsqueda).
    assert len(en_flujo) <= len(compress_string(cuerpo)) * 1.03 + 100
    assert len(entera) < len(cuerpo) // 3


def test_respuesta_comprimida_con_etag_debil_y_vary():
    r = _pasar(HttpResponse(JSON, headers={"ETag": '"abc"'}))
    assert r["Content-Encoding"] == "gzip" and r["Vary"] == "Accept-Encoding" and r["ETag"] == 'W/"abc"'
    assert gzip.decompress(r.content) == JSON and r["Content-Length"] == str(len(r.content))


def test_lo_corto_lo_ya_codificado_y_quien_no_acepta_gzip_pasan_tal_cual():
    corta = _pasar(HttpResponse(b"x" * 199))
    assert corta.content == b"x" * 199 and not corta.has_header("Content-Encoding") and not corta.has_header("Vary")
    ya = _pasar(HttpResponse(b"x" * 500, headers={"Content-Encoding": "br"}))
    assert ya.content == b"x" * 500 and ya["Content-Encoding"] == "br"
    sin = _pasar(HttpResponse(JSON), aceptar="identity")
    assert sin.content == JSON and not sin.has_header("Content-Encoding") and sin["Vary"] == "Accept-Encoding"


def test_lo_que_no_se_achica_va_sin_comprimir():
    al_azar = random.Random(17).randbytes(300)
    r = _pasar(HttpResponse(al_azar))
    assert r.content == al_azar and not r.has_header("Content-Encoding")


def test_en_flujo_sale_el_encabezado_primero_y_el_cuerpo_entero():
    partes = [b"id;nombre\r\n", *[f"{i};Oferta n.\u00ba {i}\r\n".encode() for i in range(5000)]]
    r = _pasar(StreamingHttpResponse(iter(partes), headers={"Content-Length": "9"}))
    assert r["Content-Encoding"] == "gzip" and not r.has_header("Content-Length")
    trozos = list(r.streaming_content)
    assert trozos[0][:2] == b"\x1f\x8b" and len(trozos) > 2
    assert gzip.decompress(b"".join(trozos)) == b"".join(partes)


def test_flujo_vacio():
    assert gzip.decompress(b"".join(comprimir_flujo(iter([])))) == b""
