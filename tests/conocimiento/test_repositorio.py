import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from att.models import Notificacion, Tema
from conocimiento import selectors, services
from conocimiento.models import BuenaPractica, EstadoRecurso, Recurso, TipoRecurso
from tests import factories
from tests.conocimiento.conftest import recurso_publicado

pytestmark = pytest.mark.django_db


def test_propuesta_queda_en_revision_y_no_se_ve_ni_se_encuentra(funcionario_medellin, funcionario_cali, admin_dnp, tema):
    r = services.recurso_proponer(
        por=funcionario_medellin, tipo=TipoRecurso.BUENA_PRACTICA, titulo="Mesas de concertación comunitaria",
        resumen="Presupuesto con participación de las juntas", entidad=factories.alcaldia("05001"), temas=[tema],
    )
    assert r.estado == EstadoRecurso.PROPUESTO
    assert r.departamento_id == "05" and r.municipio_id == "05001"
    assert BuenaPractica.objects.filter(pk=r.pk).exists()
    # El DNP recibe la alerta de revisión.
    assert Notificacion.objects.filter(usuario=admin_dnp, clave=f"recurso-propuesto-{r.pk}").exists()
    # Nadie más lo ve ni lo encuentra todavía; quien propuso sí lo ve.
    assert not selectors.buscar_recursos(q="concertación").recursos.exists()
    assert not funcionario_cali.has_perm("conocimiento.ver_recurso", r)
    assert funcionario_medellin.has_perm("conocimiento.ver_recurso", r)
    c = factories.UsuarioFactory()
    cliente = __import__("django.test", fromlist=["Client"]).Client()
    cliente.force_login(funcionario_cali)
    assert cliente.get(reverse("conocimiento:recurso", args=[r.pk])).status_code == 404
    del c


def test_dnp_publica_y_entonces_se_encuentra_sin_tildes(funcionario_medellin, seguimiento_dnp):
    r = services.recurso_proponer(por=funcionario_medellin, tipo=TipoRecurso.EXPERIENCIA,
                                  titulo="Gestión catastral multipropósito", resumen="Actualización del catastro rural")
    services.recurso_revisar(recurso=r, por=seguimiento_dnp, publicar=True)
    r.refresh_from_db()
    assert r.estado == EstadoRecurso.PUBLICADO and r.publicado_en and r.revisado_por == seguimiento_dnp
    encontrados = selectors.buscar_recursos(q="gestion catastral").recursos
    assert list(encontrados) == [r]
    assert Notificacion.objects.filter(usuario=funcionario_medellin, titulo__contains="fue publicada").exists()


def test_solo_el_dnp_revisa(funcionario_medellin, funcionario_cali, oferente, auditor):
    r = services.recurso_proponer(por=funcionario_medellin, tipo=TipoRecurso.LECCION, titulo="Lección",
                                  resumen="Aprendimos algo")
    for persona in (funcionario_medellin, funcionario_cali, oferente, auditor):
        with pytest.raises(PermissionDenied, match=r"Solo el equipo del DNP revisa y publica el repositorio\."):
            services.recurso_revisar(recurso=r, por=persona, publicar=True)
    assert Recurso.objects.get(pk=r.pk).estado == EstadoRecurso.PROPUESTO


def test_devolver_exige_comentario_y_al_editar_vuelve_a_revision(funcionario_medellin, admin_dnp):
    r = services.recurso_proponer(por=funcionario_medellin, tipo=TipoRecurso.BUENA_PRACTICA, titulo="Práctica",
                                  resumen="Resumen")
    with pytest.raises(ValidationError, match=r"Explique qué se debe ajustar antes de devolver la propuesta\."):
        services.recurso_revisar(recurso=r, por=admin_dnp, publicar=False, comentario="")
    services.recurso_revisar(recurso=r, por=admin_dnp, publicar=False, comentario="Agregue resultados medibles.")
    assert Recurso.objects.get(pk=r.pk).estado == EstadoRecurso.DEVUELTO
    services.recurso_editar(recurso=r, por=funcionario_medellin, como_replicarla="Paso 1, paso 2")
    assert Recurso.objects.get(pk=r.pk).estado == EstadoRecurso.PROPUESTO


def test_auditor_no_propone(auditor):
    with pytest.raises(PermissionDenied, match=r"Solo los miembros de la red pueden proponer al repositorio\."):
        services.recurso_proponer(por=auditor, tipo=TipoRecurso.LECCION, titulo="x", resumen="y")


def test_revision_por_las_paginas(client, funcionario_medellin, admin_dnp, tema):
    client.force_login(funcionario_medellin)
    assert client.get(reverse("conocimiento:revision")).status_code == 403
    respuesta = client.post(reverse("conocimiento:proponer"), {
        "tipo": "buena_practica", "titulo": "Banco de proyectos en línea", "resumen": "Un banco abierto",
        "temas": [tema.pk],
    })
    assert respuesta.status_code == 302, respuesta.content.decode()[:2000]
    r = Recurso.objects.get(titulo="Banco de proyectos en línea")
    assert client.post(reverse("conocimiento:revisar", args=[r.pk]), {"decision": "publicar"}).status_code == 403
    assert Recurso.objects.get(pk=r.pk).estado == EstadoRecurso.PROPUESTO  # un funcionario no publica
    client.force_login(admin_dnp)
    pagina = client.get(reverse("conocimiento:revision"))
    assert "Banco de proyectos en línea" in pagina.content.decode()
    client.post(reverse("conocimiento:revisar", args=[r.pk]), {"decision": "publicar", "comentario": ""})
    assert Recurso.objects.get(pk=r.pk).estado == EstadoRecurso.PUBLICADO
    client.logout()
    html = client.get(reverse("conocimiento:repositorio"), {"q": "banco proyectos"}).content.decode()
    assert "Banco de proyectos en línea" in html


