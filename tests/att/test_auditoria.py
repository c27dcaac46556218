"""Historial (django-simple-history) en todo lo que una persona cambia, y ninguna escritura en bloque
sin auditar: ver att/auditoria.py."""

from __future__ import annotations

import ast
import importlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from att import auditoria, services
from att.models import Membresia, Municipio, PuntajeMDM, Rol, TokenIntegracion, Usuario
from tests import factories

RAIZ = Path(__file__).resolve().parents[2]
APPS = ("att", "indicadores", "oferta", "demanda", "agenda", "seguimiento", "conocimiento", "rutas", "pas")
METODOS = {"update", "bulk_create", "bulk_update"}


# --- El verificador de escrituras en bloque ------------------------------------------------------------
def escrituras_en_bloque(fuente: str) -> list[tuple[str, str, int]]:
    """(función, método, línea) de cada `.update(`, `.bulk_create(` y `.bulk_update(` del código.

    La función es el nombre calificado (`Clase.metodo`, `funcion.anidada`; `<módulo>` fuera de toda
    función). Un `.update(` con argumentos posicionales no es de una consulta (`QuerySet.update` solo
    recibe argumentos por nombre): es `dict.update` o `hashlib…update`, y no cuenta.
    """
    encontradas = []

    def visitar(nodo, pila):
        for hijo in ast.iter_child_nodes(nodo):
            if isinstance(hijo, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visitar(hijo, [*pila, hijo.name])
                continue
            if (isinstance(hijo, ast.Call) and isinstance(hijo.func, ast.Attribute) and hijo.func.attr in METODOS
                    and not (hijo.func.attr == "update" and hijo.args)):
                encontradas.append((".".join(pila) or "<módulo>", hijo.func.attr, hijo.lineno))
            visitar(hijo, pila)

    visitar(ast.parse(fuente), [])
    return encontradas


def _codigo_de_las_apps():
    for app in APPS:
        for ruta in sorted((RAIZ / app).rglob("*.py")):
            relativa = ruta.relative_to(RAIZ).as_posix()
            if "/migrations/" not in relativa:
                yield relativa, ruta.read_text(encoding="utf-8")


def test_el_verificador_encuentra_un_update_nuevo_en_un_servicio():
    muestra = '''
from att.models import Municipio

def municipio_marcar_pdet(*, codigos, por):
    resumen = {}
    resumen.update({"n": len(codigos)})          # dict.update: no cuenta
    Municipio.objects.filter(codigo__in=codigos).update(pdet=True)

class Carga:
    def escribir(self, filas):
        Municipio.objects.bulk_create(filas)
        Municipio.objects.bulk_update(filas, ["pdet"])
'''
    assert escrituras_en_bloque(muestra) == [
        ("municipio_marcar_pdet", "update", 7),
        ("Carga.escribir", "bulk_create", 11),
        ("Carga.escribir", "bulk_update", 12),
    ]


def test_ninguna_escritura_en_bloque_fuera_de_la_lista_permitida():
    sin_permiso, usadas = [], set()
    for archivo, fuente in _codigo_de_las_apps():
        for funcion, metodo, linea in escrituras_en_bloque(fuente):
            if (archivo, funcion) in auditoria.ESCRITURAS_EN_BLOQUE:
                usadas.add((archivo, funcion))
            else:
                sin_permiso.append(f"{archivo}:{linea} {funcion}: .{metodo}(")
    assert sin_permiso == [], (
        "Escrituras en bloque sin historial: use bulk_create_with_history / bulk_update_with_history o save(), "
        "o agréguelas a att/auditoria.py ESCRITURAS_EN_BLOQUE con la razón"
    )
    # La lista no guarda permisos de código que ya no existe.
    assert set(auditoria.ESCRITURAS_EN_BLOQUE) - usadas == set()
    assert all(razon.strip() for razon in auditoria.ESCRITURAS_EN_BLOQUE.values())


# --- Qué modelos llevan historial ---------------------------------------------------------------------
def _con_historia() -> set[str]:
    return {modelo._meta.label for modelo in registered_models.values()}


def _subclases(clase):
    for sub in clase.__subclasses__():
        yield sub
        yield from _subclases(sub)


def _modelos_de_formularios() -> set[str]:
    for app in APPS:
        try:
            importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
    return {
        f._meta.model._meta.concrete_model._meta.label for f in _subclases(forms.ModelForm)
        if getattr(f._meta, "model", None) is not None and f.__module__.split(".")[0] in APPS
    }


def test_todo_modelo_con_admin_o_formulario_tiene_historial_o_razon():
    # Un proxy (BuenaPractica…) guarda en la tabla de su modelo concreto, y su historial es el de ese.
    modelos = {m._meta.concrete_model._meta.label for m in admin.site._registry} | _modelos_de_formularios()
    assert {"att.Usuario", "att.TokenIntegracion", "oferta.Oferta", "agenda.MesaDeTrabajo"} <= modelos
    sin_nada = sorted(modelos - _con_historia() - set(auditoria.SIN_HISTORIA))
    assert sin_nada == []


def test_lo_que_una_persona_cambia_tiene_historial():
    esperados = {
        "att.Usuario", "att.TokenIntegracion", "att.Membresia", "att.Departamento", "att.Municipio",
        "att.PuntajeMDM", "att.Tema", "att.Canal", "auth.Group", "demanda.AdjuntoDemanda",
        "seguimiento.EvidenciaAvance", "agenda.EvidenciaMesa", "conocimiento.Material", "seguimiento.Percepcion",
        "conocimiento.MiembroEspacio", "conocimiento.Inscripcion", "oferta.ImportacionOferta",
    }
    assert esperados - _con_historia() == set()


def test_sin_historia_nombra_modelos_que_existen_sin_historial_y_con_razon():
    for etiqueta, razon in auditoria.SIN_HISTORIA.items():
        modelo = apps.get_model(etiqueta)
        assert etiqueta not in _con_historia(), etiqueta
        assert len(razon) > 20, etiqueta
        assert modelo is not None


def test_cada_modelo_de_las_apps_tiene_historial_o_razon():
    propios = {
        m._meta.label for app in APPS for m in apps.get_app_config(app).get_models()
        if not m._meta.model_name.startswith("historical") and not m._meta.proxy  # un proxy: el de su tabla
    }
    assert sorted(propios - _con_historia() - set(auditoria.SIN_HISTORIA)) == []


# --- Filas de historial con su autor ------------------------------------------------------------------
@pytest.mark.django_db
def test_cambio_de_rol_en_el_admin_deja_historial_con_quien_lo_hizo(client):
    jefe = factories.persona(factories.dnp(), Rol.ADMIN_DNP, is_staff=True, is_superuser=True)
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    membresia = persona.membresias.get()
    client.force_login(jefe)
    datos = {
        "email": persona.email, "nombre": persona.nombre, "cargo": "", "telefono": "",
        "is_active": "on", "fecha_registro_0": timezone.localtime(persona.fecha_registro).strftime("%Y-%m-%d"),
        "fecha_registro_1": "08:00:00",
        "membresias-TOTAL_FORMS": "1", "membresias-INITIAL_FORMS": "1",
        "membresias-MIN_NUM_FORMS": "0", "membresias-MAX_NUM_FORMS": "1000",
        "membresias-0-id": str(membresia.pk), "membresias-0-usuario": str(persona.pk),
        "membresias-0-entidad": str(membresia.entidad_id), "membresias-0-rol": Rol.EQUIPO_DEPARTAMENTAL,
        "membresias-0-activa": "on", "membresias-0-desde": membresia.desde.isoformat(), "membresias-0-hasta": "",
    }
    respuesta = client.post(reverse("admin:att_usuario_change", args=[persona.pk]), datos)
    assert respuesta.status_code == 302, respuesta.context and respuesta.context["adminform"].form.errors
    ultima = membresia.historial.first()
    assert (ultima.history_type, ultima.rol, ultima.history_user) == ("~", Rol.EQUIPO_DEPARTAMENTAL, jefe)
    assert ultima.prev_record.rol == Rol.FUNCIONARIO_ET


@pytest.mark.django_db
def test_acceso_al_admin_y_superusuario_quedan_en_el_historial_del_usuario(client):
    jefe = factories.persona(factories.dnp(), Rol.ADMIN_DNP, is_staff=True, is_superuser=True)
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    client.force_login(jefe)
    datos = {
        "email": persona.email, "nombre": persona.nombre, "is_active": "on", "is_staff": "on",
        "is_superuser": "on",
        "fecha_registro_0": "2026-01-05", "fecha_registro_1": "08:00:00",
        "membresias-TOTAL_FORMS": "0", "membresias-INITIAL_FORMS": "0",
        "membresias-MIN_NUM_FORMS": "0", "membresias-MAX_NUM_FORMS": "1000",
    }
    respuesta = client.post(reverse("admin:att_usuario_change", args=[persona.pk]), datos)
    assert respuesta.status_code == 302
    ultima = persona.historial.first()
    assert (ultima.is_staff, ultima.is_superuser, ultima.history_user) == (True, True, jefe)
    assert (ultima.prev_record.is_staff, ultima.prev_record.is_superuser) == (False, False)
    cambios = {c.field for c in ultima.diff_against(ultima.prev_record).changes}
    assert {"is_staff", "is_superuser"} <= cambios


@pytest.mark.django_db
def test_cambio_de_clave_queda_en_el_historial_sin_el_resumen(client):
    """La plataforma cambia claves en el admin (UserAdmin): la fila dice cuándo y quién, sin el resumen."""
    jefe = factories.persona(factories.dnp(), Rol.ADMIN_DNP, is_staff=True, is_superuser=True)
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    filas_antes = persona.historial.count()
    client.force_login(jefe)
    respuesta = client.post(reverse("admin:auth_user_password_change", args=[persona.pk]), {
        "password1": "otra-clave-muy-segura-2026", "password2": "otra-clave-muy-segura-2026",
        "usable_password": "true",
    })
    assert respuesta.status_code == 302
    persona.refresh_from_db()
    assert persona.check_password("otra-clave-muy-segura-2026")
    ultima = persona.historial.first()
    assert persona.historial.count() == filas_antes + 1
    assert ultima.clave_cambiada_en == persona.clave_cambiada_en
    assert ultima.clave_cambiada_en > timezone.now() - timedelta(minutes=1)
    assert ultima.history_user == jefe
    assert ultima.prev_record.clave_cambiada_en < ultima.clave_cambiada_en
    historicos = {f.name for f in type(ultima)._meta.get_fields()}
    assert "password" not in historicos and "last_login" not in historicos


@pytest.mark.django_db
def test_ingresar_no_deja_fila_de_historial(client):
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    filas = persona.historial.count()
    respuesta = client.post(reverse("login"), {"username": persona.email, "password": factories.CLAVE})
    assert respuesta.status_code == 302  # el ingreso escribe last_login
    persona.refresh_from_db()
    assert persona.last_login is not None
    assert persona.historial.count() == filas


@pytest.mark.django_db
def test_revocar_un_token_guarda_quien_y_deja_historial(admin_dnp):
    integrador = factories.persona(factories.dnp(), Rol.INTEGRADOR)
    token, _clave = services.token_emitir(nombre="Cliente", usuario=integrador, entidad=factories.dnp(),
                                          rol=Rol.INTEGRADOR, por=admin_dnp)
    services.token_revocar(token=token, por=admin_dnp)
    token = TokenIntegracion.objects.get(pk=token.pk)
    assert token.revocado_por == admin_dnp and token.revocado_en is not None
    creado, revocado = token.historial.order_by("history_id")
    assert (creado.history_type, creado.history_user) == ("+", admin_dnp)
    assert (revocado.history_type, revocado.revocado_por, revocado.history_user) == ("~", admin_dnp, admin_dnp)
    assert "resumen" not in {f.name for f in type(revocado)._meta.get_fields()}


@pytest.mark.django_db
def test_promocion_desde_la_lista_de_espera_deja_historial():
    from att.models import NivelCapacidad, TipoCapacidad
    from conocimiento import services as conocimiento
    from conocimiento.models import Curso, EstadoInscripcion, SesionFormacion

    curso = Curso.objects.create(nombre="Curso", descripcion="d", nivel=NivelCapacidad.objects.first(),
                                 tipo_capacidad=TipoCapacidad.objects.first(),
                                 entidad=factories.EntidadNacionalFactory())
    inicio = timezone.now() + timedelta(days=5)
    sesion = SesionFormacion.objects.create(curso=curso, modalidad="virtual", inicio=inicio,
                                            fin=inicio + timedelta(hours=2), cupos=1, enlace="https://r.gov.co/x")
    a, b = (factories.persona(factories.alcaldia(c)) for c in ("05001", "76001"))
    primera = conocimiento.inscribir(sesion=sesion, por=a)
    espera = conocimiento.inscribir(sesion=sesion, por=b)
    assert espera.estado == EstadoInscripcion.EN_ESPERA
    conocimiento.cancelar_inscripcion(inscripcion=primera, por=a)
    ultima = espera.historial.first()
    assert (ultima.history_type, ultima.estado, ultima.history_user) == ("~", EstadoInscripcion.INSCRITA, a)
    assert ultima.history_change_reason == "promovida desde la lista de espera"
    assert ultima.prev_record.estado == EstadoInscripcion.EN_ESPERA


@pytest.mark.django_db
def test_importar_atributos_escribe_el_historial_en_bloque(admin_dnp, django_assert_max_num_queries):
    filas = services.leer_tabla(io.BytesIO((
        ",".join(services.COLUMNAS_ATRIBUTOS) + "\n"
        "05001,,,E,C,no,no,2023,71.5\n05002,,,6,G4,sí,sí,2023,40\n05004,,,6,G5,no,no,,\n"
    ).encode()), "a.csv")
    historia_municipios = Municipio.historial.count()
    historia_puntajes = PuntajeMDM.historial.count()
    # Pocas consultas sin importar cuántas filas: lectura, municipios, puntajes y las escrituras en bloque.
    with django_assert_max_num_queries(10):
        resultado = services.atributos_importar(filas=filas, confirmar=True, por=admin_dnp)
    assert resultado.escritas == 3
    assert Municipio.historial.count() == historia_municipios + 3
    assert PuntajeMDM.historial.count() == historia_puntajes + 2
    fila = Municipio.historial.filter(codigo="05002").first()
    assert (fila.grupo_mdm, fila.pdet, fila.history_user, fila.history_type) == ("G4", True, admin_dnp, "~")
    assert fila.history_change_reason == "importación de atributos de focalización"
    # Reimportar lo mismo no cambia nada y no deja filas.
    services.atributos_importar(filas=filas, confirmar=True, por=admin_dnp)
    assert Municipio.historial.count() == historia_municipios + 3
    assert PuntajeMDM.historial.count() == historia_puntajes + 2


@pytest.mark.django_db
def test_membresia_tiene_historial_al_crearla():
    persona = factories.persona(factories.alcaldia("05001"))
    assert Membresia.historial.filter(usuario_id=persona.pk, history_type="+").count() == 1
    assert Usuario.historial.filter(id=persona.pk, history_type="+").count() == 1
