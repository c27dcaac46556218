import pytest
from django.urls import reverse

from tests.conocimiento.conftest import recurso_publicado

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("nombre", ["inicio", "repositorio", "formacion", "eventos"])
def test_paginas_publicas_en_espanol(client, nombre, funcionario_medellin):
    recurso_publicado(funcionario_medellin, titulo="Práctica visible")
    respuesta = client.get(reverse(f"conocimiento:{nombre}"))
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert 'lang="es-CO"' in html and "conocimiento.css" in html


@pytest.mark.parametrize("nombre", ["comunidad", "memorias", "proponer", "mis-propuestas"])
def test_paginas_que_piden_ingresar(client, nombre):
    respuesta = client.get(reverse(f"conocimiento:{nombre}"))
    assert respuesta.status_code == 302 and "/ingresar/" in respuesta["Location"]


def test_formulario_de_propuesta_accesible(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    html = client.get(reverse("conocimiento:proponer")).content.decode()
    assert '<label for="id_titulo">' in html and "(obligatorio)" in html
    respuesta = client.post(reverse("conocimiento:proponer"), {"tipo": "buena_practica"})
    assert respuesta.status_code == 200
    assert "Revise el formulario" in respuesta.content.decode()


def test_espacio_con_consultas_constantes(client, espacio, funcionario_medellin, django_assert_max_num_queries):
    from conocimiento import services
    from conocimiento.models import Discusion

    services.espacio_unirse(espacio=espacio, por=funcionario_medellin)
    client.force_login(funcionario_medellin)
    url = reverse("conocimiento:espacio", args=[espacio.slug])
    for n in (10, 490):
        Discusion.objects.bulk_create([Discusion(espacio=espacio, autor=funcionario_medellin, titulo=f"D{i}",
                                                 cuerpo="c") for i in range(n)])
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
