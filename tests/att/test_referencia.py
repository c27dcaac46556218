import pytest
from django.core.management import call_command

from att import referencia
from att.models import Departamento, Entidad, Municipio, Region, TipoEntidad

pytestmark = pytest.mark.django_db


def test_divipola_completo():
    assert Departamento.objects.count() == 33
    assert Municipio.objects.count() == 1121
    medellin = Municipio.objects.select_related("departamento").get(codigo="05001")
    assert medellin.nombre == "Medellín"
    assert medellin.departamento.nombre == "Antioquia"
    assert Departamento.objects.get(codigo="11").nombre == "Bogotá, D.C."
    assert Departamento.objects.get(codigo="05").region == Region.EJE_CAFETERO


def test_una_alcaldia_por_municipio_y_una_gobernacion_por_departamento():
    assert Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).count() == 1121
    # Bogotá D.C. no tiene gobernación: su alcaldía mayor cumple ese papel.
    assert Entidad.objects.filter(tipo=TipoEntidad.GOBERNACION).count() == 32
    assert Entidad.objects.get(tipo=TipoEntidad.ALCALDIA, municipio_id="11001").nombre.startswith("Alcaldía Mayor")


def test_carga_idempotente():
    antes = (Departamento.objects.count(), Municipio.objects.count(), Entidad.objects.count())
    call_command("cargar_referencia")
    call_command("cargar_referencia")
    assert (Departamento.objects.count(), Municipio.objects.count(), Entidad.objects.count()) == antes


def test_entidades_nacionales_de_la_encuesta():
    assert Entidad.objects.filter(tipo__in=TipoEntidad.nacionales()).count() >= 80
    dnp = Entidad.objects.get(sigla="DNP")
    assert dnp.tipo == TipoEntidad.DEPARTAMENTO_ADMINISTRATIVO
    assert Entidad.objects.get(sigla="FCM").tipo == TipoEntidad.ASOCIACION


@pytest.mark.parametrize("crudo,esperado", [
    ("MEDELLÍN", "Medellín"), ("VALLE DEL CAUCA", "Valle del Cauca"),
    ("SAN JOSÉ DE LA MONTAÑA", "San José de la Montaña"), ("EL CARMEN DE BOLÍVAR", "El Carmen de Bolívar"),
])
def test_nombre_propio(crudo, esperado):
    assert referencia.nombre_propio(crudo) == esperado


def test_las_cien_entidades_oferentes_del_archivo_compartido():
    """El archivo trae 100 oferentes; faltaban IGAC, ADR, ANT, INPEC, USPEC, CREG y Findeter. Una segunda
    carga no duplica ni cambia nada."""
    import csv
    from importlib import resources

    with (resources.files("att.datos") / "entidades_nacionales.csv").open(encoding="utf-8") as f:
        filas = list(csv.DictReader(f))
    assert len(filas) == 100
    assert referencia.cargar_entidades_nacionales() == 100
    siglas = {"IGAC": TipoEntidad.INSTITUTO, "ADR": TipoEntidad.AGENCIA, "ANT": TipoEntidad.AGENCIA,
              "INPEC": TipoEntidad.INSTITUTO, "USPEC": TipoEntidad.UAE, "CREG": TipoEntidad.OTRA_NACIONAL,
              "Findeter": TipoEntidad.EMPRESA_ESTADO}
    assert dict(Entidad.objects.filter(sigla__in=siglas).values_list("sigla", "tipo")) == siglas
    del_archivo = Entidad.objects.filter(nombre__in=[f["nombre"] for f in filas])
    assert del_archivo.count() == 100
    antes = Entidad.objects.count()
    assert referencia.cargar_entidades_nacionales() == 100
    assert Entidad.objects.count() == antes
