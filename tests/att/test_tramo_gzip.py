"""`att.cabeceras.Tramo` y `gzip_con_tramo`: un texto comprimido una vez y pegado dentro de respuestas gzip
cuyo resto se comprime en cada visita. Lo que sale lo lee el `gzip` de Python (que verifica CRC-32 y
largo) y da exactamente el texto entero."""

import gzip
import random
import zlib

import pytest

from att.cabeceras import Tramo, _x_a_la, combinar_crc32, gzip_con_tramo

TEXTOS = ["", "a", "ñ", "<tr><td>Gobernación de Nariño</td><td>12,5 %</td></tr>\n" * 3000]


@pytest.mark.parametrize("a", TEXTOS)
@pytest.mark.parametrize("b", TEXTOS)
def test_combinar_crc32_da_el_de_la_concatenacion(a, b):
    crudo_a, crudo_b = a.encode(), b.encode()
    esperado = zlib.crc32(crudo_a + crudo_b)
    assert combinar_crc32(zlib.crc32(crudo_a), zlib.crc32(crudo_b), _x_a_la(8 * len(crudo_b))) == esperado


def test_combinar_crc32_con_largos_al_azar():
    azar = random.Random(4091)
    for _ in range(50):
        a = azar.randbytes(azar.randrange(0, 5000))
        b = azar.randbytes(azar.randrange(0, 70000))
        assert combinar_crc32(zlib.crc32(a), zlib.crc32(b), _x_a_la(8 * len(b))) == zlib.crc32(a + b)


@pytest.mark.parametrize("antes", ["", "<html><header>Hola, Adriana Rojas (DNP/DER)</header>"])
@pytest.mark.parametrize("cuerpo", TEXTOS)
@pytest.mark.parametrize("despues", ["", "<footer>Política de Asistencia Técnica Territorial</footer></html>"])
def test_gzip_con_tramo_se_descomprime_en_el_texto_entero(antes, cuerpo, despues):
    tramo = Tramo.de_texto(cuerpo)
    assert tramo.texto() == cuerpo and tramo.largo == len(cuerpo.encode())
    assert gzip.decompress(gzip_con_tramo(antes, tramo, despues)).decode() == antes + cuerpo + despues


def test_el_tramo_comprime_y_se_pega_en_varias_respuestas():
    cuerpo = TEXTOS[-1]
    tramo = Tramo.de_texto(cuerpo)
    assert len(tramo.deflate) < len(cuerpo.encode()) // 20
    for nombre in ("Adriana", "Diego Restrepo (Gobernación de Antioquia)"):
        assert gzip.decompress(gzip_con_tramo(nombre, tramo, "fin")).decode() == nombre + cuerpo + "fin"


def test_el_encabezado_gzip_lleva_relleno_al_azar_contra_breach():
    """Como `GZipMiddleware` desde Django 4.2: un nombre de archivo al azar de 1 a 100 bytes; el largo de la
    respuesta cambia de una visita a otra aunque el contenido sea el mismo."""
    tramo = Tramo.de_texto("cuerpo " * 100)
    salidas = [gzip_con_tramo("token=abc", tramo, "") for _ in range(40)]
    assert all(s[3] == gzip.FNAME for s in salidas)
    assert len({len(s) for s in salidas}) > 5
    assert {gzip.decompress(s) for s in salidas} == {("token=abc" + "cuerpo " * 100).encode()}
