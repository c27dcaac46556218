"""Informe mensual: contenido, idempotencia (una fila por periodo y alcance), comando y tarea."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from att.models import Notificacion
from indicadores import services as ind_services
from seguimiento import informes, services
from seguimiento.models import EstadoInforme, InformeMensual, Percepcion, SuscripcionInforme
from seguimiento.tasks import generar_corte_semestral, generar_informe_mensual
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db


@pytest.fixture
def datos(oferente, entidad_oferente, seguimiento_dnp, funcionario_medellin):
    from tests import factories

    l = fabricas.linea(entidad_oferente, territorios=[factories.alcaldia("05001")], aprobado=True)
    h = fabricas.hito(l)
    a = services.avance_reportar(hito=h, porcentaje=D(60), fecha_corte=date(2026, 10, 15), narrativa="x", por=oferente)
    services.avance_validar(avance=a, por=seguimiento_dnp)
    # Calificación de octubre (la fecha de una calificación real es la del servidor: se escribe directo).
    Percepcion.objects.create(entidad=factories.alcaldia("05001"), calidad=5, pertinencia=4, oportunidad=2,
                              oferente=entidad_oferente, registrada_por=funcionario_medellin, fecha=date(2026, 10, 20))
    i = fabricas.indicador(entidad_oferente, meta=10)
    ind_services.medicion_registrar(indicador=i, periodo=date(2026, 10, 1), valor=D(4), por=oferente)
    return l


def test_tarea_mensual_dos_veces_produce_un_informe(datos, seguimiento_dnp, django_capture_on_commit_callbacks):
    SuscripcionInforme.objects.create(usuario=seguimiento_dnp)
    with django_capture_on_commit_callbacks(execute=True):  # los archivos viejos se borran al confirmar
        r1 = generar_informe_mensual.delay("2026-10").get()
        r2 = generar_informe_mensual.delay("2026-10").get()
    assert r1["id"] == r2["id"] and (r1["version"], r2["version"]) == (1, 2)
    informe = InformeMensual.objects.get()
    assert (informe.periodo, informe.alcance, informe.estado, informe.progreso) == (
        date(2026, 10, 1), "nacional", EstadoInforme.LISTO, 100)
    assert informe.intentos == 2
    assert informe.pdf.read(4) == b"%PDF"
    libro = load_workbook(informe.xlsx.open("rb"))
    assert libro.sheetnames == ["Resumen", "Entidades", "Departamentos", "Indicadores", "Percepcion", "Capacidades",
                               "Tendencias", "Por entidad territorial", "Por dependencia", "Por producto",
                               "Por departamento", "Por region", "Por estrategia", "Por asesor"]
    valores = {fila[0]: fila[1] for fila in libro["Resumen"].iter_rows(min_row=4, values_only=True)}
    assert valores["Avances validados en el periodo"] == 1
    assert valores["Avance consolidado (%)"] == 60.0
    percep = {fila[0]: fila[1] for fila in libro["Percepcion"].iter_rows(min_row=4, values_only=True)}
    assert percep["Calificaciones"] == 1
    assert Notificacion.objects.filter(usuario=seguimiento_dnp, titulo__startswith="Informe de seguimiento listo").count() == 2
    # Los archivos viejos se reemplazan, no se acumulan
    import os

    carpeta = os.path.dirname(informe.pdf.path)
    assert sorted(os.listdir(carpeta)) == sorted([os.path.basename(informe.pdf.name), os.path.basename(informe.xlsx.name)])


def test_comando_y_corte_semestral(datos, entidad_oferente):
    call_command("generar_informe_mensual", "--periodo", "2026-10", f"--alcance=entidad-{entidad_oferente.pk}")
    assert InformeMensual.objects.get(alcance=f"entidad-{entidad_oferente.pk}").estado == EstadoInforme.LISTO
    with pytest.raises(CommandError, match="El periodo debe tener la forma AAAA-MM"):
        call_command("generar_informe_mensual", "--periodo", "2026-13")
    generar_corte_semestral.delay("2026-12").get()
    corte = InformeMensual.objects.get(tipo="semestral")
    assert informes.ventana("semestral", corte.periodo) == (date(2026, 7, 1), date(2027, 1, 1))


def test_fallo_queda_registrado(datos, monkeypatch):
    def explota(*a, **k):
        raise RuntimeError("sin disco")

    monkeypatch.setattr(informes, "generar_pdf", explota)
    with pytest.raises(RuntimeError, match="sin disco"):
        generar_informe_mensual.delay("2026-10").get()
    informe = InformeMensual.objects.get()
    assert informe.estado == EstadoInforme.FALLIDO and "sin disco" in informe.error
