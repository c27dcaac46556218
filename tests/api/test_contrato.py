"""El contrato OpenAPI que usan los clientes generados (sin generar ninguno: eso lo hace
tests/api/test_cliente_generado.py contra un servidor en vivo).

Un cuerpo en un solo tipo (JSON; multipart solo si se suben archivos), los errores documentados en
cada operación, los filtros de varios valores con la clave repetida y los campos que un lector no
puede ver presentes y nulos."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30ReadValidator
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from conocimiento import services as servicios_conocimiento
from demanda.models import EstadoDemanda
from tests import factories
from tests.demanda import fabricas as fabricas_demanda
from tests.oferta import fabricas as fabricas_oferta

pytestmark = pytest.mark.django_db
METODOS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def esquema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operaciones(esquema):
    for ruta, item in esquema["paths"].items():
        for metodo in METODOS:
            if metodo in item:
                yield f"{metodo.upper()} {ruta}", item[metodo]


def _sube_archivos(esquema, contenido) -> bool:
    ref = contenido["schema"]["$ref"].rsplit("/", 1)[-1]
    propiedades = esquema["components"]["schemas"][ref]["properties"].values()
    return any(p.get("format") == "binary" or p.get("items", {}).get("format") == "binary" for p in propiedades)


def test_el_esquema_valida_con_openapi_spec_validator(esquema):
    validate(esquema)


def test_cada_cuerpo_en_un_solo_tipo_json_o_multipart_si_sube_archivos(esquema):
    varios, multipart_sin_archivos, cuerpos = [], [], 0
    for nombre, operacion in _operaciones(esquema):
        if "requestBody" not in operacion:
            continue
        cuerpos += 1
        tipos = list(operacion["requestBody"]["content"])
        if len(tipos) != 1:
            varios.append((nombre, tipos))
        elif tipos == ["multipart/form-data"]:
            if not _sube_archivos(esquema, operacion["requestBody"]["content"]["multipart/form-data"]):
                multipart_sin_archivos.append(nombre)
        else:
            assert tipos == ["application/json"], nombre
    assert cuerpos > 20
    assert varios == []
    assert multipart_sin_archivos == []
    # La subida de evidencias sigue en multipart (y solo en multipart).
    avance = esquema["paths"]["/api/v1/seguimiento/avances/"]["post"]["requestBody"]["content"]
    assert list(avance) == ["multipart/form-data"]


def test_cada_operacion_documenta_sus_errores(esquema):
    faltan = []
    for nombre, operacion in _operaciones(esquema):
        parametros = operacion.get("parameters", [])
        esperados = {"401", "403", "429"}
        if "requestBody" in operacion or any(p["in"] == "query" for p in parametros):
            esperados.add("400")
        if any(p["in"] == "path" for p in parametros):
            esperados.add("404")
        if not nombre.startswith("GET "):
            esperados |= {"409", "422"}  # Idempotency-Key en proceso o reutilizada con otro cuerpo
        if not esperados <= set(operacion["responses"]):
            faltan.append((nombre, sorted(esperados - set(operacion["responses"]))))
        for codigo in esperados:
            forma = operacion["responses"][codigo]["content"]["application/json"]["schema"]
            componente = "ErrorValidacion" if codigo == "400" else "Error"
            assert forma == {"$ref": f"#/components/schemas/{componente}"}, (nombre, codigo)
    assert faltan == []
    validacion = esquema["components"]["schemas"]["ErrorValidacion"]
    assert validacion["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert set(validacion["properties"]) == {"non_field_errors", "detail"}
    assert esquema["components"]["schemas"]["Error"]["required"] == ["detail"]
    # Sin cuerpo ni parámetros de consulta no hay 400 que documentar; el detalle de una lista por lotes
    # tiene `fields` (un nombre desconocido es un 400), el de un catálogo no.
    assert "400" not in esquema["paths"]["/api/v1/departamentos/{codigo}/"]["get"]["responses"]
    assert "400" in esquema["paths"]["/api/v1/ofertas/{id}/"]["get"]["responses"]


def test_filtros_de_varios_valores_se_publican_con_la_clave_repetida(esquema):
    arreglos = {}
    for nombre, operacion in _operaciones(esquema):
        for p in operacion.get("parameters", []):
            if p["in"] == "query" and p["schema"].get("type") == "array":
                arreglos[f"{nombre} {p['name']}"] = (p.get("style"), p.get("explode"))
    assert set(arreglos.values()) == {("form", True)}, arreglos
    for filtro in ("tema", "descriptor", "capacidad", "etapa", "modalidad"):
        assert f"GET /api/v1/ofertas/ {filtro}" in arreglos
    assert {"GET /api/v1/demandas/ tema", "GET /api/v1/demandas/ estado"} <= set(arreglos)


def test_comentario_revision_presente_y_nulo_en_el_esquema(esquema):
    recurso = esquema["components"]["schemas"]["Recurso"]
    assert recurso["properties"]["comentario_revision"]["nullable"] is True
    assert "comentario_revision" in recurso["required"]


def test_comentario_revision_nulo_para_el_publico_en_lista_y_detalle(funcionario_medellin, admin_dnp):
    recurso = servicios_conocimiento.recurso_proponer(
        por=funcionario_medellin, tipo="buena_practica", titulo="Guía", resumen="Resumen")
    servicios_conocimiento.recurso_revisar(recurso=recurso, por=admin_dnp, publicar=True, comentario="Nota del DNP")
    api = APIClient()
    fila = api.get("/api/v1/conocimiento/recursos/").json()["results"][0]
    assert fila["id"] == recurso.pk and fila["comentario_revision"] is None
    assert api.get(f"/api/v1/conocimiento/recursos/{recurso.pk}/").json()["comentario_revision"] is None
    api.force_authenticate(admin_dnp)
    assert api.get("/api/v1/conocimiento/recursos/").json()["results"][0]["comentario_revision"] == "Nota del DNP"


# --- Filtros de varios valores: clave repetida y comas dan lo mismo -----------------------------------


def _nombres(respuesta):
    assert respuesta.status_code == 200, respuesta.json()
    return sorted(o.get("nombre") or o.get("titulo") for o in respuesta.json()["results"])


def test_ofertas_clave_repetida_y_comas_dan_lo_mismo():
    fabricas_oferta.oferta(nombre="Planeación", temas=("planeacion",))
    fabricas_oferta.oferta(nombre="Salud", temas=("salud",), modalidades=("capacitacion",))
    fabricas_oferta.oferta(nombre="Vivienda", temas=("vivienda",))
    api = APIClient()
    repetida = _nombres(api.get("/api/v1/ofertas/?tema=planeacion&tema=salud"))
    comas = _nombres(api.get("/api/v1/ofertas/?tema=planeacion,salud"))
    assert repetida == comas == ["Planeación", "Salud"]
    # Mezcladas también, y en cualquier filtro de varios valores.
    assert _nombres(api.get("/api/v1/ofertas/?tema=planeacion,salud&tema=vivienda")) == [
        "Planeación", "Salud", "Vivienda"]
    assert _nombres(api.get("/api/v1/ofertas/?modalidad=asesoria&modalidad=capacitacion")) == _nombres(
        api.get("/api/v1/ofertas/?modalidad=asesoria,capacitacion")) == ["Planeación", "Salud", "Vivienda"]


def test_demandas_clave_repetida_y_comas_dan_lo_mismo(equipo_antioquia):
    fabricas_demanda.demanda(factories.alcaldia("05001"), equipo_antioquia, titulo="Vivienda", temas=["vivienda"])
    fabricas_demanda.demanda(factories.alcaldia("05002"), equipo_antioquia, titulo="Planeación",
                             temas=["planeacion"], estado=EstadoDemanda.EN_ANALISIS)
    fabricas_demanda.demanda(factories.alcaldia("05001"), equipo_antioquia, titulo="Salud", temas=["salud"],
                             estado=EstadoDemanda.CERRADA)
    api = APIClient()
    api.force_authenticate(equipo_antioquia)
    url = "/api/v1/demandas/"
    assert _nombres(api.get(f"{url}?tema=vivienda&tema=planeacion")) == _nombres(
        api.get(f"{url}?tema=vivienda,planeacion")) == ["Planeación", "Vivienda"]
    assert _nombres(api.get(f"{url}?estado=en_analisis&estado=cerrada")) == _nombres(
        api.get(f"{url}?estado=en_analisis,cerrada")) == ["Planeación", "Salud"]
    # Una opción que no existe sigue siendo un 400 con el error en su campo.
    r = api.get(f"{url}?estado=en_analisis,inventado")
    assert r.status_code == 400 and list(r.json()) == ["estado"]


# --- Lo que el esquema declara es lo que llega: cada lista validada contra su componente ----------------


def test_cada_lista_cumple_su_esquema_para_el_dnp_y_el_publico(esquema, admin_dnp, funcionario_medellin,
                                                               equipo_antioquia):
    """Todo campo requerido llega (nulo si no se puede ver) y con el tipo declarado: lo que un cliente
    tipado generado desde el esquema espera al leer."""
    fabricas_oferta.oferta(nombre="Publicada", temas=("planeacion",))
    fabricas_demanda.demanda(factories.alcaldia("05001"), equipo_antioquia, titulo="Demanda", temas=["vivienda"])
    recurso = servicios_conocimiento.recurso_proponer(
        por=funcionario_medellin, tipo="buena_practica", titulo="Guía", resumen="Resumen")
    servicios_conocimiento.recurso_revisar(recurso=recurso, por=admin_dnp, publicar=True, comentario="Nota")

    dnp, publico = APIClient(), APIClient()
    dnp.force_authenticate(admin_dnp)
    validadas, con_filas = [], 0
    for nombre, operacion in _operaciones(esquema):
        ruta = nombre.split(" ", 1)[1]
        if not nombre.startswith("GET ") or "{" in ruta or "200" not in operacion["responses"]:
            continue
        forma = operacion["responses"]["200"]["content"]["application/json"]["schema"]
        for api in (dnp, publico):
            respuesta = api.get(ruta)
            if respuesta.status_code != 200:
                continue
            cuerpo = respuesta.json()
            OAS30ReadValidator({**forma, "components": esquema["components"]}).validate(cuerpo)
            validadas.append(nombre)
            con_filas += bool(isinstance(cuerpo, dict) and cuerpo.get("results"))
    assert len(validadas) > 30
    assert con_filas > 10
    assert {"GET /api/v1/ofertas/", "GET /api/v1/demandas/", "GET /api/v1/conocimiento/recursos/"} <= set(validadas)


def test_error_de_un_servicio_llega_como_objeto_con_non_field_errors(oferente, entidad_oferente):
    """Un `ValidationError` del servicio sin campo era una lista suelta (`["..."]`), que el cliente
    tipado no podía leer como `ErrorValidacion`; ahora va en `non_field_errors`."""
    publicada = fabricas_oferta.oferta(entidad=entidad_oferente, nombre="Ya publicada")
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.post(f"/api/v1/ofertas/{publicada.pk}/enviar/")
    assert r.status_code == 400
    assert list(r.json()) == ["non_field_errors"]
    assert "enviar a revisión" in r.json()["non_field_errors"][0]
