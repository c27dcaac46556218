"""Lo que la revisión del código encontró: cada prueba falla si vuelve el problema."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conocimiento import services
from conocimiento.models import (
    Curso,
    Discusion,
    EstadoInscripcion,
    EstadoRecurso,
    Evento,
    Inscripcion,
    Recurso,
    SesionFormacion,
    TipoRecurso,
)
from tests import factories
from tests.conocimiento.conftest import oferta_de, recurso_publicado

pytestmark = pytest.mark.django_db


# --- Documentos del repositorio ---------------------------------------------------------------
@pytest.fixture
def propuesta_con_documento(funcionario_medellin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = services.recurso_proponer(por=funcionario_medellin, tipo="buena_practica", titulo="Guía interna",
                                  resumen="Aún en revisión")
    m = services.material_agregar(recurso=r, por=funcionario_medellin, tipo="documento", titulo="Borrador",
                                  archivo=SimpleUploadedFile("borrador.pdf", b"%PDF-1.4 secreto"))
    return r, m


def test_documento_de_propuesta_no_se_descarga_hasta_publicarla(client, propuesta_con_documento,
                                                                funcionario_medellin, funcionario_cali, admin_dnp):
    r, m = propuesta_con_documento
    url = reverse("conocimiento:material", args=[m.pk])
    assert client.get(url).status_code == 404
    client.force_login(funcionario_cali)
    assert client.get(url).status_code == 404
    client.force_login(funcionario_medellin)
    respuesta = client.get(url)
    assert respuesta.status_code == 200 and b"".join(respuesta.streaming_content).startswith(b"%PDF")
    # La ficha enlaza la descarga protegida, no el archivo en /media/.
    html = client.get(reverse("conocimiento:recurso", args=[r.pk])).content.decode()
    assert url in html and m.archivo.url not in html
    services.recurso_revisar(recurso=r, por=admin_dnp, publicar=True)
    client.logout()
    assert client.get(url).status_code == 200


def test_api_enlaza_la_descarga_protegida_y_oculta_comentarios(propuesta_con_documento, admin_dnp):
    r, m = propuesta_con_documento
    services.recurso_revisar(recurso=r, por=admin_dnp, publicar=True, comentario="Nota interna del DNP")
    datos = APIClient().get(f"/api/v1/conocimiento/recursos/{r.pk}/").json()
    assert datos["materiales"][0]["archivo"].endswith(reverse("conocimiento:material", args=[m.pk]))
    # Presente y nulo (no ausente): el cliente generado desde el esquema lo espera en cada recurso.
    assert datos["comentario_revision"] is None
    api = APIClient()
    api.force_authenticate(r.propuesto_por)
    assert api.get(f"/api/v1/conocimiento/recursos/{r.pk}/").json()["comentario_revision"] == "Nota interna del DNP"


# --- Enlaces a lo no publicado ----------------------------------------------------------------
def test_no_se_enlaza_una_experiencia_ajena_sin_publicar(funcionario_medellin, funcionario_cali):
    ajena = services.recurso_proponer(por=funcionario_cali, tipo=TipoRecurso.EXPERIENCIA, titulo="Título reservado",
                                      resumen="r")
    with pytest.raises(ValidationError, match="Elija una experiencia significativa ya publicada en el") as e:
        services.recurso_proponer(por=funcionario_medellin, tipo=TipoRecurso.BUENA_PRACTICA, titulo="BP",
                                  resumen="r", experiencia=ajena)
    assert "experiencia" in e.value.message_dict
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    r = api.post("/api/v1/conocimiento/recursos/", {"tipo": "buena_practica", "titulo": "BP", "resumen": "r",
                                                     "experiencia": ajena.pk}, format="json")
    assert r.status_code == 400 and "experiencia" in r.json()
    # La propia, aunque siga en revisión, sí.
    propia = services.recurso_proponer(por=funcionario_medellin, tipo=TipoRecurso.EXPERIENCIA, titulo="Mía",
                                       resumen="r")
    services.recurso_proponer(por=funcionario_medellin, tipo=TipoRecurso.BUENA_PRACTICA, titulo="BP",
                              resumen="r", experiencia=propia)


def test_no_se_enlaza_una_oferta_en_borrador(funcionario_medellin, entidad_oferente):
    borrador = oferta_de(entidad_oferente, nombre="Oferta aún en borrador", estado="borrador", publicada_en=None)
    with pytest.raises(ValidationError, match=r"Elija una oferta publicada en el portal\.") as e:
        services.recurso_proponer(por=funcionario_medellin, tipo="leccion", titulo="L", resumen="r", oferta=borrador)
    assert "oferta" in e.value.message_dict
    publicada = oferta_de(entidad_oferente)
    r = services.recurso_proponer(por=funcionario_medellin, tipo="leccion", titulo="L", resumen="r", oferta=publicada)
    # Si la oferta se archiva después, el recurso se sigue pudiendo editar.
    type(publicada).objects.filter(pk=publicada.pk).update(estado="archivada")
    services.recurso_editar(recurso=r, por=funcionario_medellin, titulo="L2")


def test_preguntas_de_una_oferta_en_borrador_no_se_ven(client, entidad_oferente, oferente, funcionario_medellin):
    borrador = oferta_de(entidad_oferente, nombre="Oferta aún en borrador", estado="borrador", publicada_en=None)
    services.pregunta_guardar(oferta=borrador, por=oferente, pregunta="¿Cuándo abre?", respuesta="Pronto")
    url = reverse("conocimiento:preguntas", args=[borrador.pk])
    assert client.get(url).status_code == 404
    client.force_login(funcionario_medellin)
    assert client.get(url).status_code == 404
    assert APIClient().get("/api/v1/conocimiento/preguntas-frecuentes/").json()["results"] == []
    client.force_login(oferente)  # quien la prepara sí
    assert "¿Cuándo abre?" in client.get(url).content.decode()


# --- Cursos no publicados ---------------------------------------------------------------------
def test_curso_no_publicado_solo_lo_ve_quien_lo_organiza(client, curso, sesion, oferente, funcionario_medellin):
    Curso.objects.filter(pk=curso.pk).update(publicado=False)
    client.force_login(funcionario_medellin)
    assert client.get(reverse("conocimiento:curso", args=[curso.pk])).status_code == 404
    assert client.get(reverse("conocimiento:sesion", args=[sesion.pk])).status_code == 404
    assert client.post(reverse("conocimiento:inscribirse", args=[sesion.pk])).status_code == 404
    with pytest.raises(ValidationError, match=r"Este curso no está publicado: no recibe inscripciones\."):
        services.inscribir(sesion=sesion, por=funcionario_medellin)
    assert not Inscripcion.objects.exists()
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    assert api.get("/api/v1/conocimiento/sesiones/").json()["results"] == []
    assert api.post(f"/api/v1/conocimiento/sesiones/{sesion.pk}/inscribirse/").status_code == 404
    client.force_login(oferente)
    assert client.get(reverse("conocimiento:sesion", args=[sesion.pk])).status_code == 200


# --- Asistencia y certificado -----------------------------------------------------------------
def test_no_hay_asistencia_ni_certificado_antes_de_la_sesion(client, sesion, oferente, funcionario_medellin):
    ins = services.inscribir(sesion=sesion, por=funcionario_medellin)
    with pytest.raises(ValidationError, match=r"La asistencia se registra cuando la sesión ya empezó \(el"):
        services.registrar_asistencia(sesion=sesion, por=oferente, asistentes_ids=[ins.pk])
    client.force_login(oferente)
    respuesta = client.post(reverse("conocimiento:sesion", args=[sesion.pk]),
                            {"accion": "asistencia", "asistio": [ins.pk]}, follow=True)
    assert respuesta.status_code == 200 and "cuando la sesión ya empezó" in respuesta.content.decode()
    ins.refresh_from_db()
    assert ins.asistio is None
    client.force_login(funcionario_medellin)
    assert client.get(reverse("conocimiento:certificado", args=[ins.pk])).status_code == 404


def test_sin_certificado_si_la_inscripcion_se_cancelo(client, sesion, funcionario_medellin):
    ins = services.inscribir(sesion=sesion, por=funcionario_medellin)
    Inscripcion.objects.filter(pk=ins.pk).update(asistio=True, estado=EstadoInscripcion.CANCELADA)
    client.force_login(funcionario_medellin)
    assert client.get(reverse("conocimiento:certificado", args=[ins.pk])).status_code == 404


def test_sesion_que_ya_empezo_no_promueve_ni_la_cancela_quien_asistio(client, sesion, oferente):
    a, b, c = (factories.persona(factories.alcaldia(x)) for x in ("05001", "76001", "11001"))
    ia = services.inscribir(sesion=sesion, por=a)
    services.inscribir(sesion=sesion, por=b)
    ic = services.inscribir(sesion=sesion, por=c)
    SesionFormacion.objects.filter(pk=sesion.pk).update(inicio=timezone.now() - timedelta(hours=1))
    # Quien se inscribió ya no la borra: queda en la memoria de la entidad.
    client.force_login(a)
    respuesta = client.post(reverse("conocimiento:cancelar", args=[ia.pk]), follow=True)
    assert "La sesión ya empezó" in respuesta.content.decode()
    assert Inscripcion.objects.get(pk=ia.pk).estado == EstadoInscripcion.INSCRITA
    html = client.get(reverse("conocimiento:sesion", args=[sesion.pk])).content.decode()
    assert "Cancelar mi inscripción" not in html
    # Quien organiza corrige, y nadie sube de la lista de espera a una sesión que ya ocurrió.
    assert services.cancelar_inscripcion(inscripcion=ia, por=oferente) == []
    assert Inscripcion.objects.get(pk=ic.pk).estado == EstadoInscripcion.EN_ESPERA


# --- Comunidad ---------------------------------------------------------------------------------
@pytest.fixture
def discusion(espacio, funcionario_medellin):
    services.espacio_unirse(espacio=espacio, por=funcionario_medellin)
    return services.discusion_abrir(espacio=espacio, por=funcionario_medellin, titulo="t", cuerpo="c")


def test_el_auditor_no_sigue_discusiones(client, discusion, auditor):
    with pytest.raises(PermissionDenied, match=r"Solo los miembros de la red pueden seguir discusiones\."):
        services.discusion_seguir(discusion=discusion, por=auditor, seguir=True)
    client.force_login(auditor)
    assert client.post(reverse("conocimiento:seguir", args=[discusion.pk]), {"seguir": "1"}).status_code == 403
    html = client.get(reverse("conocimiento:discusion", args=[discusion.pk])).content.decode()
    assert "Seguir esta discusión" not in html and "Reportar abuso" not in html
    assert not discusion.seguidores.filter(pk=auditor.pk).exists()


def test_nadie_sigue_una_discusion_oculta(discusion, funcionario_cali, admin_dnp, espacio):
    services.espacio_unirse(espacio=espacio, por=funcionario_cali)
    services.moderar(objeto=discusion, por=admin_dnp, ocultar=True, motivo="Fuera de tema")
    with pytest.raises(PermissionDenied, match=r"Esta discusión fue ocultada por moderación\."):
        services.discusion_seguir(discusion=discusion, por=funcionario_cali, seguir=True)
    services.discusion_seguir(discusion=discusion, por=funcionario_cali, seguir=False)  # dejar de seguir, sí


def test_espacio_cerrado_no_recibe_discusiones(espacio, funcionario_medellin):
    services.espacio_unirse(espacio=espacio, por=funcionario_medellin)
    espacio.activo = False
    espacio.save()
    with pytest.raises(ValidationError, match=r"Este espacio de la comunidad está cerrado\."):
        services.discusion_abrir(espacio=espacio, por=funcionario_medellin, titulo="t", cuerpo="c")


def test_moderar_sin_accion_no_dice_que_se_aplico(client, discusion, admin_dnp):
    client.force_login(admin_dnp)
    respuesta = client.post(reverse("conocimiento:moderar", args=[discusion.pk]), {"accion": "otra"}, follow=True)
    html = respuesta.content.decode()
    assert "Moderación aplicada" not in html and "Elija una acción de moderación" in html
    assert not Discusion.objects.get(pk=discusion.pk).oculta


# --- Revisión con los datos de quien revisa ---------------------------------------------------
def test_la_revision_con_errores_conserva_lo_escrito(client, funcionario_medellin, admin_dnp):
    r = services.recurso_proponer(por=funcionario_medellin, tipo="leccion", titulo="L", resumen="r")
    client.force_login(admin_dnp)
    respuesta = client.post(reverse("conocimiento:revisar", args=[r.pk]), {"comentario": "Falta la fuente"})
    assert respuesta.status_code == 400
    html = respuesta.content.decode()
    assert "Revise el formulario" in html and "Falta la fuente" in html
    respuesta = client.post(reverse("conocimiento:revisar", args=[r.pk]), {"decision": "devolver", "comentario": ""})
    assert respuesta.status_code == 400
    assert "Explique qué se debe ajustar" in respuesta.content.decode()
    assert Recurso.objects.get(pk=r.pk).estado == EstadoRecurso.PROPUESTO
    client.force_login(funcionario_medellin)
    assert client.post(reverse("conocimiento:revisar", args=[r.pk]), {"decision": "publicar"}).status_code == 403


def test_retirar_solo_lo_publicado_y_con_motivo(funcionario_medellin, admin_dnp):
    propuesta = services.recurso_proponer(por=funcionario_medellin, tipo="leccion", titulo="L", resumen="r")
    with pytest.raises(ValidationError, match=r"Solo se retiran recursos publicados\."):
        services.recurso_retirar(recurso=propuesta, por=admin_dnp, motivo="x")
    publicado = recurso_publicado(funcionario_medellin)
    with pytest.raises(ValidationError, match=r"Explique por qué se retira el recurso\."):
        services.recurso_retirar(recurso=publicado, por=admin_dnp, motivo=" ")
    with pytest.raises(PermissionDenied, match=r"Solo el equipo del DNP retira recursos publicados\."):
        services.recurso_retirar(recurso=publicado, por=funcionario_medellin, motivo="x")
    assert services.recurso_retirar(recurso=publicado, por=admin_dnp, motivo="Datos desactualizados").estado == "retirado"


# --- Entradas inválidas no rompen las páginas -------------------------------------------------
def test_filtros_no_numericos_no_fallan(client):
    assert client.get(reverse("conocimiento:repositorio"), {"tema": "abc"}).status_code == 200
    assert APIClient().get("/api/v1/conocimiento/recursos/facetas/", {"tema": "abc"}).status_code == 200


def test_evento_terminado_no_recibe_registros(client, funcionario_medellin):
    inicio = timezone.now() - timedelta(days=3)
    evento = Evento.objects.create(nombre="Encuentro 2025", inicio=inicio, fin=inicio + timedelta(days=1))
    with pytest.raises(ValidationError, match=r"El evento ya terminó: no recibe registros\."):
        services.evento_registrarse(evento=evento, por=funcionario_medellin)
    client.force_login(funcionario_medellin)
    html = client.get(reverse("conocimiento:evento", args=[evento.pk])).content.decode()
    assert "El evento ya terminó" in html and "Registrarme" not in html


# --- Consultas constantes en más páginas ------------------------------------------------------
def test_discusion_y_formacion_con_consultas_constantes(client, espacio, curso, funcionario_medellin,
                                                          django_assert_max_num_queries):
    from conocimiento.models import Respuesta

    services.espacio_unirse(espacio=espacio, por=funcionario_medellin)
    d = services.discusion_abrir(espacio=espacio, por=funcionario_medellin, titulo="t", cuerpo="c")
    otros = [factories.persona(factories.alcaldia(x)) for x in ("76001", "11001")]
    client.force_login(funcionario_medellin)
    inicio = timezone.now() + timedelta(days=5)
    for n in (10, 490):
        Respuesta.objects.bulk_create([Respuesta(discusion=d, autor=otros[i % 2], cuerpo=f"R{i}") for i in range(n)])
        Curso.objects.bulk_create([Curso(nombre=f"Curso {i}", descripcion="d", nivel=curso.nivel,
                                         tipo_capacidad=curso.tipo_capacidad, entidad=curso.entidad)
                                   for i in range(n)])
        SesionFormacion.objects.bulk_create([
            SesionFormacion(curso=curso, modalidad="virtual", inicio=inicio, fin=inicio + timedelta(hours=1), cupos=5)
            for _ in range(n)
        ])
        with django_assert_max_num_queries(12):
            assert client.get(reverse("conocimiento:discusion", args=[d.pk])).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(reverse("conocimiento:formacion")).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(reverse("conocimiento:curso", args=[curso.pk])).status_code == 200


def test_el_formulario_ofrece_las_entidades_que_el_servicio_acepta(client, oferente, funcionario_medellin):
    cali = factories.alcaldia("76001")
    client.force_login(oferente)  # acompaña a muchas entidades: puede atribuir a cualquiera
    assert f'value="{cali.pk}"' in client.get(reverse("conocimiento:proponer")).content.decode()
    client.force_login(funcionario_medellin)  # solo a la suya
    html = client.get(reverse("conocimiento:proponer")).content.decode()
    assert f'value="{cali.pk}"' not in html and f'value="{factories.alcaldia("05001").pk}"' in html


def test_lo_editado_en_el_administrador_se_encuentra(client):
    from att.models import Usuario
    from conocimiento.selectors import buscar_recursos

    jefe = Usuario.objects.create_superuser(email="jefe@dnp.gov.co", password="x-clave-larga-2026")
    r = recurso_publicado(jefe, titulo="Título viejo")
    client.force_login(jefe)
    url = reverse("admin:conocimiento_recurso_change", args=[r.pk])
    datos = {"tipo": r.tipo, "titulo": "Acueducto comunitario veredal", "resumen": r.resumen, "estado": "publicado",
             "propuesto_por": jefe.pk, "publicado_en_0": "2026-01-02", "publicado_en_1": "10:00:00",
             "materiales-TOTAL_FORMS": 0, "materiales-INITIAL_FORMS": 0}
    respuesta = client.post(url, datos)
    assert respuesta.status_code == 302, getattr(respuesta.context_data.get("adminform"), "form", None).errors if respuesta.status_code == 200 else ""
    assert list(buscar_recursos(q="acueducto veredal").recursos) == [Recurso.objects.get(pk=r.pk)]


def test_la_memoria_no_cuenta_como_formacion_la_lista_de_espera(client, curso):
    from conocimiento.selectors import formacion_de

    medellin = factories.alcaldia("05001")
    persona = factories.persona(medellin)
    inicio = timezone.now() - timedelta(days=30)
    sesion = SesionFormacion.objects.create(curso=curso, modalidad="virtual", inicio=inicio,
                                            fin=inicio + timedelta(hours=2), cupos=1, enlace="https://x.gov.co")
    Inscripcion.objects.create(sesion=sesion, usuario=persona, entidad=medellin, estado=EstadoInscripcion.EN_ESPERA)
    # La memoria es ahora la sección «memoria» del perfil; su formación sale de este selector.
    assert formacion_de(medellin).count() == 0


def test_espacio_cerrado_no_recibe_respuestas(discusion, espacio, funcionario_medellin):
    espacio.activo = False
    espacio.save()
    with pytest.raises(ValidationError, match=r"Este espacio de la comunidad está cerrado\."):
        services.respuesta_publicar(discusion=discusion, por=funcionario_medellin, cuerpo="¿Sigue abierto?")
