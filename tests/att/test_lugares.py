"""El nomenclátor nunca adivina mal: toda la DIVIPOLA resuelve a su propio código."""

import unicodedata
from collections import defaultdict

import pytest

from att.lugares import LugarNoResuelto, Nomenclator, leer_alias, normalizar
from att.referencia import leer_divipola

pytestmark = pytest.mark.django_db


def _sin_tildes(texto: str) -> str:
    return unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()


@pytest.fixture
def lugares():
    return Nomenclator.cargar()


def test_toda_la_divipola_resuelve_a_su_codigo(lugares):
    departamentos, municipios = leer_divipola()
    assert len(municipios) == 1121
    homonimos = defaultdict(set)
    for codigo, (nombre, _d) in municipios.items():
        homonimos[normalizar(nombre)].add(codigo)
    for codigo, (nombre, depto) in municipios.items():
        nombre_depto = departamentos[depto]
        for m, d in [(nombre, nombre_depto), (_sin_tildes(nombre).upper(), _sin_tildes(nombre_depto).upper()),
                     (nombre.title(), nombre_depto.lower()), (nombre, depto)]:
            assert lugares.municipio(m, d) == codigo, (m, d)
        if len(homonimos[normalizar(nombre)]) > 1:
            with pytest.raises(LugarNoResuelto, match="Hay varios municipios") as e:
                lugares.municipio(_sin_tildes(nombre).upper())
            assert all(any(f"({c}," in texto for texto in e.value.candidatos) for c in homonimos[normalizar(nombre)])
        else:
            assert lugares.municipio(nombre) == codigo


def test_homonimos_conocidos_piden_departamento(lugares):
    for nombre in ("Sabanalarga", "Villanueva", "Buenavista"):
        with pytest.raises(LugarNoResuelto, match="indique el departamento") as e:
            lugares.municipio(nombre)
        assert len(e.value.candidatos) >= 3
    assert lugares.municipio("SABANALARGA", "Atlantico") == "08638"
    assert lugares.municipio("sabanalarga", "CASANARE") == "85300"


@pytest.mark.parametrize(("municipio", "departamento", "codigo"), [
    ("Cucuta", "Norte de Santander", "54001"),
    ("CUCUTA", "", "54001"),
    ("Cali", "Valle", "76001"),
    ("Riohacha", "Guajira", "44001"),
    ("Tolu", "Sucre", "70820"),
    ("Carmen de Viboral", "Antioquia", "05148"),
    ("San Vicente", "Caquetá", "18753"),
    ("San Vicente del Caguan", "", "18753"),
    ("San Andres", "San Andrés", "88001"),
    ("San Andrés", "San Andres y Providencia", "88001"),
    ("Mompox", "Bolivar", "13468"),
    ("Mompós", "", "13468"),
    ("Cartagena", "Bolívar", "13001"),
    ("Bogota D.C.", "", "11001"),
    ("BOGOTA", "Bogotá D.C.", "11001"),
    ("Medellin", "ANTIOQUIA", "05001"),
    ("Tumaco", "Nariño", "52835"),
    ("5001", "", "05001"),
])
def test_nombres_comunes(lugares, municipio, departamento, codigo):
    assert lugares.municipio(municipio, departamento) == codigo


def test_lo_que_antes_se_sugeria_mal_no_se_aplica(lugares):
    # «San Andres» sin departamento: dos lugares (88001 y 68669): ambiguo, con ambos candidatos.
    with pytest.raises(LugarNoResuelto) as e:
        lugares.municipio("San Andres")
    assert any("88001" in c for c in e.value.candidatos) and any("68669" in c for c in e.value.candidatos)
    # Un nombre que no existe en el departamento: error, con la sugerencia solo del departamento.
    with pytest.raises(LugarNoResuelto, match="No hay un municipio «Medellinn» en Antioquia") as e:
        lugares.municipio("Medellinn", "Antioquia")
    assert e.value.sugerencia == "¿Quiso decir Medellín (05001)?"
    with pytest.raises(LugarNoResuelto, match="No hay un municipio «Cali» en Antioquia"):
        lugares.municipio("Cali", "Antioquia")
    with pytest.raises(LugarNoResuelto, match="no de Antioquia"):
        lugares.municipio("76001", "Antioquia")
    with pytest.raises(LugarNoResuelto, match="No se reconoce el municipio «Ciudad Gótica»"):
        lugares.municipio("Ciudad Gótica")


def test_los_alias_apuntan_a_codigos_existentes_y_no_tapan_nombres_oficiales():
    departamentos, municipios = leer_divipola()
    oficiales = {(normalizar(n), d) for n, d in municipios.values()}
    alias = leer_alias()
    assert len(alias) > 30
    for tipo, codigo, nombre in alias:
        if tipo == "departamento":
            assert codigo in departamentos
        else:
            assert tipo == "municipio" and codigo in municipios, (codigo, nombre)
            depto = municipios[codigo][1]
            propio = normalizar(municipios[codigo][0]) == normalizar(nombre)
            assert propio or (normalizar(nombre), depto) not in oficiales, (codigo, nombre)
