"""Importación de ofertas segura ante la entrega «al menos una vez» de la bandeja de salida: el estado
y el pedido de la tarea se confirman juntos, y correr una tarea otra vez no escribe ni retrocede nada.
Las importaciones anteriores (`ImportacionOferta`) son historial de solo lectura."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from att import importacion as imp
from att.models import EstadoImportacionArchivo as Estado
from att.models import Importacion
from att.tasks import escribir_importacion, validar_importacion
from oferta import tasks as tareas_oferta
from oferta.models import EstadoImportacion, ImportacionOferta, Oferta, TransicionOferta
from tests.oferta.test_importacion import BUENA, ENCABEZADO

pytestmark = pytest.mark.django_db


def _archivo(n):
    filas = [BUENA.replace("POAI", f"POAI {i}", 1) for i in range(n)]
    return SimpleUploadedFile("ofertas.csv", ("\n".join([ENCABEZADO, *filas]) + "\n").encode(), "text/csv")


def _importada(oferente, n=2):
    importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=_archivo(n))
    assert importacion.estado == Estado.VALIDADA, importacion.errores
    imp.confirmar(importacion=importacion, por=oferente)
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.escritas) == (Estado.TERMINADA, n)
    return importacion


def test_la_escritura_dos_veces_importa_las_filas_una_vez(oferente):
    importacion = _importada(oferente)
    escribir_importacion.apply(args=[importacion.pk], throw=True)  # el mensaje llega otra vez
    imp.escribir(importacion.pk)
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.escritas, importacion.procesadas) == (Estado.TERMINADA, 2, 2)
    assert Oferta.objects.count() == 2 and TransicionOferta.objects.count() == 2


def test_doble_confirmacion_escribe_una_vez(oferente):
    importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=_archivo(2))
    imp.confirmar(importacion=importacion, por=oferente)
    with pytest.raises(ValidationError, match="Esta importación ya se confirmó: no se importa dos veces"):
        imp.confirmar(importacion=importacion, por=oferente)
    assert Oferta.objects.count() == 2


def test_grande_por_celery_con_la_escritura_repetida(oferente, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    n = imp.UMBRAL_SINCRONO + 3
    with django_capture_on_commit_callbacks(execute=True):
        importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=_archivo(n))
    with django_capture_on_commit_callbacks(execute=True):
        imp.confirmar(importacion=importacion, por=oferente)
    with django_capture_on_commit_callbacks(execute=True):
        escribir_importacion.apply(args=[importacion.pk], throw=True)
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.escritas) == (Estado.TERMINADA, n)
    assert Oferta.objects.count() == n


def test_escribir_sin_confirmar_no_escribe(oferente):
    importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=_archivo(2))
    imp.escribir(importacion.pk)
    importacion.refresh_from_db()
    assert importacion.estado == Estado.VALIDADA and not Oferta.objects.exists()


def test_validar_otra_vez_despues_de_terminada_la_deja_terminada(oferente):
    importacion = _importada(oferente)
    validar_importacion.apply(args=[importacion.pk], throw=True)  # un ensayo que llega tarde
    imp.validar(importacion.pk)
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.escritas, importacion.procesadas) == (Estado.TERMINADA, 2, 2)


def test_validar_otra_vez_despues_de_confirmar_no_la_devuelve_a_validada(oferente):
    importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=_archivo(2))
    importacion.estado, importacion.procesadas = Estado.IMPORTANDO, 0
    importacion.save(update_fields=["estado", "procesadas"])
    imp.validar(importacion.pk)
    importacion.refresh_from_db()
    assert (importacion.estado, importacion.procesadas) == (Estado.IMPORTANDO, 0)


def _broker_roto(monkeypatch):
    def encolar(*args, **kwargs):
        raise RuntimeError("no se pudo escribir la salida")

    monkeypatch.setattr("att.salida.encolar", encolar)


def test_si_no_se_puede_pedir_el_ensayo_no_queda_la_importacion(oferente, monkeypatch):
    _broker_roto(monkeypatch)
    with pytest.raises(RuntimeError, match="no se pudo escribir la salida"):
        imp.iniciar(tipo="ofertas", por=oferente, archivo=_archivo(imp.UMBRAL_SINCRONO + 1))
    assert not Importacion.objects.exists()


def test_si_no_se_puede_pedir_la_escritura_no_queda_importando(oferente, monkeypatch):
    importacion = imp.iniciar(tipo="ofertas", por=oferente, archivo=_archivo(2))
    importacion.total = imp.UMBRAL_SINCRONO + 1  # va por la cola
    importacion.save(update_fields=["total"])
    _broker_roto(monkeypatch)
    with pytest.raises(RuntimeError, match="no se pudo escribir la salida"):
        imp.confirmar(importacion=importacion, por=oferente)
    importacion.refresh_from_db()
    assert importacion.estado == Estado.VALIDADA


def test_las_importaciones_anteriores_son_historial_de_solo_lectura(client, oferente):
    """Una `ImportacionOferta` validada del sistema anterior se ve pero no se confirma, y un mensaje
    viejo de sus tareas en la bandeja de salida no escribe nada."""
    vieja = ImportacionOferta.objects.create(por=oferente, nombre_archivo="viejo.csv", archivo="viejo.csv",
                                             estado=EstadoImportacion.VALIDADA, total=2, validas=2)
    client.force_login(oferente)
    html = client.get(f"/oferta/importar/{vieja.pk}/").content.decode()
    assert "queda solo como historial" in html and "Confirmar" not in html
    r = client.post(f"/oferta/importar/{vieja.pk}/", follow=True)
    assert "queda solo como historial" in r.content.decode()
    tareas_oferta.escribir_importacion.apply(args=[vieja.pk], throw=True)
    tareas_oferta.validar_importacion.apply(args=[vieja.pk], throw=True)
    vieja.refresh_from_db()
    assert vieja.estado == EstadoImportacion.VALIDADA and not Oferta.objects.exists()
