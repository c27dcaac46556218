"""Ayudas de las pruebas de conocimiento."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from att.models import Canal, Membresia, NivelCapacidad, Rol, Tema, TipoCapacidad
from conocimiento import services
from conocimiento.models import (
    Curso,
    EspacioComunidad,
    EstadoRecurso,
    Recurso,
    SesionFormacion,
    TipoRecurso,
)
from tests import factories


def oferta_de(entidad, **extra):
    """Una oferta publicada en el portal (pase `estado=` para otra)."""
    from oferta.models import EstadoOferta, Oferta

    datos = {
        "entidad": entidad, "nombre": "Asistencia en formulación de proyectos", "necesidad": "Proyectos débiles",
        "descripcion": "Acompañamiento", "canal": Canal.objects.first(), "contacto_nombre": "Contacto",
        "contacto_email": "contacto@prueba.gov.co", "vigencia_desde": date(2026, 1, 1),
        "estado": EstadoOferta.PUBLICADA, "publicada_en": timezone.now(),
    }
    datos.update(extra)
    return Oferta.objects.create(**datos)


def recurso_publicado(propuesto_por, *, titulo="Presupuesto participativo", tipo=TipoRecurso.BUENA_PRACTICA,
                      entidad=None, temas=(), resumen="Resumen de la práctica"):
    r = Recurso(tipo=tipo, titulo=titulo, resumen=resumen, propuesto_por=propuesto_por, entidad=entidad,
                estado=EstadoRecurso.PUBLICADO, publicado_en=timezone.now())
    services._completar_territorio(r)
    r.save()
    r.temas.set(temas)
    services.vector_busqueda([r.pk])
    return r


def exfuncionario(entidad, **extra):
    """Alguien que trabajó en la entidad y ya se fue (membresía inactiva)."""
    u = factories.UsuarioFactory(**extra)
    Membresia.objects.create(usuario=u, entidad=entidad, rol=Rol.FUNCIONARIO_ET, activa=False,
                             desde=date(2020, 1, 1), hasta=date(2023, 12, 31))
    return u


@pytest.fixture
def tema(db):
    return Tema.objects.filter(activo=True).order_by("pk").first()


@pytest.fixture
def espacio(db, tema):
    return EspacioComunidad.objects.create(nombre="Planeación territorial", slug="planeacion-territorial",
                                           tipo="tematico", tema=tema)


@pytest.fixture
def curso(db, entidad_oferente):
    return Curso.objects.create(
        nombre="Formulación de proyectos de inversión", descripcion="Curso básico",
        nivel=NivelCapacidad.objects.first(), tipo_capacidad=TipoCapacidad.objects.first(),
        entidad=entidad_oferente,
    )


@pytest.fixture
def sesion(curso):
    inicio = timezone.now() + timedelta(days=10)
    return SesionFormacion.objects.create(curso=curso, modalidad="virtual", inicio=inicio,
                                          fin=inicio + timedelta(hours=3), cupos=2, enlace="https://reunion.gov.co/x")
