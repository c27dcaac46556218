"""El municipio del formulario de demanda acepta lo que se escribe (sin tildes, mayúsculas, nombres
cortos) por el nomenclátor de att.lugares, solo entre las entidades que la persona puede elegir."""

import pytest

from demanda.forms import DemandaForm
from tests import factories

pytestmark = pytest.mark.django_db


def _entidad(usuario, valor):
    form = DemandaForm(data={"entidad": valor}, usuario=usuario)
    form.is_valid()
    return form.cleaned_data.get("entidad"), form.errors.get("entidad")


@pytest.mark.parametrize(("escrito", "codigo"), [
    ("MEDELLIN", "05001"), ("Carmen de Viboral", "05148"), ("el carmen de viboral, antioquia", "05148"),
])
def test_equipo_departamental_escribe_el_municipio(equipo_antioquia, escrito, codigo):
    entidad, errores = _entidad(equipo_antioquia, escrito)
    assert errores is None and entidad == factories.alcaldia(codigo)


def test_el_id_de_la_lista_sigue_valiendo(equipo_antioquia):
    medellin = factories.alcaldia("05001")
    assert _entidad(equipo_antioquia, str(medellin.pk)) == (medellin, None)


def test_municipio_de_otro_departamento_o_desconocido_es_error(equipo_antioquia):
    assert _entidad(equipo_antioquia, "Cali, Valle")[1] == ["No puede elegir el municipio 76001."]
    entidad, errores = _entidad(equipo_antioquia, "Ciudad Inventada")
    assert entidad is None and "Ciudad Inventada" in errores[0]
