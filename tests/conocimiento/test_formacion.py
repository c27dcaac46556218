import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from att.models import Notificacion
from conocimiento import services
from conocimiento.models import EstadoInscripcion, Inscripcion, SesionFormacion
from tests import factories

pytestmark = pytest.mark.django_db


def _ya_empezo(sesion):
    inicio = timezone.now() - timedelta(hours=1)
    SesionFormacion.objects.filter(pk=sesion.pk).update(inicio=inicio, fin=inicio + timedelta(hours=3))
    sesion.refresh_from_db()


def _personas(n):
    return [factories.persona(factories.alcaldia(c)) for c in ("05001", "76001", "11001", "05002", "05004")[:n]]


def test_lista_de_espera_sube_cuando_se_libera_un_cupo(sesion):
    a, b, c, d = _personas(4)
    ia, ib = services.inscribir(sesion=sesion, por=a), services.inscribir(sesion=sesion, por=b)
    ic, id_ = services.inscribir(sesion=sesion, por=c), services.inscribir(sesion=sesion, por=d)
    assert [i.estado for i in (ia, ib, ic, id_)] == ["inscrita", "inscrita", "en_espera", "en_espera"]
    promovidas = services.cancelar_inscripcion(inscripcion=ia, por=a)
    assert [p.pk for p in promovidas] == [ic.pk]  # sube la primera de la fila, no la segunda
    estados = dict(Inscripcion.objects.values_list("usuario_id", "estado"))
    assert estados == {a.pk: "cancelada", b.pk: "inscrita", c.pk: "inscrita", d.pk: "en_espera"}
    assert Notificacion.objects.filter(usuario=c, titulo__contains="Se liberó un cupo").exists()
    # Quien canceló puede volver, al final de la fila.
    assert services.inscribir(sesion=sesion, por=a).estado == EstadoInscripcion.EN_ESPERA
    services.cancelar_inscripcion(inscripcion=ib, por=b)
    assert Inscripcion.objects.get(usuario=d).estado == "inscrita"
    assert Inscripcion.objects.get(usuario=a).estado == "en_espera"


def test_ampliar_cupos_sube_la_lista(sesion, oferente):
    personas = _personas(4)
    for p in personas:
        services.inscribir(sesion=sesion, por=p)
    services.sesion_ampliar_cupos(sesion=sesion, por=oferente, cupos=3)
    assert Inscripcion.objects.filter(estado="inscrita").count() == 3


def test_no_se_inscribe_dos_veces(sesion, funcionario_medellin):
    services.inscribir(sesion=sesion, por=funcionario_medellin)
    with pytest.raises(ValidationError, match=r"Ya está inscrito en esta sesión\."):
        services.inscribir(sesion=sesion, por=funcionario_medellin)


@pytest.mark.django_db(transaction=True)
def test_inscripciones_simultaneas_no_sobrepasan_los_cupos(referencia_cargada, curso):
    inicio = timezone.now() + timedelta(days=3)
    sesion = SesionFormacion.objects.create(curso=curso, modalidad="presencial", inicio=inicio,
                                            fin=inicio + timedelta(hours=2), cupos=1, lugar="Medellín")
    personas = _personas(5)
    errores = []

    def inscribir(persona):
        try:
            services.inscribir(sesion=sesion, por=persona)
        except Exception as e:  # noqa: BLE001 - cualquier error del hilo se reporta abajo
            errores.append(e)
        finally:
            connection.close()

    hilos = [threading.Thread(target=inscribir, args=(p,)) for p in personas]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    assert not errores
    assert Inscripcion.objects.filter(sesion=sesion, estado="inscrita").count() == 1
    assert Inscripcion.objects.filter(sesion=sesion, estado="en_espera").count() == 4


def test_asistencia_y_certificado_pdf(client, sesion, oferente, funcionario_medellin, funcionario_cali):
    ins = services.inscribir(sesion=sesion, por=funcionario_medellin)
    otra = services.inscribir(sesion=sesion, por=funcionario_cali)
    url = reverse("conocimiento:certificado", args=[ins.pk])
    client.force_login(funcionario_medellin)
    assert client.get(url).status_code == 404  # sin asistencia registrada no hay certificado
    with pytest.raises(PermissionDenied, match=r"Solo quien organiza el curso registra la asistencia\."):
        services.registrar_asistencia(sesion=sesion, por=funcionario_medellin, asistentes_ids=[ins.pk])
    _ya_empezo(sesion)  # la asistencia se registra cuando la sesión ya ocurrió
    client.force_login(oferente)
    client.post(reverse("conocimiento:sesion", args=[sesion.pk]), {"accion": "asistencia", "asistio": [ins.pk]})
    ins.refresh_from_db(), otra.refresh_from_db()
    assert ins.asistio is True and otra.asistio is False
    client.force_login(funcionario_medellin)
    respuesta = client.get(url)
    assert respuesta.status_code == 200 and respuesta["Content-Type"] == "application/pdf"
    assert respuesta.content.startswith(b"%PDF")
    client.force_login(funcionario_cali)
    assert client.get(url).status_code == 403


def test_paginas_de_formacion(client, sesion, funcionario_medellin, funcionario_cali, curso):
    client.force_login(funcionario_medellin)
    assert curso.nombre in client.get(reverse("conocimiento:formacion")).content.decode()
    assert client.get(reverse("conocimiento:curso", args=[curso.pk])).status_code == 200
    client.post(reverse("conocimiento:inscribirse", args=[sesion.pk]))
    assert Inscripcion.objects.get(usuario=funcionario_medellin).estado == "inscrita"
    html = client.get(reverse("conocimiento:sesion", args=[sesion.pk])).content.decode()
    assert "Está inscrito" in html
