"""Fábricas de datos del núcleo para las pruebas de todas las apps."""

import factory
from factory.django import DjangoModelFactory

from att.models import Entidad, Membresia, Municipio, Rol, TipoEntidad, Usuario

CLAVE = "clave-de-prueba-segura-2026"


class UsuarioFactory(DjangoModelFactory):
    class Meta:
        model = Usuario
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"persona{n}@prueba.gov.co")
    nombre = factory.Sequence(lambda n: f"Persona de prueba {n}")
    password = factory.PostGenerationMethodCall("set_password", CLAVE)


class EntidadNacionalFactory(DjangoModelFactory):
    class Meta:
        model = Entidad

    nombre = factory.Sequence(lambda n: f"Entidad nacional de prueba {n}")
    sigla = factory.Sequence(lambda n: f"ENP{n}")
    tipo = TipoEntidad.MINISTERIO
    sector = "Planeación"


def alcaldia(codigo: str = "05001") -> Entidad:
    """La alcaldía del municipio (el territorio se carga una vez por sesión de pruebas)."""
    return Entidad.objects.get(tipo=TipoEntidad.ALCALDIA, municipio_id=codigo)


def gobernacion(departamento: str = "05") -> Entidad:
    return Entidad.objects.get(tipo=TipoEntidad.GOBERNACION, departamento_id=departamento)


def dnp() -> Entidad:
    return Entidad.objects.get(sigla="DNP")


def persona(entidad: Entidad, rol: str = Rol.FUNCIONARIO_ET, **extra) -> Usuario:
    """Una persona con membresía activa en `entidad` con `rol`."""
    usuario = UsuarioFactory(**extra)
    Membresia.objects.create(usuario=usuario, entidad=entidad, rol=rol)
    return usuario


def api_con_token(entidad: Entidad, rol: str, por: Usuario, nombre: str = "Sistema de prueba"):
    """Un cliente de la API con el token de una persona nueva de `entidad` con `rol`, emitido por `por`;
    devuelve (cliente, token)."""
    from rest_framework.test import APIClient

    from att import services

    token, clave = services.token_emitir(nombre=nombre, usuario=persona(entidad, rol), entidad=entidad, rol=rol,
                                         por=por)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    return api, token


def municipio(codigo: str) -> Municipio:
    return Municipio.objects.get(codigo=codigo)
