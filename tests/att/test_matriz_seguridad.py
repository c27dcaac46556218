"""Matriz de control de acceso (ASVS L2, V4): dos entidades × cada clase de objeto × página/admin/API.

Las rutas NO se escriben a mano: las páginas salen del resolvedor de URL (`get_resolver()`), la API del
esquema OpenAPI (drf-spectacular) y el administrador de `admin.site._registry`. Cada ruta con parámetros
de objeto se asocia (tablas `RUTAS_HTML` y `RUTAS_API`) con objetos del lado A; una ruta nueva sin
asociar hace FALLAR la prueba con un mensaje que dice dónde agregarla, y lo mismo una lista de la API
que acepte POST sin cuerpo de prueba en `ALTAS_EN_LO_DE_A` o una ruta de la API fuera del esquema.

El lado B (funcionario de Cali y oferente B, cada uno con sesión y con token emitido por un
administrador DNP) pide cada ruta del lado A (Medellín y el oferente A) y debe recibir 403/404/405 (o
el ingreso), nunca un 200 con lo privado de A; las rutas públicas por diseño llevan su razón en el caso
(`Caso.publico`). Todo texto y todo archivo privado de A lleva la marca `MARCA`: ninguna respuesta 200 a
B la trae (tampoco las listas ni las páginas sin parámetros). Nada cambia: `Vigia` compara una huella de
la base (filas y md5 del contenido de cada tabla de las apps, en una consulta preparada) después de cada
POST/PUT/PATCH/DELETE. El auditor lo lee todo y no cambia nada por páginas, administrador ni API.

Un mundo por módulo (una transacción que se revierte al final); cada prueba corre en un punto de
guardado (`db`), así lo que un POST pudiera escribir no pasa a la prueba siguiente.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from att import services as att_services
from att.models import Canal, Modalidad, Notificacion, Rol, Tema
from tests import factories

MARCA = "SECRETO-DE-A"
APPS = ("att", "indicadores", "oferta", "demanda", "agenda", "seguimiento", "conocimiento", "rutas", "pas")
# Tablas de contabilidad que cambian con cualquier petición y no son datos de nadie.
# El registro de seguridad anota justamente los intentos de B (ingresos, 403): que crezca es lo
# esperado; tests/att/test_bitacora_seguridad.py prueba lo que guarda.
TABLAS_IGNORADAS = {"att.SolicitudIdempotente", "att.EventoSeguridad"}


# =============================================================================================
# El mundo: A (Medellín y el oferente A) con un objeto de cada clase; B (Cali y el oferente B).
# =============================================================================================
@dataclass
class Mundo:
    objetos: dict = field(default_factory=dict)  # nombre → instancia del lado A
    actores: dict = field(default_factory=dict)  # nombre → usuario del lado B (y el auditor)
    claves: dict = field(default_factory=dict)  # nombre del actor → clave de su token

    def __getattr__(self, nombre):
        try:
            return self.__dict__["objetos"][nombre]
        except KeyError:
            raise AttributeError(nombre) from None


def _construir() -> Mundo:
    from agenda.models import (
        AgendaNacional,
        Compromiso,
        EstadoPlan,
        EvidenciaMesa,
        LineaPlan,
        MesaDeTrabajo,
        PlanConcertado,
        PlanDeTrabajo,
        VersionPlan,
    )
    from att.models import EtapaCiclo, NivelCapacidad, TipoCapacidad
    from conocimiento.models import (
        Curso,
        Discusion,
        EspacioComunidad,
        Evento,
        Inscripcion,
        Material,
        MiembroEspacio,
        PreguntaFrecuente,
        Recurso,
        RegistroEvento,
        Respuesta,
        SesionFormacion,
    )
    from demanda.models import AdjuntoDemanda, EstadoDemanda
    from indicadores.models import Indicador, Medicion
    from oferta.models import EstadoOferta, ImportacionOferta
    from seguimiento import services as seg_services
    from seguimiento.models import (
        Asesoria,
        Avance,
        EvaluacionLinea,
        EventoMasivo,
        EvidenciaAvance,
        Hito,
        InformeMensual,
        Percepcion,
        SuscripcionInforme,
    )
    from tests.demanda import fabricas as fd

    m = Mundo()
    o = m.objetos
    hoy = timezone.localdate()
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    dnp = factories.dnp()
    admin_dnp = factories.persona(dnp, Rol.ADMIN_DNP, is_staff=True)
    ent_a = factories.EntidadNacionalFactory(nombre="Oferente A de la matriz")
    ent_b = factories.EntidadNacionalFactory(nombre="Oferente B de la matriz")
    func_a = factories.persona(medellin, Rol.FUNCIONARIO_ET)
    ofe_a = factories.persona(ent_a, Rol.OFERENTE)
    func_b = factories.persona(cali, Rol.FUNCIONARIO_ET)
    ofe_b = factories.persona(ent_b, Rol.OFERENTE)
    m.actores.update({
        "funcionario_b": func_b, "oferente_b": ofe_b,
        # El auditor con is_staff (una cuenta marcada como personal por error): aun así no cambia nada.
        "auditor": factories.persona(dnp, Rol.AUDITOR, is_staff=True),
    })
    o.update(et_a=medellin, oferente_a=ent_a, funcionario_a=func_a, usuario_oferente_a=ofe_a)

    # Tokens: los de B actúan; los de A son objetos de A (nadie de B los ve ni los revoca).
    for nombre, usuario, entidad, rol in (
        ("funcionario_b", func_b, cali, Rol.FUNCIONARIO_ET), ("oferente_b", ofe_b, ent_b, Rol.OFERENTE),
        ("auditor", m.actores["auditor"], dnp, Rol.AUDITOR),
    ):
        _t, m.claves[nombre] = att_services.token_emitir(nombre=f"SI de {nombre}", usuario=usuario,
                                                         entidad=entidad, rol=rol, por=admin_dnp)
    o["token_a"], _ = att_services.token_emitir(nombre=f"{MARCA} token", usuario=func_a, entidad=medellin,
                                                rol=Rol.FUNCIONARIO_ET, por=admin_dnp)
    o["token_oferente_a"], _ = att_services.token_emitir(nombre=f"{MARCA} token", usuario=ofe_a, entidad=ent_a,
                                                         rol=Rol.OFERENTE, por=admin_dnp)
    # Un webhook del oferente A (su URL y su secreto son de A).
    from att.models import SuscripcionWebhook

    o["webhook_a"] = SuscripcionWebhook.objects.create(
        url=f"https://receptor.example.org/{MARCA}", eventos=["oferta.oferta.creado"], entidad=ent_a,
        usuario=ofe_a, secreto=f"{MARCA}-secreto")

    # --- Oferta: una en cada estado; solo la publicada es pública.
    for estado in (EstadoOferta.BORRADOR, EstadoOferta.EN_REVISION, EstadoOferta.DEVUELTA, EstadoOferta.ARCHIVADA):
        o[f"oferta_{estado}"] = fd.oferta(ent_a, estado=estado, nombre=f"{MARCA} oferta {estado}",
                                          descripcion=f"{MARCA} descripción")
    # Sin temas compartidos con la demanda de A: el oferente A no "ve por tema" lo que no debe.
    o["oferta_publicada"] = fd.oferta(ent_a, temas=("hacienda-finanzas",), nombre="Oferta publicada de A")
    o["importacion_oferta"] = ImportacionOferta.objects.create(por=ofe_a, archivo="matriz/ofertas.csv",
                                                               nombre_archivo=f"{MARCA}.csv")
    from att.models import Importacion

    o["importacion_archivo"] = Importacion.objects.create(tipo="demandas", por=ofe_a, archivo="matriz/demandas.csv",
                                                          nombre_archivo=f"{MARCA}.csv", estado="validada")
    o["pregunta_borrador"] = PreguntaFrecuente.objects.create(
        oferta=o["oferta_borrador"], pregunta=f"{MARCA} ¿pregunta?", respuesta="Respuesta", actualizada_por=ofe_a)
    o["pregunta_publicada"] = PreguntaFrecuente.objects.create(
        oferta=o["oferta_publicada"], pregunta="¿Pregunta pública?", respuesta="Respuesta", actualizada_por=ofe_a)

    # --- Demanda de Medellín con adjunto.
    o["demanda"] = fd.demanda(medellin, func_a, temas=("planeacion",), estado=EstadoDemanda.REGISTRADA,
                              titulo=f"{MARCA} demanda")
    o["adjunto_demanda"] = AdjuntoDemanda.objects.create(demanda=o["demanda"], archivo="matriz/adjunto.pdf",
                                                         nombre=f"{MARCA}.pdf", tamano=10, subido_por=func_a)
    # Un mensaje con adjunto en la conversación de esa demanda (att.conversaciones).
    from django.contrib.contenttypes.models import ContentType

    from att.models import AdjuntoMensaje, Mensaje
    mensaje = Mensaje.objects.create(tipo=ContentType.objects.get_for_model(o["demanda"]), objeto_id=o["demanda"].pk,
                                     autor=func_a, entidad=medellin, texto=f"{MARCA} mensaje")
    o["adjunto_mensaje"] = AdjuntoMensaje.objects.create(mensaje=mensaje, archivo="matriz/mensaje.pdf",
                                                         nombre=f"{MARCA}.pdf", tamano=10)

    # --- Agenda: la agenda nacional (pública); un plan en borrador (privado) y uno aprobado que llega a
    # Medellín (lo ven el oferente A, Medellín y el DNP; ni Cali ni el oferente B).
    agenda = AgendaNacional.objects.create(nombre="Agenda de la matriz", anio_inicio=2026, anio_fin=2029,
                                           estado="vigente")
    o["agenda"] = agenda
    etapa = EtapaCiclo.objects.get(codigo="planeacion")
    o["plan_borrador"] = PlanDeTrabajo.objects.create(agenda=agenda, entidad=ent_a, vigencia=2026)
    o["linea_borrador"] = LineaPlan.objects.create(
        plan=o["plan_borrador"], oferta=o["oferta_publicada"], objetivo=f"{MARCA} objetivo", etapa=etapa,
        fecha_inicio=datetime.date(2026, 2, 1), fecha_fin=datetime.date(2026, 11, 30), responsable=ofe_a)
    o["linea_borrador"].territorios.set([medellin])
    o["version_plan"] = VersionPlan.objects.create(plan=o["plan_borrador"], numero=1, datos={"nota": MARCA},
                                                   enviada_por=ofe_a)
    o["plan_aprobado"] = PlanDeTrabajo.objects.create(agenda=agenda, entidad=ent_a, vigencia=2027,
                                                      estado=EstadoPlan.APROBADO)
    o["linea_aprobada"] = linea = LineaPlan.objects.create(
        plan=o["plan_aprobado"], oferta=o["oferta_publicada"], objetivo="Objetivo de la línea aprobada",
        etapa=etapa, fecha_inicio=hoy - datetime.timedelta(days=60), fecha_fin=hoy + datetime.timedelta(days=60),
        responsable=ofe_a, peso=Decimal(1))
    linea.territorios.set([medellin])
    linea.temas.set([Tema.objects.get(codigo="planeacion")])
    o["hito"] = Hito.objects.create(linea=linea, nombre=f"{MARCA} hito", fecha_planeada=hoy, peso=Decimal(1))
    o["avance"] = Avance.objects.create(hito=o["hito"], porcentaje=Decimal(40), fecha_corte=hoy,
                                        narrativa=f"{MARCA} narrativa", registrado_por=ofe_a)
    o["evidencia_avance"] = EvidenciaAvance.objects.create(avance=o["avance"], archivo="matriz/evidencia.pdf",
                                                           nombre=f"{MARCA}.pdf")
    o["estado_linea"] = seg_services.recalcular_linea(linea)

    # --- Plan concertado de Medellín con el oferente A: mesa, evidencia y compromiso.
    o["concertado"] = PlanConcertado.objects.create(entidad_territorial=medellin, vigencia=2026,
                                                    nombre=f"{MARCA} concertado")
    o["concertado"].oferentes.set([ent_a])
    o["mesa"] = MesaDeTrabajo.objects.create(plan=o["concertado"], fecha=timezone.now(), lugar="Sala 1",
                                             participantes=f"{MARCA} participantes", registrada_por=ofe_a)
    o["evidencia_mesa"] = EvidenciaMesa.objects.create(mesa=o["mesa"], tipo="acta", archivo="matriz/acta.pdf",
                                                       nombre=f"{MARCA}.pdf", tamano=10, subido_por=ofe_a)
    o["compromiso"] = Compromiso.objects.create(plan=o["concertado"], mesa=o["mesa"],
                                                descripcion=f"{MARCA} compromiso", responsable=func_a,
                                                fecha_limite=hoy + datetime.timedelta(days=10))

    # --- Gobernanza (pública para quien ingresa; la escribe el equipo DNP): instancia con sesión, una decisión
    # que es compromiso de la funcionaria A; objetivo de la agenda; agenda territorial que suscribe Medellín,
    # servida por la línea aprobada (la del borrador, privada, también: no debe asomar).
    from agenda.models import (
        AgendaTerritorial,
        DecisionSesion,
        InstanciaGobernanza,
        ObjetivoAgenda,
        SesionInstancia,
    )
    o["objetivo_agenda"] = ObjetivoAgenda.objects.create(agenda=agenda, tipo_descriptor="funcional",
                                                         enunciado="Objetivo de la matriz", indicador="ET", meta=1)
    o["instancia_gob"] = InstanciaGobernanza.objects.create(nombre="Comité de la matriz", tipo="comite_territorial",
                                                            nivel="intermediacion")
    o["sesion_gob"] = SesionInstancia.objects.create(instancia=o["instancia_gob"], fecha=timezone.now(),
                                                     orden_del_dia="1.", registrada_por=ofe_a)
    o["compromiso_gob"] = Compromiso.objects.create(sesion=o["sesion_gob"], descripcion="Compromiso del comité",
                                                    responsable=func_a, fecha_limite=hoy)
    DecisionSesion.objects.create(sesion=o["sesion_gob"], descripcion="Compromiso del comité",
                                  compromiso=o["compromiso_gob"], registrada_por=ofe_a)
    o["agenda_territorial"] = AgendaTerritorial.objects.create(nombre="Pacto de la matriz", tipo="pacto_territorial")
    o["agenda_territorial"].entidades.set([medellin])
    o["agenda_territorial"].lineas.set([o["linea_aprobada"], o["linea_borrador"]])

    # --- Seguimiento: indicador y medición de Medellín, percepción, asesoría, evento masivo, informe.
    o["indicador"] = Indicador.objects.create(
        nombre=f"{MARCA} indicador", descripcion="d", formula="f", variables="v", tipo="producto",
        unidad="u", frecuencia="mensual", linea_base=Decimal(0), meta_cuatrienio=Decimal(100),
        tipo_acumulacion="acumulado", unidad_responsable="Secretaría", entidad=medellin)
    o["medicion"] = Medicion.objects.create(indicador=o["indicador"], periodo=datetime.date(2026, 1, 1),
                                            valor=Decimal(5), registrada_por=func_a)
    o["percepcion"] = Percepcion.objects.create(entidad=medellin, oferente=ent_a, fecha=hoy, calidad=2,
                                                pertinencia=2, oportunidad=2, comentario=f"{MARCA} comentario",
                                                registrada_por=func_a)
    o["consentimiento"] = seg_services.consentimiento_dar(entidad=medellin, por=func_a)
    o["evaluacion"] = EvaluacionLinea.objects.create(
        linea=o["linea_aprobada"], tipo="intermedia", fecha=hoy, resultado="parcial",
        hallazgos=f"{MARCA} hallazgos", registrada_por=ofe_a)
    modalidad, canal = Modalidad.objects.order_by("pk").first(), Canal.objects.order_by("pk").first()
    o["asesoria"] = Asesoria.objects.create(oferente=ent_a, entidad=medellin, fecha=hoy, modalidad=modalidad,
                                            canal=canal, evidencia_asistencia="matriz/asistencia.pdf",
                                            descripcion=f"{MARCA} asesoría", registrado_por=ofe_a)
    o["evento_masivo"] = EventoMasivo.objects.create(
        oferente=ent_a, nombre=f"{MARCA} evento masivo", fecha=hoy, modalidad=modalidad, canal=canal,
        evidencia_asistencia="matriz/asistencia-evento.pdf", registrado_por=ofe_a)
    o["informe"] = InformeMensual.objects.create(periodo=datetime.date(2026, 1, 1), alcance=f"entidad-{medellin.pk}",
                                                 estado="listo", pdf="matriz/informe.pdf",
                                                 xlsx="matriz/informe.xlsx")
    o["suscripcion_informe"] = SuscripcionInforme.objects.create(usuario=func_a)

    # --- Conocimiento: recurso propuesto (no publicado) con material; espacio cerrado con discusión;
    # curso no publicado con sesión e inscripción; evento nacional (público) con registro de A.
    o["recurso"] = Recurso.objects.create(tipo="buena_practica", titulo=f"{MARCA} recurso", resumen=MARCA,
                                          propuesto_por=func_a, entidad=medellin)
    o["material"] = Material.objects.create(recurso=o["recurso"], tipo="documento", titulo=f"{MARCA} material",
                                            archivo="matriz/material.pdf", subido_por=func_a)
    o["espacio"] = EspacioComunidad.objects.create(nombre=f"{MARCA} espacio", slug="espacio-de-la-matriz",
                                                   tipo="tematico", activo=False,
                                                   tema=Tema.objects.get(codigo="planeacion"))
    o["miembro_espacio"] = MiembroEspacio.objects.create(espacio=o["espacio"], usuario=func_a, rol="moderador")
    o["discusion"] = Discusion.objects.create(espacio=o["espacio"], autor=func_a, titulo=f"{MARCA} discusión",
                                              cuerpo=MARCA)
    o["respuesta"] = Respuesta.objects.create(discusion=o["discusion"], autor=func_a, cuerpo=f"{MARCA} respuesta")
    o["curso"] = Curso.objects.create(nombre=f"{MARCA} curso", descripcion=MARCA, publicado=False,
                                      nivel=NivelCapacidad.objects.order_by("pk").first(),
                                      tipo_capacidad=TipoCapacidad.objects.order_by("pk").first(), entidad=ent_a)
    inicio = timezone.now() - datetime.timedelta(days=2)
    o["sesion"] = SesionFormacion.objects.create(curso=o["curso"], modalidad="virtual", inicio=inicio,
                                                 fin=inicio + datetime.timedelta(hours=2), cupos=10,
                                                 enlace="https://reunion.gov.co/secreto")
    o["inscripcion"] = Inscripcion.objects.create(sesion=o["sesion"], usuario=func_a, entidad=medellin,
                                                  estado="inscrita", asistio=True)
    o["evento"] = Evento.objects.create(nombre="Encuentro nacional de la matriz", inicio=inicio,
                                        fin=inicio + datetime.timedelta(days=30))
    o["registro_evento"] = RegistroEvento.objects.create(evento=o["evento"], usuario=func_a, entidad=medellin)

    # --- PAS: una acción del oferente A (pública) con un reporte en borrador (privado, con evidencia) en el
    # octavo corte (abierto) y uno aprobado (público) en el séptimo.
    from pas.models import Accion, CorteSemestral, EvidenciaReporte, ObjetivoEspecifico, ReportePAS

    o["corte_pas"] = CorteSemestral.objects.get(numero=8)
    o["accion_pas"] = Accion.objects.create(
        codigo="M.1", texto="Acción de la matriz", objetivo=ObjetivoEspecifico.objects.get(codigo="OE1"),
        entidad=ent_a, fecha_inicio=datetime.date(2023, 1, 1), fecha_fin=datetime.date(2026, 12, 31))
    o["reporte_pas_borrador"] = ReportePAS.objects.create(accion=o["accion_pas"], corte=o["corte_pas"],
                                                          avance=Decimal(10), nota=f"{MARCA} nota del PAS")
    o["reporte_pas_aprobado"] = ReportePAS.objects.create(
        accion=o["accion_pas"], corte=CorteSemestral.objects.get(numero=7), avance=Decimal(5), estado="aprobado",
        nota="Nota aprobada (pública)")
    o["evidencia_pas"] = EvidenciaReporte.objects.create(reporte=o["reporte_pas_borrador"],
                                                         archivo="matriz/pas.pdf", nombre=f"{MARCA}.pdf")

    # --- Núcleo: una dependencia del oferente A.
    from att.models import Dependencia
    o["dependencia"] = Dependencia.objects.create(entidad=ent_a, nombre=f"Dirección {MARCA}")
    # --- Núcleo: la alerta de la funcionaria A.
    o["notificacion"] = Notificacion.objects.create(usuario=func_a, categoria="demanda",
                                                    titulo=f"{MARCA} notificación")
    # --- Rutas: un diagnóstico de Medellín, una ruta abierta con el oferente A y otra egresada.
    from att.models import Capacidad, DiagnosticoCapacidad, EgresoCapacidad, ValoracionCapacidad
    from rutas.models import Ruta
    planeacion = Capacidad.objects.get(codigo="planeacion")
    o["diagnostico"] = DiagnosticoCapacidad.objects.create(entidad=medellin, fecha=hoy, realizado_por=func_a,
                                                           objetivo=f"{MARCA} objetivo")
    ValoracionCapacidad.objects.create(diagnostico=o["diagnostico"], capacidad=planeacion, valor=4, objetivo=3,
                                       evidencia=f"{MARCA} evidencia")
    o["ruta"] = Ruta.objects.create(entidad=medellin, capacidad=planeacion, inicio=hoy, clave="matriz-a",
                                    creada_por=ofe_a)
    o["ruta"].oferentes.set([ent_a])
    o["egreso"] = EgresoCapacidad.objects.create(entidad=medellin, capacidad=planeacion, motivo="cerrado",
                                                 detalle=f"{MARCA} motivo", fecha=hoy, registrado_por=ofe_a,
                                                 clave="matriz-egreso")
    ruta_cerrada = Ruta.objects.create(entidad=medellin, capacidad=planeacion, inicio=hoy, clave="matriz-b",
                                       creada_por=ofe_a, estado="cerrada", egreso=o["egreso"])
    ruta_cerrada.oferentes.set([ent_a])
    return m


@pytest.fixture(scope="module")
def mundo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with connection.cursor() as cursor:  # tablas pequeñas: sin trabajadores paralelos para la huella
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield _construir()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _archivos_de_a(request, _correo_y_medios, settings):
    """Los archivos de A existen (en el MEDIA_ROOT de cada prueba) y llevan la marca: una descarga
    indebida se ve como un 200 con lo privado de A, no como un error por falta del archivo."""
    from pathlib import Path

    if "mundo" not in request.fixturenames:  # las pruebas de completitud no tocan la base
        return
    mundo = request.getfixturevalue("mundo")

    for obj in mundo.objetos.values():
        for campo in obj._meta.concrete_fields:
            nombre = getattr(obj, campo.attname).name if campo.get_internal_type() == "FileField" else ""
            if nombre:
                ruta = Path(settings.MEDIA_ROOT) / nombre
                ruta.parent.mkdir(parents=True, exist_ok=True)
                ruta.write_bytes(f"%PDF-1.4 {MARCA} {campo.name}".encode())


# =============================================================================================
# La huella: lo que B no debe poder cambiar.
# =============================================================================================
# Columnas que cambian con solo usar la cuenta o el token de B (no son datos de A).
TABLAS_DE_REFERENCIA = {"att_entidad", "att_municipio"}
COLUMNAS_IGNORADAS = {"att_usuario": {"last_login"}, "att_tokenintegracion": {"ultimo_uso"}}


@functools.cache
def _consulta_huella() -> str:
    """Una sola consulta: filas y resumen (md5) del contenido de cada tabla de las apps."""
    partes = []
    for app in APPS:
        for modelo in apps.get_app_config(app).get_models(include_auto_created=True):
            if modelo._meta.label in TABLAS_IGNORADAS or modelo._meta.proxy:
                continue
            tabla = modelo._meta.db_table
            columnas = [f.column for f in modelo._meta.concrete_fields
                        if f.column not in COLUMNAS_IGNORADAS.get(tabla, ())]
            fila = ", ".join(f'"{c}"' for c in columnas)
            if tabla in TABLAS_DE_REFERENCIA:
                # Miles de filas: basta la última transacción que escribió en ella (xmin cambia con
                # cada INSERT o UPDATE, también dentro de un punto de guardado) y el número de filas.
                resumen = "max(xmin::text::bigint)::text"
            else:
                resumen = (f"md5(coalesce(string_agg(ROW({fila})::text, '|' "
                           f'ORDER BY "{modelo._meta.pk.column}"), \'\'))')
            partes.append(f"SELECT '{tabla}', count(*), {resumen} FROM \"{tabla}\"")
    return " UNION ALL ".join(sorted(set(partes)))


def _huella() -> dict:
    with connection.cursor() as cursor:
        # Preparada una vez por conexión: planificar la unión de cien tablas costaba más que leerlas.
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'matriz_huella'")
        if not cursor.fetchone()[0]:
            cursor.execute(f"PREPARE matriz_huella AS {_consulta_huella()}")
        cursor.execute("EXECUTE matriz_huella")
        return {tabla: (filas, resumen) for tabla, filas, resumen in cursor.fetchall()}


class Vigia:
    """Vigila la base durante una prueba: cada `cambios()` compara con la huella anterior (una consulta
    por escritura) y `al_final()` compara el principio con el final (también lo que un GET escribiera)."""

    def __init__(self, permitidos: tuple = ()):
        self.permitidos = permitidos
        self.inicio = self.ultima = _huella()

    def _filtrar(self, antes, despues):
        return [d for d in _diferencias(antes, despues) if not d.startswith(self.permitidos)]

    def cambios(self) -> list[str]:
        actual = _huella()
        dif, self.ultima = self._filtrar(self.ultima, actual), actual
        return dif

    def al_final(self) -> list[str]:
        return self._filtrar(self.inicio, _huella())


def _diferencias(antes: dict, despues: dict) -> list[str]:
    """Las tablas que cambiaron, con su número de filas antes → después."""
    return [f"{t} ({antes.get(t, (0,))[0]} → {despues.get(t, (0,))[0]} filas)"
            for t in sorted(set(antes) | set(despues)) if antes.get(t) != despues.get(t)]


# =============================================================================================
# Qué espera cada ruta.
# =============================================================================================
@dataclass(frozen=True)
class Caso:
    """Una URL concreta del lado A. `publico` (con la razón) si B puede leerla por diseño: entonces un 200
    sin la marca es correcto y una escritura puede responder 400 (el cuerpo se valida antes del permiso
    del servicio; la huella prueba que nada cambia). `permitidos`: tablas que un POST de B puede cambiar
    legítimamente en lo suyo (p. ej. registrarse en un evento). `datos`: el cuerpo del POST cuando uno
    vacío no llegaría al servicio (un formulario inválido redirige sin preguntar el permiso)."""

    kwargs: dict
    publico: str = ""
    permitidos: tuple = ()
    datos: dict = field(default_factory=dict)


def _exportacion_de_a(m):
    """Una exportación grande lista de la funcionaria de A (su archivo lleva la marca)."""
    import uuid

    from django.core.files.base import ContentFile

    from att.models import ArchivoExportado

    pedida = ArchivoExportado(clave=uuid.uuid4(), usuario=m.funcionario_a, tipo="demanda.demandas", formato="csv",
                              estado="lista", nombre="demandas.csv")
    pedida.save()
    pedida.csv.save("demandas.csv", ContentFile(MARCA.encode()), save=True)
    return pedida


def _privado(*claves, campo="pk"):
    return lambda m: [Caso({campo: getattr(m, c).pk}) for c in claves]


OFERTAS_PRIVADAS = ("oferta_borrador", "oferta_en_revision", "oferta_devuelta", "oferta_archivada")

# Rutas de páginas con parámetros: nombre de la URL → casos. Una ruta nueva con parámetros que no esté
# aquí hace fallar `test_pagina_de_a_no_se_abre_ni_se_cambia_desde_b`.
def _solicitud_cuenta_de_a(m):
    from att.models import SolicitudCuenta

    s = SolicitudCuenta.objects.create(nombre=MARCA, email="pide@medellin.gov.co", entidad=m.et_a,
                                       rol="funcionario_et", cargo=MARCA, justificacion=MARCA)
    return [Caso({"pk": s.pk}, datos={"accion": "aprobar"})]


def _solicitud_datos_de_a(m):
    from att.models import SolicitudDatosPersonales

    s = SolicitudDatosPersonales.objects.create(usuario=m.funcionario_a, tipo="supresion", detalle=MARCA)
    return [Caso({"pk": s.pk}, datos={"estado": "atendida", "respuesta": "ok"})]


def _membresia_de_a(m):
    from att.models import Membresia

    return [Caso({"pk": Membresia.objects.filter(usuario=m.funcionario_a).first().pk},
                 datos={"hasta": datetime.date.today().isoformat()})]


RUTAS_HTML = {
    # Cuentas (att/views_cuentas.py): las colas y los miembros de A no se abren desde B (403/404); la
    # invitación y el restablecimiento de la contraseña se abren con un enlace firmado que solo va en el
    # correo de la persona (tests/att/test_cuentas.py prueba el válido); aquí, uno falso.
    "cuenta-solicitud": _solicitud_cuenta_de_a,
    "cuenta-solicitud-datos": _solicitud_datos_de_a,
    "cuenta-miembros": lambda m: [Caso({"pk": m.et_a.pk})],
    "cuenta-membresia-terminar": _membresia_de_a,
    "cuenta-invitacion": lambda m: [Caso({"token": "firma-falsa"}, datos={"nombre": "x", "clave1": "y", "clave2": "y"})],
    "cuenta-recuperar-confirmar": lambda m: [Caso({"uidb64": "MQ", "token": "falso-falso"},
                                                  publico="enlace de restablecimiento: uno falso no abre el formulario",
                                                  datos={"new_password1": "x", "new_password2": "x"})],
    # La baja de alertas no abre un objeto: su parámetro es un enlace firmado (la llave es la firma, que
    # solo va en el correo de la persona; tests/att/test_correos.py prueba el enlace válido). Aquí, uno
    # falsificado que apunta a A: 404 y nada cambia.
    # Los mapas son del tablero del DNP (seguimiento.ver_tablero_dnp): ni B ni nadie fuera del DNP los abre;
    # su parámetro es el código del departamento (el de A), no un objeto.
    "seguimiento:mapas_departamento": lambda m: [Caso({"codigo": m.et_a.municipio.departamento_id})],
    # Los cortes SETA no abren un objeto: cada quien ve solo sus pares línea × entidad
    # (seguimiento.cortes.visibles), así que la página de B no trae nada de A.
    "seguimiento:corte": lambda m: [Caso({"dimension": d}, publico="corte del seguimiento acotado a quien pregunta")
                                    for d in ("entidad", "dependencia", "producto", "zona", "estrategia", "asesor")],
    "baja-alertas": lambda m: [Caso({"token": f"{m.funcionario_a.pk}:todas:firma-falsa"})],
    "nucleo:alerta-leida": _privado("notificacion"),
    # Renombrar o desactivar una dependencia de A: B no la encuentra (404); el auditor no cambia nada.
    "nucleo:dependencia": lambda m: [Caso({"pk": m.dependencia.pk}, datos={"accion": "desactivar"})],
    "nucleo:importacion": _privado("importacion_archivo"),
    "nucleo:exportacion": lambda m: [Caso({"clave": _exportacion_de_a(m).clave})],
    "nucleo:exportacion-descargar": lambda m: [Caso({"clave": _exportacion_de_a(m).clave})],
    "oferta:detalle": lambda m: [
        *_privado(*OFERTAS_PRIVADAS)(m),
        Caso({"pk": m.oferta_publicada.pk}, publico="una oferta publicada está en el portal para todos"),
    ],
    "oferta:editar": _privado(*OFERTAS_PRIVADAS, "oferta_publicada"),
    "oferta:plantilla_hitos": _privado(*OFERTAS_PRIVADAS, "oferta_publicada"),
    "oferta:enviar": _privado(*OFERTAS_PRIVADAS, "oferta_publicada"),
    "oferta:revisar": _privado(*OFERTAS_PRIVADAS, "oferta_publicada"),
    "oferta:archivar": _privado(*OFERTAS_PRIVADAS, "oferta_publicada"),
    "oferta:importacion": _privado("importacion_oferta"),
    "demanda:detalle": _privado("demanda"),
    "demanda:editar": _privado("demanda"),
    "demanda:adjuntar": _privado("demanda"),
    "demanda:decidir": lambda m: [Caso({"pk": m.demanda.pk}, datos={"tipo": "solicitada", "oferta": m.oferta_publicada.pk})],
    "demanda:adjunto": lambda m: [Caso({"pk": m.demanda.pk, "adjunto_pk": m.adjunto_demanda.pk})],
    "nucleo:mensaje-nuevo": lambda m: [Caso({"tipo": "demanda", "pk": m.demanda.pk}, datos={"texto": MARCA}),
                                       Caso({"tipo": "concertado", "pk": m.concertado.pk}, datos={"texto": MARCA})],
    "nucleo:adjunto-mensaje": _privado("adjunto_mensaje"),
    "demanda:accion": lambda m: [Caso({"pk": m.demanda.pk, "nombre": n}) for n in _acciones_demanda()],
    "agenda:agenda": lambda m: [Caso({"pk": m.agenda.pk}, publico="la agenda nacional es de todos")],
    "agenda:agenda_estado": lambda m: [Caso({"pk": m.agenda.pk}, datos={"a_estado": "concertada"})],
    "agenda:plan": _privado("plan_borrador", "plan_aprobado"),
    "agenda:version": lambda m: [Caso({"pk": m.plan_borrador.pk, "numero": m.version_plan.numero})],
    "agenda:linea_nueva": _privado("plan_borrador", "plan_aprobado"),
    "agenda:linea_editar": lambda m: [Caso({"pk": m.plan_borrador.pk, "linea_pk": m.linea_borrador.pk}),
                                      Caso({"pk": m.plan_aprobado.pk, "linea_pk": m.linea_aprobada.pk})],
    "agenda:linea_eliminar": lambda m: [Caso({"pk": m.plan_borrador.pk, "linea_pk": m.linea_borrador.pk})],
    "agenda:plan_enviar": _privado("plan_borrador"),
    "agenda:plan_revisar": _privado("plan_borrador"),
    "agenda:importar_lineas": _privado("plan_borrador"),
    "agenda:exportar_lineas": _privado("plan_borrador", "plan_aprobado"),
    "agenda:entidad_territorial": lambda m: [Caso(
        {"pk": m.et_a.pk}, publico="redirige al perfil de la ET, que a B le muestra solo la parte pública")],
    "agenda:departamento": lambda m: [Caso(
        {"codigo": m.et_a.departamento_id}, publico="tablero del departamento; lo privado se filtra")],
    "agenda:concertado": _privado("concertado"),
    "agenda:mesa_nueva": _privado("concertado"),
    "agenda:compromiso_nuevo": _privado("concertado"),
    "agenda:evidencia": _privado("evidencia_mesa"),
    "agenda:compromiso_revisar": _privado("compromiso", "compromiso_gob"),
    "agenda:agenda_editar": lambda m: [Caso({"pk": m.agenda.pk})],
    "agenda:objetivos": lambda m: [Caso({"pk": m.agenda.pk}, publico="la agenda nacional es de todos")],
    "agenda:objetivo_nuevo": lambda m: [Caso({"pk": m.agenda.pk})],
    "agenda:objetivo_editar": lambda m: [Caso({"pk": m.agenda.pk, "objetivo_pk": m.objetivo_agenda.pk})],
    "agenda:instancia": lambda m: [Caso({"pk": m.instancia_gob.pk}, publico=GOBERNANZA)],
    "agenda:instancia_editar": _privado("instancia_gob"),
    "agenda:sesion_nueva": _privado("instancia_gob"),
    "agenda:sesion": lambda m: [Caso({"pk": m.sesion_gob.pk}, publico=GOBERNANZA)],
    "agenda:decision_nueva": _privado("sesion_gob"),
    "agenda:resultado_nuevo": _privado("sesion_gob"),
    "agenda:territorial": lambda m: [Caso({"pk": m.agenda_territorial.pk}, publico=TERRITORIAL)],
    "agenda:territorial_editar": _privado("agenda_territorial"),
    # Cualquier oferente declara SUS líneas al servicio de una agenda territorial (pública): con una línea de
    # A, el servicio niega (403) y nada cambia.
    "agenda:territorial_vincular": lambda m: [Caso({"pk": m.agenda_territorial.pk}, publico=TERRITORIAL,
                                                   datos={"lineas": str(m.linea_aprobada.pk)})],
    "seguimiento:linea": _privado("linea_aprobada", "linea_borrador"),
    "seguimiento:evaluacion_linea": _privado("linea_aprobada", "linea_borrador"),
    "seguimiento:evidencia": _privado("evidencia_avance"),
    "seguimiento:revisar": _privado("avance"),
    "seguimiento:indicador": _privado("indicador"),
    "seguimiento:evidencia_asistencia": lambda m: [Caso({"tipo": "asesoria", "pk": m.asesoria.pk}),
                                                   Caso({"tipo": "evento", "pk": m.evento_masivo.pk})],
    "seguimiento:informe_descargar": lambda m: [Caso({"pk": m.informe.pk, "formato": f}) for f in ("pdf", "xlsx")],
    "conocimiento:recurso": _privado("recurso"),
    "conocimiento:editar": _privado("recurso"),
    "conocimiento:agregar-material": _privado("recurso"),
    "conocimiento:revisar": _privado("recurso"),
    "conocimiento:material": _privado("material"),
    "conocimiento:espacio": lambda m: [Caso({"slug": m.espacio.slug})],
    "conocimiento:unirse": lambda m: [Caso({"slug": m.espacio.slug})],
    "conocimiento:discusion": _privado("discusion"),
    "conocimiento:moderar": _privado("discusion"),
    "conocimiento:reportar": _privado("discusion"),
    "conocimiento:seguir": _privado("discusion"),
    "conocimiento:curso": _privado("curso"),
    "conocimiento:sesion": _privado("sesion"),
    "conocimiento:inscribirse": _privado("sesion"),
    "conocimiento:cancelar": _privado("inscripcion"),
    "conocimiento:certificado": _privado("inscripcion"),
    "conocimiento:evento": lambda m: [Caso(
        {"pk": m.evento.pk}, publico="los eventos de la red son públicos; B puede registrarse él mismo",
        permitidos=("conocimiento_registroevento ", "conocimiento_historicalregistroevento "))],
    "conocimiento:preguntas": lambda m: [
        *_privado(*OFERTAS_PRIVADAS, campo="oferta_pk")(m),
        Caso({"oferta_pk": m.oferta_publicada.pk}, publico="las preguntas de una oferta publicada son públicas"),
    ],
    "conocimiento:memoria": lambda m: [Caso(
        {"entidad_pk": m.et_a.pk}, publico="redirige al perfil de la ET, que a B le muestra solo la parte pública")],
    # Perfil de la ET (att/views_perfil.py): B ve la parte pública (identidad, oferta publicada, estadísticas);
    # las secciones privadas y el informe de empalme le responden 404.
    "territorio": lambda m: [Caso({"codigo": m.et_a.municipio_id},
                                  publico="parte pública del perfil: identidad, oferta publicada y estadísticas")],
    "territorio-seccion": lambda m: [
        *[Caso({"codigo": m.et_a.municipio_id, "clave": c}) for c in ("demandas", "agenda", "seguimiento", "memoria")],
        *[Caso({"codigo": m.et_a.municipio_id, "clave": c}, publico="sección pública del perfil")
          for c in ("oferta", "estadisticas")]],
    "territorio-empalme": lambda m: [Caso({"codigo": m.et_a.municipio_id})],
    "territorio-empalme-descargar": lambda m: [Caso({"codigo": m.et_a.municipio_id, "formato": f})
                                               for f in ("pdf", "xlsx")],
    "rutas:detalle": _privado("ruta"),
    "rutas:no_aplica": lambda m: [Caso({"pk": m.ruta.pk}, datos={"protocolo": "5", "motivo": "Ajeno"})],
    "rutas:egreso": lambda m: [Caso({"pk": m.ruta.pk}, datos={"motivo": "cerrado", "detalle": "Ajeno"})],
    "rutas:diagnostico": _privado("diagnostico"),
    # PAS: acciones, cortes y su consolidado son públicos (documentos de la política); gestionarlos es del DNP.
    "pas:corte": lambda m: [Caso({"pk": m.corte_pas.pk}, publico="corte del PAS y su consolidado: públicos",
                                 datos={"accion": "cerrar"})],
    "pas:informe_corte": lambda m: [Caso({"pk": m.corte_pas.pk, "formato": f}, publico="informe consolidado público")
                                    for f in ("pdf", "xlsx")],
    "pas:accion": lambda m: [Caso({"pk": m.accion_pas.pk}, publico="las acciones del PAS son públicas",
                                  datos={"accion": "costo", "costo-anio": "2026", "costo-fuente": "inversion",
                                         "costo-monto": "1"})],
    "pas:accion_editar": _privado("accion_pas"),
    "pas:reportar": lambda m: [Caso({"pk": m.accion_pas.pk, "corte_pk": m.corte_pas.pk},
                                    datos={"avance": "50", "comprometido": "1", "pagado": "1"})],
    "pas:reporte": lambda m: [Caso({"pk": m.reporte_pas_borrador.pk}),
                              Caso({"pk": m.reporte_pas_aprobado.pk}, publico="un reporte aprobado del PAS es público")],
    "pas:reporte_transicion": lambda m: [Caso({"pk": m.reporte_pas_borrador.pk, "paso": p})
                                         for p in ("enviar", "aprobar", "devolver")],
    "pas:evidencia": _privado("evidencia_pas"),
}
# Parámetros que no identifican un objeto (los casos de arriba les dan valores): una ruta que solo tiene
# estos no necesita caso.
PARAMETROS_NO_OBJETO = {"nombre", "numero", "tipo", "formato", "format", "paso"}

# Prefijos que no se recorren como páginas: la API (cubierta por el esquema) y el administrador
# (cubierto por `admin.site._registry`).
PREFIJOS_FUERA = ("api/", "admin/")


def _acciones_demanda():
    from demanda.views import ACCIONES

    return sorted(ACCIONES)


def _rutas_html() -> list[tuple[str, str, set]]:
    """(nombre, plantilla, parámetros) de cada página con parámetros, recorriendo el resolvedor."""
    rutas = []

    def recorrer(patrones, prefijo, espacio):
        for p in patrones:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (espacio, p.namespace) if x)
                recorrer(p.url_patterns, prefijo + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                plantilla = prefijo + str(p.pattern)
                parametros = set(p.pattern.regex.groupindex)
                if parametros - PARAMETROS_NO_OBJETO and not plantilla.startswith(PREFIJOS_FUERA):
                    nombre = f"{espacio}:{p.name}" if espacio else (p.name or plantilla)
                    rutas.append((nombre, plantilla, parametros))

    recorrer(get_resolver().url_patterns, "", "")
    return rutas


RUTAS_DE_PAGINAS = _rutas_html()


def _es_ingreso(r) -> bool:
    return r.status_code == 302 and r["Location"].startswith(("/ingresar/", "/admin/login/"))


def _tiene_marca(r) -> bool:
    if getattr(r, "streaming", False):
        return MARCA.encode() in b"".join(r.streaming_content)
    return MARCA.encode() in r.content


# =============================================================================================
# 1. Páginas
# =============================================================================================
def test_cada_pagina_con_parametros_esta_en_la_matriz():
    """Una ruta nueva con parámetros de objeto obliga a decir qué objeto de A la prueba."""
    sin_mapear = [f"{n} ({p})" for n, p, _ in RUTAS_DE_PAGINAS if n not in RUTAS_HTML]
    sobrantes = set(RUTAS_HTML) - {n for n, _, _ in RUTAS_DE_PAGINAS}
    assert not sin_mapear, (
        "Páginas con parámetros sin caso en la matriz de seguridad: agréguelas a RUTAS_HTML en "
        f"tests/att/test_matriz_seguridad.py (un objeto privado del lado A o PUBLICO con su razón): {sin_mapear}")
    assert not sobrantes, f"RUTAS_HTML nombra rutas que ya no existen: {sorted(sobrantes)}"


@pytest.mark.parametrize(("nombre", "plantilla", "parametros"), RUTAS_DE_PAGINAS,
                         ids=[n for n, _, _ in RUTAS_DE_PAGINAS])
def test_pagina_de_a_no_se_abre_ni_se_cambia_desde_b(mundo, db, nombre, plantilla, parametros):
    from django.urls import reverse

    if nombre not in RUTAS_HTML:
        pytest.fail(f"La página {nombre} ({plantilla}) no está en RUTAS_HTML de tests/att/test_matriz_seguridad.py: "
                    "agregue qué objeto privado de A la prueba (o PUBLICO con su razón).")
    casos = RUTAS_HTML[nombre](mundo)
    fallas = []
    for caso in casos:
        faltan = parametros - set(caso.kwargs) - {"format"}
        assert not faltan, f"{nombre}: el caso no da valor a {faltan}"
        url = reverse(nombre, kwargs=caso.kwargs)
        vigia = Vigia(caso.permitidos)
        for actor in ("funcionario_b", "oferente_b"):
            cliente = Client(raise_request_exception=False)
            cliente.force_login(mundo.actores[actor])
            r = cliente.get(url)
            if r.status_code == 200 and _tiene_marca(r):
                fallas.append(f"GET {url} como {actor}: 200 con datos privados de A")
            elif not caso.publico and r.status_code not in (403, 404, 405) and not _es_ingreso(r):
                fallas.append(f"GET {url} como {actor}: {r.status_code} (se esperaba 403/404/405)")
            r = cliente.post(url, caso.datos)
            if cambios := vigia.cambios():
                fallas.append(f"POST {url} como {actor} ({r.status_code}) cambió: {cambios}")
            if r.status_code == 200 and _tiene_marca(r):
                fallas.append(f"POST {url} como {actor}: 200 con datos privados de A")
            elif not caso.publico and r.status_code not in (403, 404, 405) and not _es_ingreso(r):
                fallas.append(f"POST {url} como {actor}: {r.status_code} (se esperaba 403/404/405)")
            elif caso.publico and not caso.permitidos and r.status_code not in (200, 400, 403, 404, 405):
                # Página pública: puede volver a mostrarse con errores (200/400), nunca redirigir
                # como si hubiera hecho algo.
                fallas.append(f"POST {url} como {actor}: {r.status_code} (se esperaba 200/400/403/404/405)")
        # El auditor lo lee todo y no cambia nada: tampoco por las páginas.
        auditor = Client(raise_request_exception=False)
        auditor.force_login(mundo.actores["auditor"])
        r = auditor.post(url, caso.datos)
        if cambios := vigia.cambios():
            fallas.append(f"POST {url} como auditor ({r.status_code}) cambió: {cambios}")
        if r.status_code >= 500:
            fallas.append(f"POST {url} como auditor: {r.status_code}")
        if cambios := vigia.al_final():
            fallas.append(f"{url}: la base cambió durante las peticiones de B: {cambios}")
    assert not fallas, "\n".join(fallas)


# =============================================================================================
# 2. API (desde el esquema OpenAPI)
# =============================================================================================
@functools.cache
def _esquema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


METODOS = ("get", "put", "patch", "delete", "post")
RUTAS_DE_API = sorted(
    (ruta, tuple(m for m in METODOS if m in operaciones))
    for ruta, operaciones in _esquema()["paths"].items() if "{" in ruta
)


def _api_privado(*claves):
    return lambda m: [Caso({"id": getattr(m, c).pk}) for c in claves]


def _api_publico(razon, obtener):
    return lambda m: [Caso({"id": obtener(m)}, publico=razon)]


def _primero(modelo):
    return lambda m: apps.get_model(modelo).objects.order_by("pk").values_list("pk", flat=True).first()


CATALOGO = "catálogo nacional, público"
GOBERNANZA = "la gobernanza de la política (instancias, sesiones, decisiones) es de todos los que ingresan"
TERRITORIAL = "las agendas territoriales de desarrollo son acuerdos públicos"
RUTAS_API = {
    "/api/v1/agenda/agendas/{id}/": _api_publico("la agenda nacional es de todos", lambda m: m.agenda.pk),
    "/api/v1/agenda/compromisos/{id}/": _api_privado("compromiso"),
    "/api/v1/agenda/concertados/{id}/": _api_privado("concertado"),
    "/api/v1/agenda/concertados/{id}/mensajes/": _api_privado("concertado"),
    "/api/v1/agenda/objetivos/{id}/": _api_publico("la agenda nacional es de todos", lambda m: m.objetivo_agenda.pk),
    "/api/v1/agenda/instancias/{id}/": _api_publico(GOBERNANZA, lambda m: m.instancia_gob.pk),
    "/api/v1/agenda/sesiones/{id}/": _api_publico(GOBERNANZA, lambda m: m.sesion_gob.pk),
    "/api/v1/agenda/sesiones/{id}/decisiones/": _api_publico(GOBERNANZA, lambda m: m.sesion_gob.pk),
    "/api/v1/agenda/territoriales/{id}/": _api_publico(TERRITORIAL, lambda m: m.agenda_territorial.pk),
    "/api/v1/agenda/lineas/{id}/": lambda m: [
        Caso({"id": m.linea_borrador.pk}),
        Caso({"id": m.linea_aprobada.pk}, publico="las líneas de planes aprobados son públicas para quien "
                                                  "ingresa (agenda.selectors._filtro_lineas_visibles)"),
    ],
    "/api/v1/agenda/planes/{id}/": _api_privado("plan_borrador", "plan_aprobado"),
    "/api/v1/webhooks/{id}/": _api_privado("webhook_a"),
    "/api/v1/agenda/planes/{id}/enviar/": _api_privado("plan_borrador"),
    "/api/v1/agenda/planes/{id}/revisar/": _api_privado("plan_borrador"),
    "/api/v1/catalogos/canales/{id}/": _api_publico(CATALOGO, _primero("att.Canal")),
    "/api/v1/catalogos/capacidades/{id}/": _api_publico(CATALOGO, _primero("att.Capacidad")),
    "/api/v1/catalogos/descriptores/{id}/": _api_publico(CATALOGO, _primero("att.DescriptorTematico")),
    "/api/v1/catalogos/etapas-ciclo/{id}/": _api_publico(CATALOGO, _primero("att.EtapaCiclo")),
    "/api/v1/catalogos/modalidades/{id}/": _api_publico(CATALOGO, _primero("att.Modalidad")),
    "/api/v1/catalogos/temas/{id}/": _api_publico(CATALOGO, _primero("att.Tema")),
    "/api/v1/conocimiento/cursos/{id}/": _api_privado("curso"),
    "/api/v1/conocimiento/discusiones/{id}/": _api_privado("discusion"),
    "/api/v1/conocimiento/discusiones/{id}/respuestas/": _api_privado("discusion"),
    "/api/v1/conocimiento/espacios/{id}/": _api_privado("espacio"),
    "/api/v1/conocimiento/eventos/{id}/": _api_publico("los eventos de la red son públicos", lambda m: m.evento.pk),
    "/api/v1/conocimiento/inscripciones/{id}/": _api_privado("inscripcion"),
    "/api/v1/conocimiento/inscripciones/{id}/cancelar/": _api_privado("inscripcion"),
    "/api/v1/conocimiento/memoria/{entidad_pk}/": lambda m: [Caso({"entidad_pk": m.et_a.pk})],
    "/api/v1/conocimiento/preguntas-frecuentes/{id}/": lambda m: [
        Caso({"id": m.pregunta_borrador.pk}),
        Caso({"id": m.pregunta_publicada.pk}, publico="pregunta de una oferta publicada"),
    ],
    "/api/v1/conocimiento/recursos/{id}/": _api_privado("recurso"),
    "/api/v1/conocimiento/recursos/{id}/revisar/": _api_privado("recurso"),
    "/api/v1/conocimiento/sesiones/{id}/": _api_privado("sesion"),
    "/api/v1/conocimiento/sesiones/{id}/inscribirse/": _api_privado("sesion"),
    "/api/v1/demandas/{id}/": _api_privado("demanda"),
    "/api/v1/demandas/{id}/mensajes/": _api_privado("demanda"),
    "/api/v1/departamentos/{codigo}/": lambda m: [Caso({"codigo": m.et_a.departamento_id}, publico="territorio")],
    "/api/v1/entidades/{id}/": _api_publico("directorio de entidades", lambda m: m.et_a.pk),
    "/api/v1/municipios/{codigo}/": lambda m: [Caso({"codigo": m.et_a.municipio_id}, publico="territorio")],
    "/api/v1/ofertas/{id}/": lambda m: [
        *_api_privado(*OFERTAS_PRIVADAS)(m),
        Caso({"id": m.oferta_publicada.pk}, publico="una oferta publicada está en el portal"),
    ],
    "/api/v1/ofertas/{id}/enviar/": _api_privado(*OFERTAS_PRIVADAS, "oferta_publicada"),
    "/api/v1/ofertas/{id}/hitos/": lambda m: [
        *_api_privado(*OFERTAS_PRIVADAS)(m),
        Caso({"id": m.oferta_publicada.pk}, publico="los hitos estándar de una oferta publicada son parte de ella"),
    ],
    "/api/v1/seguimiento/cortes/{dimension}/": lambda m: [
        Caso({"dimension": d}, publico="corte del seguimiento acotado a quien pregunta")
        for d in ("entidad", "dependencia", "producto", "zona", "estrategia", "asesor")],
    "/api/v1/seguimiento/avances/{id}/": _api_privado("avance"),
    "/api/v1/pas/cortes/{id}/": _api_publico("los cortes del PAS son públicos", lambda m: m.corte_pas.pk),
    "/api/v1/pas/cortes/{id}/cerrar/": _api_publico("corte público; cerrarlo es del DNP", lambda m: m.corte_pas.pk),
    "/api/v1/pas/cortes/{id}/informe/": _api_publico("corte público; el informe lo pide el DNP",
                                                      lambda m: m.corte_pas.pk),
    "/api/v1/pas/acciones/{id}/": _api_publico("las acciones del PAS son públicas", lambda m: m.accion_pas.pk),
    "/api/v1/pas/reportes/{id}/": lambda m: [
        Caso({"id": m.reporte_pas_borrador.pk}),
        Caso({"id": m.reporte_pas_aprobado.pk}, publico="un reporte aprobado del PAS es público")],
    "/api/v1/pas/reportes/{id}/enviar/": _api_privado("reporte_pas_borrador"),
    "/api/v1/pas/reportes/{id}/aprobar/": _api_privado("reporte_pas_borrador"),
    "/api/v1/pas/reportes/{id}/devolver/": _api_privado("reporte_pas_borrador"),
    "/api/v1/seguimiento/avances/{id}/devolver/": _api_privado("avance"),
    "/api/v1/seguimiento/avances/{id}/validar/": _api_privado("avance"),
    "/api/v1/seguimiento/hitos/{id}/": _api_privado("hito"),
    "/api/v1/seguimiento/indicadores/{id}/": _api_privado("indicador"),
    "/api/v1/seguimiento/informes/{id}/": _api_privado("informe"),
    "/api/v1/seguimiento/lineas/{linea}/": lambda m: [Caso({"linea": m.linea_aprobada.pk})],
    "/api/v1/seguimiento/mediciones/{id}/": _api_privado("medicion"),
    "/api/v1/seguimiento/percepciones/{id}/": _api_privado("percepcion"),
    "/api/v1/rutas/{id}/": _api_privado("ruta"),
    "/api/v1/rutas/{id}/no-aplica/": _api_privado("ruta"),
    "/api/v1/rutas/{id}/egreso/": _api_privado("ruta"),
    "/api/v1/rutas/diagnosticos/{id}/": _api_privado("diagnostico"),
    "/api/v1/rutas/egresos/{id}/": _api_privado("egreso"),
    "/api/v1/seguimiento/consentimientos/{id}/": _api_privado("consentimiento"),
    "/api/v1/seguimiento/consentimientos/{id}/revocar/": _api_privado("consentimiento"),
    "/api/v1/seguimiento/evaluaciones/{id}/": _api_privado("evaluacion"),
}


def _clientes_api(m: Mundo, actores=("funcionario_b", "oferente_b")):
    """Cada actor con su token y con su sesión."""
    for actor in actores:
        con_token = APIClient(raise_request_exception=False)
        con_token.credentials(HTTP_AUTHORIZATION=f"Token {m.claves[actor]}")
        yield f"{actor} (token)", con_token
        con_sesion = APIClient(raise_request_exception=False)
        con_sesion.force_login(m.actores[actor])
        yield f"{actor} (sesión)", con_sesion


def test_cada_ruta_de_la_api_con_parametros_esta_en_la_matriz():
    sin_mapear = [r for r, _ in RUTAS_DE_API if r not in RUTAS_API]
    sobrantes = set(RUTAS_API) - {r for r, _ in RUTAS_DE_API}
    assert not sin_mapear, (
        "Rutas de la API con parámetros sin caso en la matriz de seguridad: agréguelas a RUTAS_API en "
        f"tests/att/test_matriz_seguridad.py: {sin_mapear}")
    assert not sobrantes, f"RUTAS_API nombra rutas que ya no están en el esquema: {sorted(sobrantes)}"


def _rutas_api_del_resolvedor() -> set[str]:
    """Las rutas con parámetros bajo /api/ según el resolvedor, en la forma del esquema con `{}`."""
    rutas = set()

    def recorrer(patrones, prefijo):
        for p in patrones:
            if isinstance(p, URLResolver):
                recorrer(p.url_patterns, prefijo + str(p.pattern))
            else:
                parametros = set(p.pattern.regex.groupindex) - {"format"}
                plantilla = prefijo + str(p.pattern)
                if plantilla.startswith("api/") and parametros and "format" not in p.pattern.regex.groupindex:
                    plantilla = re.sub(r"\(\?P<\w+>[^)]*\)|<(\w+:)?\w+>", "{}", plantilla.replace("^", "").replace("$", ""))
                    rutas.add("/" + plantilla)

    recorrer(get_resolver().url_patterns, "")
    return rutas


def test_toda_ruta_de_la_api_esta_en_el_esquema():
    """Lo que la API sirve y el esquema no documenta quedaría fuera de la matriz."""
    del_esquema = {re.sub(r"\{\w+\}", "{}", r) for r, _ in RUTAS_DE_API}
    fuera = sorted(_rutas_api_del_resolvedor() - del_esquema)
    assert not fuera, f"Rutas de la API con parámetros que no están en el esquema OpenAPI (ni en la matriz): {fuera}"


def _llenar(ruta: str, kwargs: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda g: str(kwargs[g.group(1)]), ruta)


@pytest.mark.parametrize(("ruta", "metodos"), RUTAS_DE_API, ids=[r for r, _ in RUTAS_DE_API])
def test_api_de_a_no_se_lee_ni_se_cambia_desde_b(mundo, db, ruta, metodos):
    if ruta not in RUTAS_API:
        pytest.fail(f"La ruta {ruta} del esquema no está en RUTAS_API de tests/att/test_matriz_seguridad.py: "
                    "agregue qué objeto privado de A la prueba (o PUBLICO con su razón).")
    cache.clear()  # el límite de peticiones por usuario no interviene
    fallas = []
    for caso in RUTAS_API[ruta](mundo):
        url = _llenar(ruta, caso.kwargs)
        vigia = Vigia(caso.permitidos)
        for actor, cliente in _clientes_api(mundo):
            for metodo in metodos:
                r = getattr(cliente, metodo)(url, {} if metodo != "get" else None, format="json")
                if metodo != "get" and (cambios := vigia.cambios()):
                    fallas.append(f"{metodo.upper()} {url} como {actor} ({r.status_code}) cambió: {cambios}")
                if r.status_code == 200 and _tiene_marca(r):
                    fallas.append(f"{metodo.upper()} {url} como {actor}: 200 con datos privados de A")
                elif caso.publico and metodo != "get" and r.status_code not in (400, 403, 404, 405):
                    fallas.append(f"{metodo.upper()} {url} como {actor}: {r.status_code} (se esperaba 400/403/404/405)")
                elif not caso.publico and r.status_code not in (403, 404, 405):
                    fallas.append(f"{metodo.upper()} {url} como {actor}: {r.status_code} (se esperaba 403/404/405)")
        if cambios := vigia.al_final():
            fallas.append(f"{url}: la base cambió durante las peticiones de B: {cambios}")
    assert not fallas, "\n".join(fallas)


# Las altas por las listas de la API con un cuerpo válido que apunta a un objeto de A (crear dentro de lo
# de A, o a nombre de A): 400/403/404 y nada cambia. Una lista nueva que acepte POST sin caso aquí hace
# fallar `test_cada_alta_de_la_api_esta_en_la_matriz`.
def _oferta_cuerpo(m):
    return {"entidad": m.oferente_a.pk, "nombre": "Oferta ajena", "necesidad": "n", "descripcion": "d",
            "descriptores": ["gestion-publica"], "temas": ["planeacion"], "capacidades": ["planeacion"],
            "etapas": ["planeacion"], "modalidades": ["asesoria"], "canal": "virtual", "contacto_nombre": "Ana",
            "contacto_email": "ana@x.gov.co", "vigencia_desde": "2026-01-01"}


ALTAS_EN_LO_DE_A = {
    "/api/v1/agenda/lineas/": lambda m: [
        {"plan": m.plan_borrador.pk, "oferta": m.oferta_publicada.pk, "objetivo": "Ajena",
         "territorios": [m.et_a.pk], "etapa": "planeacion", "fecha_inicio": "2026-03-01",
         "fecha_fin": "2026-05-31", "responsable": m.usuario_oferente_a.email},
        {"plan": m.plan_aprobado.pk, "oferta": m.oferta_publicada.pk, "objetivo": "Ajena",
         "territorios": [m.et_a.pk], "etapa": "planeacion", "fecha_inicio": "2027-03-01",
         "fecha_fin": "2027-05-31", "responsable": m.usuario_oferente_a.email},
    ],
    "/api/v1/webhooks/": lambda m: [
        {"url": "https://receptor.example.org/b", "eventos": ["oferta.oferta.creado"], "entidad": m.oferente_a.pk},
        {"url": "https://receptor.example.org/b", "eventos": ["demanda.demanda.creado"], "entidad": m.et_a.pk}],
    "/api/v1/conocimiento/discusiones/": lambda m: [
        {"espacio": m.espacio.pk, "titulo": "En espacio cerrado", "cuerpo": "No debe quedar"}],
    "/api/v1/conocimiento/preguntas-frecuentes/": lambda m: [
        {"oferta": m.oferta_borrador.pk, "pregunta": "¿Ajena?", "respuesta": "No"},
        {"oferta": m.oferta_publicada.pk, "pregunta": "¿Ajena?", "respuesta": "No"}],
    "/api/v1/conocimiento/recursos/": lambda m: [
        {"tipo": "buena_practica", "titulo": "Con la oferta en borrador de A", "resumen": "r",
         "oferta": m.oferta_borrador.pk},
        {"tipo": "buena_practica", "titulo": "Con el plan en borrador de A", "resumen": "r",
         "plan": m.plan_borrador.pk}],
    "/api/v1/demandas/": lambda m: [_cuerpo_demanda(m.et_a)],
    "/api/v1/ofertas/": lambda m: [_oferta_cuerpo(m)],
    "/api/v1/seguimiento/avances/": lambda m: [
        {"hito": m.hito.pk, "porcentaje": "30", "fecha_corte": str(timezone.localdate()), "narrativa": "Ajena"}],
    "/api/v1/seguimiento/hitos/": lambda m: [
        {"linea": m.linea_aprobada.pk, "nombre": "Ajeno", "peso": "1", "fecha_planeada": "2026-12-30"}],
    "/api/v1/seguimiento/mediciones/": lambda m: [
        {"indicador": m.indicador.pk, "periodo": "2026-03-01", "valor": "3"}],
    "/api/v1/pas/reportes/": lambda m: [
        {"accion": m.accion_pas.pk, "corte": m.corte_pas.pk, "avance": "50", "comprometido": "1", "pagado": "1"}],
    "/api/v1/seguimiento/percepciones/": lambda m: [
        {"entidad": m.et_a.pk, "oferente": m.oferente_a.pk, "calidad": 1, "pertinencia": 1, "oportunidad": 1}],
    "/api/v1/rutas/": lambda m: [{"entidad": m.et_a.pk, "capacidad": "gestion", "oferentes": [m.oferente_a.pk]}],
    "/api/v1/rutas/diagnosticos/": lambda m: [
        {"entidad": m.et_a.pk, "fecha": "2025-01-01", "valoraciones": [{"capacidad": "planeacion", "valor": 3}]}],
    "/api/v1/seguimiento/consentimientos/": lambda m: [{"entidad": m.et_a.pk}],
    "/api/v1/seguimiento/evaluaciones/": lambda m: [
        {"linea": m.linea_aprobada.pk, "tipo": "final", "resultado": "no_cumple", "hallazgos": "Ajena"}],
}


def _cuerpo_demanda(entidad):
    from tests.demanda.fabricas import cuerpo_api

    return cuerpo_api(entidad)


RUTAS_DE_ALTAS_API = sorted(r for r, ops in _esquema()["paths"].items() if "{" not in r and "post" in ops)


def test_cada_alta_de_la_api_esta_en_la_matriz():
    sin_mapear = [r for r in RUTAS_DE_ALTAS_API if r not in ALTAS_EN_LO_DE_A]
    assert not sin_mapear, (
        "Listas de la API que aceptan POST sin caso en la matriz: agregue a ALTAS_EN_LO_DE_A en "
        f"tests/att/test_matriz_seguridad.py un cuerpo válido que apunte a lo de A: {sin_mapear}")
    assert not set(ALTAS_EN_LO_DE_A) - set(RUTAS_DE_ALTAS_API)


@pytest.mark.parametrize("ruta", RUTAS_DE_ALTAS_API)
def test_b_no_crea_nada_dentro_de_lo_de_a(mundo, db, ruta):
    if ruta not in ALTAS_EN_LO_DE_A:
        pytest.fail(f"La lista {ruta} acepta POST y no está en ALTAS_EN_LO_DE_A de tests/att/test_matriz_seguridad.py.")
    cache.clear()
    fallas = []
    vigia = Vigia()
    for cuerpo in ALTAS_EN_LO_DE_A[ruta](mundo):
        for actor, cliente in _clientes_api(mundo):
            r = cliente.post(ruta, cuerpo, format="json")
            if cambios := vigia.cambios():
                fallas.append(f"POST {ruta} {cuerpo} como {actor} ({r.status_code}) cambió: {cambios}")
            if r.status_code not in (400, 403, 404):
                fallas.append(f"POST {ruta} {cuerpo} como {actor}: {r.status_code} (se esperaba 400/403/404)")
    assert not fallas, "\n".join(fallas)


# Los formularios de alta de las páginas, con un cuerpo válido a nombre de A: nada cambia y no redirigen
# como si hubieran guardado. (El resolvedor no dice qué página es un formulario: esta tabla se mantiene a
# mano; las altas de la API, en cambio, salen del esquema.)
def _formulario_oferta(m):
    from tests.oferta.test_paginas import formulario_valido

    return formulario_valido(m.oferente_a)


def _formulario_demanda(m):
    from tests.demanda.fabricas import datos_formulario

    return datos_formulario(m.et_a)


def _capacidad(codigo):
    from att.models import Capacidad

    return Capacidad.objects.get(codigo=codigo).pk


AMBOS = ("funcionario_b", "oferente_b")
ALTAS_HTML = {
    "/oferta/nueva/": lambda m: [(AMBOS, _formulario_oferta(m))],
    "/demanda/nueva/": lambda m: [(AMBOS, _formulario_demanda(m))],
    "/agenda/planes/nuevo/": lambda m: [(AMBOS, {"agenda": m.agenda.pk, "entidad": m.oferente_a.pk,
                                                 "vigencia": 2028})],
    "/agenda/concertados/nuevo/": lambda m: [(AMBOS, {"entidad_territorial": m.et_a.pk,
                                                      "oferentes": [m.oferente_a.pk], "vigencia": 2028,
                                                      "nombre": "Concertado ajeno"})],
    "/seguimiento/percepcion/": lambda m: [(AMBOS, {"entidad": m.et_a.pk, "oferente": m.oferente_a.pk,
                                                    "calidad": 1, "pertinencia": 1, "oportunidad": 1})],
    "/seguimiento/percepcion/consentimiento/": lambda m: [(AMBOS, {"entidad": m.et_a.pk, "accion": "revocar"}),
                                                          (AMBOS, {"entidad": m.et_a.pk, "accion": "dar"})],
    # Los oferentes acompañan a muchas entidades y pueden atribuirles una práctica (por diseño); quien
    # solo tiene roles territoriales documenta únicamente las suyas.
    "/rutas/nueva/": lambda m: [(AMBOS, {"entidad": m.et_a.municipio_id, "capacidad": _capacidad("gestion"),
                                         "oferentes": [m.oferente_a.pk], "inicio": "2025-01-01"})],
    "/rutas/diagnosticos/nuevo/": lambda m: [(AMBOS, {"entidad": m.et_a.municipio_id, "fecha": "2025-01-01",
                                                      f"valor_{_capacidad('planeacion')}": "3"})],
    "/conocimiento/repositorio/proponer/": lambda m: [(("funcionario_b",), {
        "tipo": "buena_practica", "titulo": "Práctica de Medellín", "resumen": "r", "entidad": m.et_a.pk})],
}


@pytest.mark.parametrize("url", sorted(ALTAS_HTML))
def test_formularios_de_alta_no_crean_a_nombre_de_a(mundo, db, url):
    fallas = []
    vigia = Vigia()
    for actores, cuerpo in ALTAS_HTML[url](mundo):
        for actor in actores:
            cliente = Client(raise_request_exception=False)
            cliente.force_login(mundo.actores[actor])
            r = cliente.post(url, cuerpo)
            if cambios := vigia.cambios():
                fallas.append(f"POST {url} como {actor} ({r.status_code}) cambió: {cambios}")
            if r.status_code not in (200, 400, 403, 404):
                fallas.append(f"POST {url} como {actor}: {r.status_code} (se esperaba el formulario con el error o 403)")
    assert not fallas, "\n".join(fallas)


# Las listas (páginas y API sin parámetros) tampoco traen lo privado de A.
RUTAS_DE_LISTAS_API = sorted(r for r, ops in _esquema()["paths"].items() if "{" not in r and "get" in ops)


@pytest.mark.parametrize("ruta", RUTAS_DE_LISTAS_API)
def test_listas_de_la_api_no_traen_lo_privado_de_a(mundo, db, ruta):
    cache.clear()
    fallas = []
    for actor, cliente in _clientes_api(mundo):
        r = cliente.get(ruta)
        if r.status_code == 200 and _tiene_marca(r):
            fallas.append(f"GET {ruta} como {actor}: trae datos privados de A")
    assert not fallas, "\n".join(fallas)


def _paginas_sin_parametros() -> list[str]:
    rutas = []

    def recorrer(patrones, prefijo, espacio):
        for p in patrones:
            if isinstance(p, URLResolver):
                recorrer(p.url_patterns, prefijo + str(p.pattern), p.namespace or espacio)
            elif not p.pattern.regex.groupindex:
                plantilla = prefijo + str(p.pattern)
                if not plantilla.startswith(PREFIJOS_FUERA) and "^" not in plantilla and "salir" not in plantilla:
                    rutas.append("/" + plantilla)

    recorrer(get_resolver().url_patterns, "", "")
    return sorted(set(rutas))


@pytest.mark.parametrize("url", _paginas_sin_parametros())
def test_paginas_sin_parametros_no_traen_lo_privado_de_a(mundo, db, url):
    fallas = []
    for actor in ("funcionario_b", "oferente_b"):
        cliente = Client(raise_request_exception=False)
        cliente.force_login(mundo.actores[actor])
        r = cliente.get(url)
        if r.status_code == 200 and _tiene_marca(r):
            fallas.append(f"GET {url} como {actor}: trae datos privados de A")
    assert not fallas, "\n".join(fallas)


# =============================================================================================
# 3. Administrador
# =============================================================================================
MODELOS_ADMIN = sorted(admin.site._registry, key=lambda mo: mo._meta.label)


def _objeto_de_a(m: Mundo, modelo):
    for obj in m.objetos.values():
        if type(obj) is modelo:
            return obj
    return modelo._default_manager.order_by("pk").first()


@pytest.mark.parametrize("modelo", MODELOS_ADMIN, ids=[mo._meta.label for mo in MODELOS_ADMIN])
def test_admin_de_a_no_se_abre_desde_b_y_el_auditor_no_cambia_nada(mundo, db, modelo):
    obj = _objeto_de_a(mundo, modelo)
    info = modelo._meta.app_label, modelo._meta.model_name
    urls = [f"/admin/{info[0]}/{info[1]}/", f"/admin/{info[0]}/{info[1]}/add/"]
    if obj is not None:
        urls += [f"/admin/{info[0]}/{info[1]}/{obj.pk}/change/", f"/admin/{info[0]}/{info[1]}/{obj.pk}/delete/"]
    fallas = []
    vigia = Vigia()
    for actor in ("funcionario_b", "oferente_b"):
        cliente = Client(raise_request_exception=False)
        cliente.force_login(mundo.actores[actor])
        for url in urls:
            for metodo in ("get", "post"):
                r = getattr(cliente, metodo)(url, {} if metodo == "post" else None)
                if not _es_ingreso(r):
                    fallas.append(f"{metodo.upper()} {url} como {actor}: {r.status_code} (se esperaba ir al ingreso)")
    # Sin ser personal, el sitio del administrador los manda al ingreso antes de cualquier vista: una
    # sola comparación para todas sus peticiones basta.
    if cambios := vigia.cambios():
        fallas.append(f"Las peticiones de B al administrador cambiaron: {cambios}")
    cliente = Client(raise_request_exception=False)
    cliente.force_login(mundo.actores["auditor"])
    for url in urls:
        datos = {"post": "yes"} if url.endswith("/delete/") else {}
        r = cliente.post(url, datos)
        if cambios := vigia.cambios():
            fallas.append(f"POST {url} como auditor ({r.status_code}) cambió: {cambios}")
        if r.status_code == 302 and not _es_ingreso(r):
            fallas.append(f"POST {url} como auditor: 302 a {r['Location']} (¿se guardó?)")
    assert not fallas, "\n".join(fallas)


def test_auditor_no_escribe_por_la_api(mundo, db):
    """El auditor con token y con sesión: cada escritura del esquema sobre lo de A se rechaza."""
    cache.clear()
    fallas = []
    vigia = Vigia()
    esquema = _esquema()["paths"]
    for ruta, operaciones in sorted(esquema.items()):
        escrituras = [mt for mt in ("post", "put", "patch", "delete") if mt in operaciones]
        if not escrituras:
            continue
        casos = RUTAS_API[ruta](mundo) if "{" in ruta else [Caso({})]
        for caso in casos:
            url = _llenar(ruta, caso.kwargs)
            for actor, cliente in _clientes_api(mundo, ("auditor",)):
                for metodo in escrituras:
                    r = getattr(cliente, metodo)(url, {}, format="json")
                    if cambios := vigia.cambios():
                        fallas.append(f"{metodo.upper()} {url} como {actor} ({r.status_code}) cambió: {cambios}")
                    # El permiso de la vista (att.api.permisos) niega toda escritura al auditor antes de
                    # leer el cuerpo o buscar el objeto.
                    if r.status_code != 403:
                        fallas.append(f"{metodo.upper()} {url} como {actor}: {r.status_code} (se esperaba 403)")
    assert not fallas, "\n".join(fallas)