def test_facetas_con_conteos(funcionario_medellin, funcionario_cali):
    temas = list(Tema.objects.filter(activo=True).order_by("pk")[:2])
    med, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    recurso_publicado(funcionario_medellin, titulo="Agua potable rural", entidad=med, temas=[temas[0]])
    recurso_publicado(funcionario_medellin, titulo="Agua y saneamiento", entidad=med, temas=[temas[0], temas[1]],
                      tipo=TipoRecurso.EXPERIENCIA)
    recurso_publicado(funcionario_cali, titulo="Agua en el Pacífico", entidad=cali, temas=[temas[1]],
                      tipo=TipoRecurso.LECCION)
    recurso_publicado(funcionario_cali, titulo="Catastro", entidad=cali)
    res = selectors.buscar_recursos(q="agua")
    assert res.recursos.count() == 3
    assert {f["valor"]: f["n"] for f in res.facetas["tipo"]} == {"buena_practica": 1, "experiencia": 1, "leccion": 1}
    assert {f["valor"]: f["n"] for f in res.facetas["departamento"]} == {"05": 2, "76": 1}
    assert {f["valor"]: f["n"] for f in res.facetas["tema"]} == {str(temas[0].pk): 2, str(temas[1].pk): 2}
    res = selectors.buscar_recursos(q="agua", departamento="05")
    assert res.recursos.count() == 2
    # La faceta de departamento no se filtra por sí misma: se puede cambiar de departamento.
    assert {f["valor"]: f["n"] for f in res.facetas["departamento"]} == {"05": 2, "76": 1}
    assert {f["valor"]: f["n"] for f in res.facetas["tipo"]} == {"buena_practica": 1, "experiencia": 1}


def test_experiencia_reune_buenas_practicas(funcionario_medellin):
    exp = recurso_publicado(funcionario_medellin, titulo="Experiencia", tipo=TipoRecurso.EXPERIENCIA)
    bp = services.recurso_proponer(por=funcionario_medellin, tipo=TipoRecurso.BUENA_PRACTICA, titulo="BP",
                                   resumen="r", experiencia=exp)
    assert bp.experiencia == exp
    leccion = recurso_publicado(funcionario_medellin, titulo="Lección", tipo=TipoRecurso.LECCION)
    with pytest.raises(ValidationError, match=r"Solo una experiencia significativa puede reunir buenas prácticas\."):
        services.recurso_proponer(por=funcionario_medellin, tipo=TipoRecurso.BUENA_PRACTICA, titulo="BP2",
                                  resumen="r", experiencia=leccion)


def _sembrar(n, persona, temas):
    entidades = [factories.alcaldia(c) for c in ("05001", "76001", "11001")]
    existentes = Recurso.objects.count()
    nuevos = Recurso.objects.bulk_create([
        Recurso(tipo=TipoRecurso.values[i % 3], titulo=f"Práctica de agua número {existentes + i}",
                resumen="Gestión del agua", propuesto_por=persona, entidad=entidades[i % 3],
                departamento_id=entidades[i % 3].municipio_id[:2], estado=EstadoRecurso.PUBLICADO,
                publicado_en="2026-01-01T00:00:00Z")
        for i in range(n)
    ])
    Recurso.temas.through.objects.bulk_create([
        Recurso.temas.through(recurso_id=r.pk, tema_id=temas[i % len(temas)].pk) for i, r in enumerate(nuevos)
    ])
    services.vector_busqueda([r.pk for r in nuevos])


def test_busqueda_con_consultas_constantes(client, funcionario_medellin, django_assert_max_num_queries):
    temas = list(Tema.objects.filter(activo=True)[:5])
    url = reverse("conocimiento:repositorio")
    client.force_login(funcionario_medellin)
    for n in (10, 490):
        _sembrar(n, funcionario_medellin, temas)
        for params in ({"q": "agua"}, {"q": "agua", "tipo": "experiencia", "departamento": "05"}, {}):
            with django_assert_max_num_queries(12):
                respuesta = client.get(url, params)
            assert respuesta.status_code == 200
    assert Recurso.objects.count() == 500


def test_funcionario_solo_atribuye_a_su_entidad(funcionario_medellin, equipo_antioquia, oferente):
    cali = factories.alcaldia("76001")
    with pytest.raises(ValidationError, match="Elija una entidad por la que usted actúa: solo puede documentar"):
        services.recurso_proponer(por=funcionario_medellin, tipo="leccion", titulo="L", resumen="r", entidad=cali)
    # El equipo departamental actúa por los municipios de su departamento; el oferente por cualquiera.
    services.recurso_proponer(por=equipo_antioquia, tipo="leccion", titulo="L", resumen="r",
                              entidad=factories.alcaldia("05002"))
    services.recurso_proponer(por=oferente, tipo="leccion", titulo="L", resumen="r", entidad=cali)
