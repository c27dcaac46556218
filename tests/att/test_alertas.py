import os
from datetime import timedelta

import pytest
from django.conf import settings as configuracion
from django.core import mail
from django.utils import timezone

from att.models import Notificacion, Usuario
from att.notificaciones import enviar_pendientes, notificar
from tests import factories

pytestmark = pytest.mark.django_db


def test_notificar_crea_alerta_y_envia_correo_inmediato(django_capture_on_commit_callbacks, funcionario_medellin):
    with django_capture_on_commit_callbacks(execute=True):
        notificar(usuarios=[funcionario_medellin], categoria="demanda", titulo="Nueva demanda", url="/demanda/1/")
    assert Notificacion.objects.filter(usuario=funcionario_medellin).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Nueva demanda"
    assert "http://127.0.0.1:8000/demanda/1/" in mail.outbox[0].body


def test_resumen_diario_agrupa_en_un_correo(django_capture_on_commit_callbacks):
    persona = factories.persona(factories.alcaldia("05001"), recibe_resumen_diario=True)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            notificar(usuarios=[persona], categoria="demanda", titulo=f"Alerta {i}")
    assert mail.outbox == []  # nada inmediato para quien prefiere el resumen
    assert enviar_pendientes(resumen=True) == 1
    assert len(mail.outbox) == 1 and "3 alertas" in mail.outbox[0].subject
    assert enviar_pendientes(resumen=True) == 0  # no se reenvía


def test_clave_evita_duplicados(funcionario_medellin):
    for _ in range(2):
        notificar(usuarios=[funcionario_medellin], categoria="x", titulo="Una vez", clave="demanda-7")
    assert Notificacion.objects.filter(usuario=funcionario_medellin).count() == 1


def test_pagina_de_alertas_solo_las_propias(client, funcionario_medellin, funcionario_cali, django_assert_max_num_queries):
    notificar(usuarios=[funcionario_medellin], categoria="x", titulo="Para Medellín")
    notificar(usuarios=[funcionario_cali], categoria="x", titulo="Para Cali")
    client.force_login(funcionario_medellin)
    with django_assert_max_num_queries(10):
        html = client.get("/nucleo/alertas/").content.decode()
    assert "Para Medellín" in html and "Para Cali" not in html
    ajena = Notificacion.objects.get(usuario=funcionario_cali)
    assert client.post(f"/nucleo/alertas/{ajena.pk}/leida/").status_code == 404
    propia = Notificacion.objects.get(usuario=funcionario_medellin)
    client.post(f"/nucleo/alertas/{propia.pk}/leida/")
    propia.refresh_from_db()
    assert propia.leida_en is not None


def test_lista_de_alertas_consultas_planas(client, funcionario_medellin, django_assert_max_num_queries):
    client.force_login(funcionario_medellin)
    for n in (10, 200):
        Notificacion.objects.bulk_create(
            [Notificacion(usuario=funcionario_medellin, categoria="x", titulo=f"A{i}") for i in range(n)]
        )
        with django_assert_max_num_queries(10):
            assert client.get("/nucleo/alertas/").status_code == 200


@pytest.mark.parametrize("resumen", [False, True], ids=["atrasadas", "resumen"])
def test_personas_inactivas_o_sin_correo_no_acaparan_el_lote(resumen):
    """5000 personas (ids menores) con alertas que nunca se envían —inactivas, o sin correo— no
    dejan sin correo a una persona activa: el lote solo toma a quien sí puede recibirlo."""
    bloqueo = Usuario.objects.bulk_create(
        [Usuario(email=f"inactiva{i}@prueba.gov.co", nombre=f"Inactiva {i}", password="!", is_active=False,
                 recibe_resumen_diario=resumen) for i in range(4999)]
        + [Usuario(email="", nombre="Sin correo", password="!", recibe_resumen_diario=resumen)]
    )
    Notificacion.objects.bulk_create(
        [Notificacion(usuario=u, categoria="x", titulo="Nunca sale") for u in bloqueo]
        + [Notificacion(usuario=bloqueo[0], categoria="x", titulo=f"Otra {i}") for i in range(5001)]
    )
    activa = factories.UsuarioFactory(recibe_resumen_diario=resumen)
    assert activa.pk > max(u.pk for u in bloqueo)
    Notificacion.objects.create(usuario=activa, categoria="x", titulo="Para la activa")
    ahora = timezone.now()
    if resumen:
        assert enviar_pendientes(resumen=True) == 1
    else:
        assert enviar_pendientes(creadas_entre=(ahora - timedelta(days=1), ahora + timedelta(minutes=1))) == 1
    assert [m.to for m in mail.outbox] == [[activa.email]]
    assert Notificacion.objects.filter(correo_enviado_en__isnull=True).count() == 10001  # quedan, sin enviar


def test_correo_con_tiempo_de_espera():
    assert configuracion.EMAIL_TIMEOUT == float(os.environ.get("EMAIL_TIMEOUT", "10"))


def test_insignia_de_alertas_sin_leer_cuenta_solo_las_propias_sin_leer(client, funcionario_medellin, funcionario_cali):
    """`selectors.alertas_sin_leer` (SQL armado una vez) da lo mismo que el ORM, y la insignia del encabezado
    la muestra: leídas y ajenas no cuentan."""
    from att import selectors

    for i in range(3):
        notificar(usuarios=[funcionario_medellin], categoria="x", titulo=f"Para Medellín {i}")
    notificar(usuarios=[funcionario_cali], categoria="x", titulo="Para Cali")
    Notificacion.objects.filter(usuario=funcionario_medellin, titulo="Para Medellín 0").update(leida_en=timezone.now())
    for persona, esperado in ((funcionario_medellin, 2), (funcionario_cali, 1)):
        assert selectors.alertas_sin_leer(persona) == esperado == Notificacion.objects.filter(
            usuario=persona, leida_en__isnull=True).count()
    client.force_login(funcionario_medellin)
    assert '<span class="insignia" aria-label="2 sin leer">2</span>' in client.get("/nucleo/alertas/").content.decode()
