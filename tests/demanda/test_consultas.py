"""El número de consultas de la lista y de la API no crece con las filas (10 y 1.000)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from att.models import Tema
from demanda.models import Demanda
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


def _crear(n, entidades, por):
    demandas = Demanda.objects.bulk_create([
        Demanda(entidad=entidades[i % len(entidades)], registrada_por=por, titulo=f"Necesidad {i}",
                descripcion="Descripción", fuente="diagnostico_propio")
        for i in range(n)
    ])
    temas = list(Tema.objects.filter(codigo__in=["planeacion", "vivienda"]))
    Demanda.temas.through.objects.bulk_create(
        [Demanda.temas.through(demanda_id=d.pk, tema_id=t.pk) for d in demandas for t in temas]
    )


@pytest.mark.parametrize("filas", [10, 1000])
def test_lista_de_demandas_consultas_planas(client, equipo_antioquia, filas, django_assert_max_num_queries):
    _crear(filas, [factories.alcaldia("05001"), factories.alcaldia("05002"), factories.gobernacion("05")], equipo_antioquia)
    client.force_login(equipo_antioquia)
    with django_assert_max_num_queries(13):  # 12 + la lista de periodos de gobierno del filtro
        r = client.get(reverse("demanda:mis-demandas"))
    assert r.status_code == 200 and r.context["pagina"].total == filas and r.context["pagina"].total_exacto


@pytest.mark.parametrize("filas", [10, 1000])
def test_api_de_demandas_consultas_planas(equipo_antioquia, filas, django_assert_max_num_queries):
    _crear(filas, [factories.alcaldia("05001"), factories.alcaldia("05002")], equipo_antioquia)
    api = APIClient()
    api.force_authenticate(equipo_antioquia)
    with django_assert_max_num_queries(8):
        r = api.get("/api/v1/demandas/", {"tamano": 500})
    assert r.status_code == 200 and len(r.json()["results"]) == min(filas, 500)


@pytest.mark.parametrize("filas", [10, 1000])
def test_lista_del_dnp_consultas_planas(client, admin_dnp, funcionario_medellin, filas, django_assert_max_num_queries):
    _crear(filas, [factories.alcaldia("05001")], funcionario_medellin)
    client.force_login(admin_dnp)
    with django_assert_max_num_queries(13):  # 12 + la lista de periodos de gobierno del filtro
        assert client.get(reverse("demanda:mis-demandas")).status_code == 200


@pytest.mark.parametrize("filas", [10, 1000])
@pytest.mark.parametrize("umbral", [1, 10**9], ids=["por-fila", "conjunto"])
def test_lista_del_oferente_consultas_planas(client, oferente, entidad_oferente, funcionario_medellin, filas, umbral,
                                             settings, monkeypatch, django_assert_max_num_queries):
    """El oferente ve las demandas de los temas de sus ofertas: con las dos formas del filtro
    (conjunto en memoria o prueba por fila) el número de consultas no crece y la página es la misma."""
    monkeypatch.setattr("demanda.selectors.UMBRAL_TEMAS_DENSOS", umbral)
    fabricas.oferta(entidad_oferente, temas=["planeacion"])
    _crear(filas, [factories.alcaldia("05001")], funcionario_medellin)
    client.force_login(oferente)
    with django_assert_max_num_queries(14):
        r = client.get(reverse("demanda:mis-demandas"))
    assert r.status_code == 200 and r.context["pagina"].total == filas
    assert [d.pk for d in r.context["demandas"]] == list(
        Demanda.objects.order_by("-creada", "-pk").values_list("pk", flat=True)[:25]
    )


def test_filtro_de_texto_sin_tildes_ni_mayusculas(client, admin_dnp, funcionario_medellin):
    """La búsqueda (índice de trigramas sobre título y descripción) no distingue tildes ni mayúsculas
    y toma `%` y `_` como letras, no como comodines."""
    medellin = factories.alcaldia("05001")

    def crear(titulo, descripcion="Sin más"):
        return Demanda.objects.create(entidad=medellin, registrada_por=funcionario_medellin, titulo=titulo,
                                      descripcion=descripcion, fuente="diagnostico_propio")

    agua = crear("Agua potable rural")
    acueducto = crear("Mejoras", "Diseño del ACUEDUCTO veredal")
    tilde = crear("Gestión del riesgo")
    porcentaje = crear("Cobertura al 50% del área")
    crear("Vías terciarias")
    client.force_login(admin_dnp)

    def busca(q):
        r = client.get(reverse("demanda:mis-demandas"), {"q": q})
        assert r.status_code == 200
        return {d.pk for d in r.context["demandas"]}

    assert busca("agua") == {agua.pk}
    assert busca("acueducto") == {acueducto.pk}
    assert busca("Acuédúcto") == {acueducto.pk}
    assert busca("gestion") == busca("GESTIÓN") == {tilde.pk}
    assert busca("50%") == {porcentaje.pk}
    assert busca("5_%") == set()
    assert busca("area") == {porcentaje.pk}


def test_filtro_de_tema_del_oferente(client, oferente, entidad_oferente, funcionario_medellin):
    """Filtro por tema (código) con la visibilidad del oferente por los temas de sus ofertas."""
    fabricas.oferta(entidad_oferente, temas=["planeacion"])
    medellin = factories.alcaldia("05001")
    de_planeacion = fabricas.demanda(medellin, funcionario_medellin, temas=["planeacion"])
    fabricas.demanda(medellin, funcionario_medellin, temas=["vivienda"])
    client.force_login(oferente)
    r = client.get(reverse("demanda:mis-demandas"), {"tema": "planeacion"})
    assert [d.pk for d in r.context["demandas"]] == [de_planeacion.pk]
    r = client.get(reverse("demanda:mis-demandas"), {"tema": "no-existe"})
    assert r.status_code == 200 and list(r.context["demandas"]) == []
