"""Importaciones a la vez, de verdad (hilos, cada uno con su conexión a PostgreSQL):

- dos importaciones distintas confirmadas al mismo tiempo terminan las dos, con ids distintos y sin
  errores de integridad (no hay reajuste de secuencias que compita);
- cinco confirmaciones de la misma importación a la vez (doble clic, otra pestaña) la escriben una vez:
  las demás reciben el mensaje en español."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from att import importacion as imp
from att.models import EstadoImportacionArchivo as Estado
from att.models import Rol
from demanda.models import Demanda
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _a_la_vez(n: int, hacer):
    salida = threading.Barrier(n)

    def correr(i):
        try:
            salida.wait(timeout=30)
            try:
                return hacer(i)
            except ValidationError as e:
                return e.messages[0]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as grupo:
        return list(grupo.map(correr, range(n)))


def _archivo(etiqueta: str, n: int):
    filas = "".join(f"05001;Necesidad {etiqueta} {i};Detalle;planeacion;metas_pdt\n" for i in range(n))
    return SimpleUploadedFile(f"{etiqueta}.csv", ("entidad;titulo;descripcion;temas;fuente\n" + filas).encode())


def test_dos_importaciones_a_la_vez_terminan_las_dos(referencia_cargada):
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    una = imp.iniciar(tipo="demandas", por=persona, archivo=_archivo("una", 40))
    otra = imp.iniciar(tipo="demandas", por=persona, archivo=_archivo("otra", 40))
    _a_la_vez(2, lambda i: imp.confirmar(importacion=[una, otra][i], por=persona))
    for importacion in (una, otra):
        importacion.refresh_from_db()
        assert (importacion.estado, importacion.escritas) == (Estado.TERMINADA, 40), importacion.errores
    assert Demanda.objects.count() == 80
    assert len(set(Demanda.objects.values_list("pk", flat=True))) == 80


def test_cinco_confirmaciones_a_la_vez_escriben_una_vez(referencia_cargada):
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    importacion = imp.iniciar(tipo="demandas", por=persona, archivo=_archivo("doble", 5))
    respuestas = _a_la_vez(5, lambda i: imp.confirmar(importacion=importacion, por=persona))
    assert respuestas.count(None) == 1
    assert all("ya se confirmó" in r for r in respuestas if r is not None)
    assert Demanda.objects.count() == 5
