"""Tareas periódicas: cada una del beat existe en el worker, sus límites de tiempo caben en el plazo
de visibilidad de Redis, y las diarias y mensuales corren de verdad (en proceso, base real) y dejan
su efecto; correrlas dos veces no lo duplica."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from agenda.models import Compromiso, MesaDeTrabajo
from att.celery import app
from att.models import Notificacion, Rol
from seguimiento.informes import mes_anterior
from seguimiento.models import EstadoInforme, EstadoLinea, Hito, InformeMensual
from tests import factories
from tests.agenda import fabricas as fabricas_agenda
from tests.seguimiento import fabricas


@pytest.fixture(scope="module", autouse=True)
def _tareas_cargadas():
    app.loader.import_default_modules()


def _limites(nombre):
    tarea = app.tasks[nombre]
    return (tarea.time_limit or app.conf.task_time_limit, tarea.soft_time_limit or app.conf.task_soft_time_limit)


def test_cada_tarea_del_beat_esta_registrada(settings):
    nombres = [entrada["task"] for entrada in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "seguimiento.revisar_informes_atascados" in nombres
    assert [n for n in nombres if n not in app.tasks] == []


def test_limites_de_tiempo_por_tipo_y_visibilidad_mayor_que_la_tarea_mas_larga(settings):
    informe, alerta = _limites("seguimiento.generar_informe_mensual"), _limites("agenda.alertar_compromisos_vencidos")
    assert informe == (settings.ATT_TAREA_LIMITE_LARGO_S, settings.ATT_TAREA_LIMITE_LARGO_S - 60)
    assert alerta == (settings.ATT_TAREA_LIMITE_CORTO_S, settings.ATT_TAREA_LIMITE_CORTO_S - 60)
    assert informe[0] > alerta[0] and informe[0] > 30 * 60  # más que una página y que el límite anterior
    propias = [n for n in app.tasks if not n.startswith("celery.")]
    mas_larga = max(_limites(n)[0] for n in propias)
    assert app.conf.broker_transport_options["visibility_timeout"] > mas_larga
    assert app.conf.result_backend_transport_options["visibility_timeout"] > mas_larga


@pytest.mark.django_db
def test_tareas_diarias_corren_y_no_duplican_alertas(settings, seguimiento_dnp, oferente, entidad_oferente,
                                                     django_capture_on_commit_callbacks):
    # Un hito vencido sin cumplir, un compromiso vencido y una alerta para el resumen diario.
    responsable_linea = factories.persona(entidad_oferente, Rol.OFERENTE)  # puede abrir la línea que se le enlaza
    linea = fabricas.linea(entidad_oferente, responsable=responsable_linea,
                           territorios=[factories.alcaldia("05001")])
    hito = fabricas.hito(linea, fecha=timezone.localdate() - datetime.timedelta(days=5))
    medellin = factories.alcaldia("05001")
    funcionario = factories.persona(medellin, Rol.FUNCIONARIO_ET)
    pc = fabricas_agenda.concertado(medellin, [entidad_oferente])
    mesa = MesaDeTrabajo.objects.create(plan=pc, fecha=timezone.now(), lugar="Sala", participantes="Ana",
                                        registrada_por=funcionario)
    compromiso = Compromiso.objects.create(plan=pc, mesa=mesa, descripcion="Enviar el acta", responsable=funcionario,
                                           fecha_limite=timezone.localdate() - datetime.timedelta(days=3))
    lector = factories.persona(factories.dnp(), Rol.AUDITOR, recibe_resumen_diario=True)
    Notificacion.objects.create(usuario=lector, categoria="seguimiento", titulo="Alerta del día", clave="x")

    diarias = ["seguimiento.actualizar_y_alertar", "agenda.alertar_compromisos_vencidos", "att.enviar_resumen_diario"]
    assert {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} >= set(diarias)
    for _vuelta in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            for nombre in diarias:
                assert app.tasks[nombre].apply(throw=True).successful()

    assert EstadoLinea.objects.filter(linea=linea).exists()
    assert Hito.objects.get(pk=hito.pk).vencimiento_alertado
    assert Notificacion.objects.filter(usuario=responsable_linea, titulo__startswith="Hito vencido").count() == 1
    assert Notificacion.objects.filter(usuario=funcionario, clave=f"compromiso-vencido-{compromiso.pk}").count() == 1
    assert [m.to for m in mail.outbox].count([lector.email]) == 1


@pytest.mark.django_db
def test_tareas_mensual_y_semestral_del_beat_producen_su_informe(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mensual = app.tasks["seguimiento.generar_informe_mensual"].apply(throw=True).get()
        semestral = app.tasks["seguimiento.generar_corte_semestral"].apply(throw=True).get()
        atascados = app.tasks["seguimiento.revisar_informes_atascados"].apply(throw=True).get()
    assert atascados == {"relanzados": 0, "fallidos": 0, "vivos": 0}
    informe = InformeMensual.objects.get(pk=mensual["id"])
    assert (informe.tipo, informe.periodo, informe.estado, informe.version) == (
        "mensual", mes_anterior(), EstadoInforme.LISTO, 1)
    assert informe.pdf.open("rb").read(4) == b"%PDF"
    corte = InformeMensual.objects.get(pk=semestral["id"])
    assert corte.tipo == "semestral" and corte.periodo.month in (6, 12) and corte.estado == EstadoInforme.LISTO
