"""Importación de ofertas segura ante la entrega «al menos una vez» de la bandeja de salida: el estado
y el pedido de la tarea se confirman juntos, y correr una tarea otra vez no escribe ni retrocede nada."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oferta import services
from oferta.models import EstadoImportacion, ImportacionOferta, Oferta, TransicionOferta
from oferta.tasks import escribir_importacion, validar_importacion
from tests.oferta.test_importacion import BUENA, ENCABEZADO

pytestmark = pytest.mark.django_db


def _archivo(n):
    filas = [BUENA.replace("POAI", f"POAI {i}", 1) for i in range(n)]
    return SimpleUploadedFile("ofertas.csv", ("\n".join([ENCABEZADO, *filas]) + "\n").encode(), "text/csv")


def _importada(oferente, n=2):
    imp = services.importacion_iniciar(por=oferente, archivo=_archivo(n))
    assert imp.estado == EstadoImportacion.VALIDADA, imp.errores
    services.importacion_confirmar(importacion=imp, por=oferente)
    imp.refresh_from_db()
    assert (imp.estado, imp.creadas) == (EstadoImportacion.TERMINADA, n)
    return imp


def test_la_escritura_dos_veces_importa_las_filas_una_vez(oferente):
    imp = _importada(oferente)
    escribir_importacion.apply(args=[imp.pk], throw=True)  # el mensaje llega otra vez
    services.importacion_escribir(importacion_id=imp.pk)
    imp.refresh_from_db()
    assert (imp.estado, imp.creadas, imp.procesadas) == (EstadoImportacion.TERMINADA, 2, 2)
    assert Oferta.objects.count() == 2 and TransicionOferta.objects.count() == 2


def test_grande_por_celery_con_la_escritura_repetida(oferente, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    n = services.UMBRAL_SINCRONO + 3
    with django_capture_on_commit_callbacks(execute=True):
        imp = services.importacion_iniciar(por=oferente, archivo=_archivo(n))
    with django_capture_on_commit_callbacks(execute=True):
        services.importacion_confirmar(importacion=imp, por=oferente)
    with django_capture_on_commit_callbacks(execute=True):
        escribir_importacion.apply(args=[imp.pk], throw=True)
    imp.refresh_from_db()
    assert (imp.estado, imp.creadas) == (EstadoImportacion.TERMINADA, n)
    assert Oferta.objects.count() == n


def test_escribir_sin_confirmar_no_escribe(oferente):
    imp = services.importacion_iniciar(por=oferente, archivo=_archivo(2))
    services.importacion_escribir(importacion_id=imp.pk)
    imp.refresh_from_db()
    assert imp.estado == EstadoImportacion.VALIDADA and not Oferta.objects.exists()


def test_validar_otra_vez_despues_de_terminada_la_deja_terminada(oferente):
    imp = _importada(oferente)
    validar_importacion.apply(args=[imp.pk], throw=True)  # un ensayo que llega tarde
    services.importacion_validar(importacion_id=imp.pk)
    imp.refresh_from_db()
    assert (imp.estado, imp.creadas, imp.procesadas) == (EstadoImportacion.TERMINADA, 2, 2)


def test_validar_otra_vez_despues_de_confirmar_no_la_devuelve_a_validada(oferente):
    imp = services.importacion_iniciar(por=oferente, archivo=_archivo(2))
    ImportacionOferta.objects.filter(pk=imp.pk).update(estado=EstadoImportacion.IMPORTANDO, procesadas=0)
    services.importacion_validar(importacion_id=imp.pk)
    imp.refresh_from_db()
    assert (imp.estado, imp.procesadas) == (EstadoImportacion.IMPORTANDO, 0)


def _broker_roto(monkeypatch):
    def encolar(*args, **kwargs):
        raise RuntimeError("no se pudo escribir la salida")

    monkeypatch.setattr("att.salida.encolar", encolar)


def test_si_no_se_puede_pedir_el_ensayo_no_queda_la_importacion(oferente, monkeypatch):
    _broker_roto(monkeypatch)
    with pytest.raises(RuntimeError, match="no se pudo escribir la salida"):
        services.importacion_iniciar(por=oferente, archivo=_archivo(services.UMBRAL_SINCRONO + 1))
    assert not ImportacionOferta.objects.exists()


def test_si_no_se_puede_pedir_la_escritura_no_queda_importando(oferente, monkeypatch):
    imp = services.importacion_iniciar(por=oferente, archivo=_archivo(2))
    ImportacionOferta.objects.filter(pk=imp.pk).update(total=services.UMBRAL_SINCRONO + 1)  # va por la cola
    imp.refresh_from_db()
    _broker_roto(monkeypatch)
    with pytest.raises(RuntimeError, match="no se pudo escribir la salida"):
        services.importacion_confirmar(importacion=imp, por=oferente)
    imp.refresh_from_db()
    assert imp.estado == EstadoImportacion.VALIDADA
