from datetime import date

import pytest
from rest_framework.test import APIClient

from att.models import Rol
from conocimiento import services
from conocimiento.models import EstadoRecurso, Inscripcion, Recurso
from tests import factories
from tests.conocimiento.conftest import exfuncionario, oferta_de, recurso_publicado

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_proponer_revisar_y_buscar_por_api(api, funcionario_medellin, admin_dnp, tema):
    api.force_authenticate(funcionario_medellin)
    r = api.post("/api/v1/conocimiento/recursos/", {
        "tipo": "buena_practica", "titulo": "Gobierno abierto en veredas", "resumen": "Rendición de cuentas rural",
        "temas": [tema.pk],
    }, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["estado"] == "propuesto"
    assert api.post(f"/api/v1/conocimiento/recursos/{pk}/revisar/", {"publicar": True}, format="json").status_code == 403
    api.force_authenticate(admin_dnp)
    r = api.post(f"/api/v1/conocimiento/recursos/{pk}/revisar/", {"publicar": False, "comentario": ""}, format="json")
    assert r.status_code == 400 and "comentario" in r.json()
    r = api.post(f"/api/v1/conocimiento/recursos/{pk}/revisar/", {"publicar": True}, format="json")
    assert r.status_code == 200 and r.json()["estado"] == "publicado"
    api.force_authenticate(None)
    r = api.get("/api/v1/conocimiento/recursos/", {"q": "rendicion de cuentas"})
    assert [x["id"] for x in r.json()["results"]] == [pk]
    facetas = api.get("/api/v1/conocimiento/recursos/facetas/", {"q": "veredas"}).json()
    assert facetas["total"] == 1 and facetas["facetas"]["tipo"][0]["n"] == 1


def test_lo_no_publicado_no_sale_en_la_api_publica(api, funcionario_medellin):
    services.recurso_proponer(por=funcionario_medellin, tipo="leccion", titulo="Borrador", resumen="r")
    assert api.get("/api/v1/conocimiento/recursos/").json()["results"] == []


def test_respuestas_ocultas_por_api(api, espacio, funcionario_medellin, funcionario_cali, admin_dnp):
    for p in (funcionario_medellin, funcionario_cali):
        services.espacio_unirse(espacio=espacio, por=p)
    d = services.discusion_abrir(espacio=espacio, por=funcionario_medellin, titulo="t", cuerpo="c")
    mala = services.respuesta_publicar(discusion=d, por=funcionario_cali, cuerpo="ofensa")
    services.moderar(objeto=mala, por=admin_dnp, ocultar=True, motivo="Irrespetuoso")
    api.force_authenticate(funcionario_medellin)
    assert api.get(f"/api/v1/conocimiento/discusiones/{d.pk}/respuestas/").json() == []
    r = api.post(f"/api/v1/conocimiento/discusiones/{d.pk}/respuestas/", {"cuerpo": "Hola"}, format="json")
    assert r.status_code == 201
    api.force_authenticate(admin_dnp)
    assert len(api.get(f"/api/v1/conocimiento/discusiones/{d.pk}/respuestas/").json()) == 2


def test_inscripcion_y_cancelacion_por_api(api, sesion):
    a, b, c = (factories.persona(factories.alcaldia(x)) for x in ("05001", "76001", "11001"))
    for p in (a, b, c):
        api.force_authenticate(p)
        assert api.post(f"/api/v1/conocimiento/sesiones/{sesion.pk}/inscribirse/").status_code == 201
    assert Inscripcion.objects.get(usuario=c).estado == "en_espera"
    api.force_authenticate(a)
    ins = Inscripcion.objects.get(usuario=a)
    assert api.post(f"/api/v1/conocimiento/inscripciones/{ins.pk}/cancelar/").json()["estado"] == "cancelada"
    assert Inscripcion.objects.get(usuario=c).estado == "inscrita"
    datos = api.get(f"/api/v1/conocimiento/sesiones/{sesion.pk}/").json()
    assert datos["inscritos"] == 2 and datos["en_espera"] == 0


def test_preguntas_por_api(api, entidad_oferente, oferente, otro_oferente):
    oferta = oferta_de(entidad_oferente)
    api.force_authenticate(otro_oferente)
    assert api.post("/api/v1/conocimiento/preguntas-frecuentes/",
                    {"oferta": oferta.pk, "pregunta": "p", "respuesta": "r"}, format="json").status_code == 403
    api.force_authenticate(oferente)
    r = api.post("/api/v1/conocimiento/preguntas-frecuentes/",
                 {"oferta": oferta.pk, "pregunta": "¿Cuánto dura?", "respuesta": "Seis meses"}, format="json")
    assert r.status_code == 201
    api.force_authenticate(None)
    assert api.get("/api/v1/conocimiento/preguntas-frecuentes/", {"oferta": oferta.pk}).json()["results"][0]["respuesta"] == "Seis meses"


def test_memoria_por_api(api, funcionario_cali):
    medellin = factories.alcaldia("05001")
    anterior = exfuncionario(medellin)
    recurso_publicado(anterior, titulo="Práctica heredada", entidad=medellin)
    nueva = factories.persona(medellin, Rol.FUNCIONARIO_ET)
    api.force_authenticate(nueva)
    datos = api.get(f"/api/v1/conocimiento/memoria/{medellin.pk}/").json()
    # Las secciones del perfil de la entidad (att.perfil), con sus tablas.
    seccion = next(x for x in datos["secciones"] if x["clave"] == "memoria")
    practicas = seccion["tablas"][0]
    assert practicas["encabezados"][0] == "Título" and practicas["total"] == 1
    assert practicas["filas"][0][0] == "Práctica heredada"
    assert practicas["filas"][0][3].endswith("(ya no está en la entidad)")
    api.force_authenticate(funcionario_cali)
    assert api.get(f"/api/v1/conocimiento/memoria/{medellin.pk}/").status_code == 403
    assert date.today() and Recurso.objects.filter(estado=EstadoRecurso.PUBLICADO).count() == 1
