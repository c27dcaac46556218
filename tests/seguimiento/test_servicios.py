"""Servicios del seguimiento contra la base real: consolidación, validación, periodos, percepción."""

from datetime import UTC, date, datetime
from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from att.models import Notificacion, Rol
from indicadores import selectors as ind_selectors
from indicadores import services as ind_services
from indicadores.models import Medicion
from seguimiento import selectors, services
from seguimiento.models import (
    Avance,
    ConfiguracionSeguimiento,
    EstadoAvance,
    EstadoLinea,
    MuestraPercepcion,
    Percepcion,
)
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db
HOY = date(2026, 7, 1)


def _validado(hito, porcentaje, por, reporta):
    a = services.avance_reportar(hito=hito, porcentaje=D(porcentaje), fecha_corte=date(2026, 6, 1),
                                 narrativa="Avance", por=reporta)
    return services.avance_validar(avance=a, por=por)


def test_consolidacion_con_pesos_desiguales_hasta_la_agenda(oferente, entidad_oferente, seguimiento_dnp, otro_oferente):
    l1 = fabricas.linea(entidad_oferente, peso=3)
    l2 = fabricas.linea(entidad_oferente, peso=1)
    # Línea 1: hito A (peso 1) con sub-hitos 1 y 3; hito B (peso 3)
    a = fabricas.hito(l1, peso=1, nombre="A")
    a1 = fabricas.hito(l1, peso=1, nombre="A1", padre=a)
    a2 = fabricas.hito(l1, peso=3, nombre="A2", padre=a)
    b = fabricas.hito(l1, peso=3, nombre="B")
    c = fabricas.hito(l2, peso=1, nombre="C")
    _validado(a1, 100, seguimiento_dnp, oferente)   # A = (100×1 + 20×3)/4 = 40
    _validado(a2, 20, seguimiento_dnp, oferente)
    _validado(b, 80, seguimiento_dnp, oferente)     # L1 = (40×1 + 80×3)/4 = 70
    _validado(c, 30, seguimiento_dnp, oferente)     # L2 = 30
    a.refresh_from_db()
    assert a.avance == D("40.00")
    assert EstadoLinea.objects.get(linea=l1).avance == D("70.00")
    assert EstadoLinea.objects.get(linea=l2).avance == D("30.00")
    # Plan y entidad: (70×3 + 30×1)/4 = 60
    qs = selectors.estados_visibles(seguimiento_dnp)
    assert selectors.avance_consolidado(qs.filter(plan=l1.plan))["avance"] == D("60.0")
    # Otra entidad con peso 4 y 0 %: agenda = (70×3 + 30×1 + 0×4)/8 = 30
    otra = otro_oferente.membresias.first().entidad
    l3 = fabricas.linea(otra, peso=4)
    fabricas.hito(l3, peso=1)
    services.recalcular_linea(l3)
    por_entidad = {f["clave_id"]: f["avance"] for f in selectors.avance_por(qs, "entidad")}
    assert por_entidad[entidad_oferente.pk] == D("60.0") and por_entidad[otra.pk] == D("0.0")
    assert selectors.avance_por(qs, "agenda")[0]["avance"] == D("30.0")


def test_solo_avances_validados_cuentan_y_devolver_notifica(oferente, entidad_oferente, seguimiento_dnp):
    l = fabricas.linea(entidad_oferente)
    h = fabricas.hito(l)
    a = services.avance_reportar(hito=h, porcentaje=D(50), fecha_corte=date(2026, 5, 1), narrativa="x", por=oferente)
    services.recalcular_linea(l)
    assert EstadoLinea.objects.get(linea=l).avance == 0
    with pytest.raises(ValidationError, match=r"Explique qué debe ajustarse para devolver el avance\."):
        services.avance_devolver(avance=a, por=seguimiento_dnp, comentario=" ")
    services.avance_devolver(avance=a, por=seguimiento_dnp, comentario="Falta la lista de asistencia")
    assert Avance.objects.get(pk=a.pk).estado == EstadoAvance.DEVUELTO
    assert Notificacion.objects.filter(usuario=oferente, titulo__startswith="Avance devuelto").exists()
    with pytest.raises(ValidationError, match=r"Este avance ya fue revisado\."):
        services.avance_validar(avance=a, por=seguimiento_dnp)


def test_oferente_solo_reporta_sus_lineas_y_el_auditor_nada(oferente, otro_oferente, entidad_oferente,
                                                              auditor, seguimiento_dnp):
    h = fabricas.hito(fabricas.linea(entidad_oferente))
    for intruso in (otro_oferente, auditor):
        with pytest.raises(PermissionDenied, match="Solo el oferente responsable de esta línea puede reportar"):
            services.avance_reportar(hito=h, porcentaje=D(10), fecha_corte=HOY, narrativa="x", por=intruso)
    a = services.avance_reportar(hito=h, porcentaje=D(10), fecha_corte=HOY, narrativa="x", por=oferente)
    for intruso in (oferente, auditor):
        with pytest.raises(PermissionDenied, match=r"Solo el equipo de seguimiento del DNP valida avances\."):
            services.avance_validar(avance=a, por=intruso)


def test_evidencia_validada(oferente, entidad_oferente):
    h = fabricas.hito(fabricas.linea(entidad_oferente))
    malo = SimpleUploadedFile("virus.exe", b"MZ")
    with pytest.raises(ValidationError, match=r"El archivo «virus\.exe» no es de un tipo permitido\. Tipos"):
        services.avance_reportar(hito=h, porcentaje=D(10), fecha_corte=HOY, narrativa="x", por=oferente,
                                 evidencias=[malo])
    bueno = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 prueba")
    a = services.avance_reportar(hito=h, porcentaje=D(10), fecha_corte=HOY, narrativa="x", por=oferente,
                                 evidencias=[bueno])
    assert a.evidencias.get().nombre == "acta.pdf"


def test_semaforo_de_la_linea_con_umbrales_configurables(oferente, entidad_oferente, seguimiento_dnp):
    l = fabricas.linea(entidad_oferente, inicio=date(2026, 1, 1))
    h = fabricas.hito(l, fecha=date(2026, 1, 11))
    # Hoy 6/1: esperado 50 %. Avance validado 40 → brecha 10 = umbral de riesgo.
    a = services.avance_reportar(hito=h, porcentaje=D(40), fecha_corte=date(2026, 1, 5), narrativa="x", por=oferente)
    services.avance_validar(avance=a, por=seguimiento_dnp)
    assert services.recalcular_linea(l, hoy=date(2026, 1, 6)).semaforo == "en_riesgo"
    conf = ConfiguracionSeguimiento.obtener()
    conf.umbral_riesgo, conf.umbral_atraso = D(11), D(20)
    conf.save()
    assert services.recalcular_linea(l, hoy=date(2026, 1, 6)).semaforo == "al_dia"
    # Vencido (esperado 100, avance 40 → brecha 60)
    estado = services.recalcular_linea(l, hoy=date(2026, 2, 1))
    assert estado.semaforo == "atrasado" and estado.hitos_vencidos == 1
    assert services.recalcular_todas(hoy=date(2026, 1, 6)) >= 1
    assert EstadoLinea.objects.get(linea=l).semaforo == "al_dia"


def test_hitos_vencidos_alertan_a_su_responsable_una_vez(entidad_oferente):
    # El responsable es oferente de la entidad: puede abrir la línea que enlaza la alerta.
    responsable = factories.persona(entidad_oferente, Rol.OFERENTE)
    l = fabricas.linea(entidad_oferente, responsable=responsable)
    fabricas.hito(l, fecha=date(2026, 3, 1), nombre="Diagnóstico")
    fabricas.hito(l, fecha=date(2026, 3, 1), nombre="Listo", avance=100)
    assert services.alertar_hitos_vencidos(hoy=date(2026, 4, 1)) == 1
    assert services.alertar_hitos_vencidos(hoy=date(2026, 4, 2)) == 0
    assert Notificacion.objects.filter(usuario=responsable, titulo="Hito vencido: Diagnóstico").count() == 1
    fabricas.hito(l, fecha=date(2026, 4, 10), nombre="Taller")
    fabricas.hito(l, fecha=date(2026, 4, 11), nombre="Informe")
    assert services.alertar_hitos_vencidos(hoy=date(2026, 5, 1)) == 2
    n = Notificacion.objects.get(usuario=responsable, titulo="2 hitos vencidos sin cumplir")
    assert "Taller" in n.mensaje and "Informe" in n.mensaje


def test_periodo_cerrado_bloquea_las_mediciones(oferente, entidad_oferente, seguimiento_dnp, auditor):
    i = fabricas.indicador(entidad_oferente)
    m = ind_services.medicion_registrar(indicador=i, periodo=date(2026, 3, 15), valor=D(5), por=oferente)
    assert m.periodo == date(2026, 3, 1)
    with pytest.raises(PermissionDenied, match=r"Solo el equipo de seguimiento del DNP cierra periodos\."):
        ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=oferente)
    ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    with pytest.raises(ValidationError, match="cerrado"):
        ind_services.medicion_registrar(indicador=i, periodo=date(2026, 3, 1), valor=D(9), por=oferente)
    with pytest.raises(ValidationError, match="El periodo 2026-03 está cerrado: sus mediciones no se"):  # tampoco por el ORM/administrador
        m.valor = D(9)
        m.save()
    with pytest.raises(ValidationError, match="El periodo 2026-03 está cerrado: sus mediciones no se"):
        Medicion.objects.get(pk=m.pk).delete()
    assert Medicion.objects.get(pk=m.pk).valor == D(5)
    # el mes siguiente sigue abierto
    ind_services.medicion_registrar(indicador=i, periodo=date(2026, 4, 1), valor=D(7), por=oferente)
    with pytest.raises(PermissionDenied, match="Solo la entidad responsable del indicador o el DNP registran sus"):
        ind_services.medicion_registrar(indicador=i, periodo=date(2026, 4, 1), valor=D(7), por=auditor)


@pytest.mark.parametrize("tipo,base,meta,valores,logro,avance", [
    ("flujo", 0, 20, [4, 6, 10], D(10), D(50)),
    ("acumulado", 0, 40, [4, 6, 10], D(20), D(50)),
    ("capacidad", 10, 30, [12, 15, 20], D(20), D(50)),
    ("reduccion", 50, 30, [48, 45, 40], D(40), D(50)),
])
def test_avance_de_indicador_por_tipo_de_acumulacion(oferente, entidad_oferente, tipo, base, meta, valores,
                                                      logro, avance):
    i = fabricas.indicador(entidad_oferente, tipo_acumulacion=tipo, linea_base=base, meta=meta)
    for mes, v in enumerate(valores, start=1):
        ind_services.medicion_registrar(indicador=i, periodo=date(2026, mes, 1), valor=D(v), por=oferente)
    r = ind_selectors.avance_de_indicador(i)
    assert (r.logro, r.avance) == (logro, avance)
    assert i.explicacion_acumulacion


def test_percepcion_respeta_el_consentimiento_y_alerta_bajo_3_5(funcionario_medellin, seguimiento_dnp,
                                                                 entidad_oferente, oferente, funcionario_cali):
    medellin = factories.alcaldia("05001")
    l = fabricas.linea(entidad_oferente, territorios=[medellin], aprobado=True)
    _validado(fabricas.hito(l), 30, seguimiento_dnp, oferente)  # el oferente sí le llegó
    services.consentimiento_dar(entidad=medellin, por=funcionario_medellin)
    p = services.percepcion_registrar(entidad=medellin, calidad=4, pertinencia=4, oportunidad=3,
                                      oferente=entidad_oferente, por=funcionario_medellin)
    assert p.promedio == D("3.67") and p.linea == l
    assert not Notificacion.objects.filter(clave=f"percepcion-baja-{p.pk}").exists()
    baja = services.percepcion_registrar(entidad=medellin, calidad=4, pertinencia=3, oportunidad=3,
                                         oferente=entidad_oferente, por=funcionario_medellin, comentario="Tarde")
    avisados = set(Notificacion.objects.filter(clave=f"percepcion-baja-{baja.pk}").values_list("usuario_id", flat=True))
    assert {seguimiento_dnp.pk, oferente.pk} <= avisados
    with pytest.raises(PermissionDenied, match=r"Solo la entidad territorial asesorada \(o el DNP en la"):  # Cali no califica por Medellín
        services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5, por=funcionario_cali)
    services.consentimiento_revocar(entidad=medellin, por=funcionario_medellin)
    with pytest.raises(ValidationError, match="no ha dado su consentimiento"):
        services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5, linea=l,
                                      por=funcionario_medellin)
    assert Percepcion.objects.filter(entidad=medellin).count() == 2
    resumen = selectors.resumen_percepcion(seguimiento_dnp)
    assert resumen["n"] == 2 and resumen["insatisfechas"] == 1


def test_muestra_mensual_solo_con_entidades_que_aceptaron(seguimiento_dnp, entidad_oferente):
    from django.utils import timezone as tz

    from att.models import Entidad, TipoEntidad
    from seguimiento.models import ConsentimientoPercepcion

    territorios = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).order_by("pk")[:80])
    # Consentimiento explícito de 79; la primera lo dio y lo revocó.
    ConsentimientoPercepcion.objects.bulk_create([ConsentimientoPercepcion(
        entidad=t, otorgado_en=tz.now(), otorgado_por=seguimiento_dnp) for t in territorios])
    services.consentimiento_revocar(entidad=territorios[0], por=seguimiento_dnp)
    fabricas.linea(entidad_oferente, territorios=territorios)
    m = services.muestra_sortear(periodo=date(2026, 10, 9), por=seguimiento_dnp, semilla=7)
    assert m.periodo == date(2026, 10, 1) and m.universo == 79 and m.entidades.count() == 52
    assert not m.entidades.filter(pk=territorios[0].pk).exists()
    assert services.muestra_sortear(periodo=date(2026, 10, 1), por=seguimiento_dnp).pk == m.pk
    assert MuestraPercepcion.objects.count() == 1


def test_por_departamento_y_tema_cada_linea_cuenta_una_vez(entidad_oferente, seguimiento_dnp, oferente):
    l = fabricas.linea(entidad_oferente, territorios=[factories.alcaldia("05001"), factories.alcaldia("05266"),
                                                      factories.alcaldia("76001")])
    h = fabricas.hito(l)
    _validado(h, 40, seguimiento_dnp, oferente)
    qs = selectors.estados_visibles(oferente)
    deptos = {f["clave_id"]: f for f in selectors.avance_por(qs, "departamento")}
    assert deptos["05"]["lineas"] == 1 and deptos["05"]["avance"] == D("40.0") and deptos["76"]["lineas"] == 1
    temas = selectors.avance_por(qs, "tema")
    assert len(temas) == 1 and temas[0]["lineas"] == 1


def test_hito_que_vence_hoy_no_esta_vencido_hasta_manana(entidad_oferente):
    """Límite: un hito planeado para hoy sin cumplir aún no está vencido; mañana sí (estado y alerta)."""
    responsable = factories.persona(entidad_oferente, Rol.OFERENTE)
    l = fabricas.linea(entidad_oferente, responsable=responsable, inicio=date(2026, 1, 1))
    fabricas.hito(l, fecha=date(2026, 3, 10), nombre="Diagnóstico")
    en_el_dia, al_dia_siguiente = date(2026, 3, 10), date(2026, 3, 11)
    estado = services.recalcular_linea(l, hoy=en_el_dia)
    assert estado.hitos_vencidos == 0
    assert estado.esperado == D(100)  # en su fecha se espera completo, pero aún no está vencido
    assert services.recalcular_linea(l, hoy=al_dia_siguiente).hitos_vencidos == 1
    services.recalcular_todas(hoy=en_el_dia)
    assert EstadoLinea.objects.get(linea=l).hitos_vencidos == 0
    services.recalcular_todas(hoy=al_dia_siguiente)
    assert EstadoLinea.objects.get(linea=l).hitos_vencidos == 1

    assert services.alertar_hitos_vencidos(hoy=en_el_dia) == 0
    assert not Notificacion.objects.filter(usuario=responsable).exists()
    assert services.alertar_hitos_vencidos(hoy=al_dia_siguiente) == 1
    assert Notificacion.objects.get(usuario=responsable).titulo == "Hito vencido: Diagnóstico"


def test_el_dia_del_vencimiento_se_cuenta_en_hora_de_colombia(entidad_oferente):
    """A las 21:00 del 10 de marzo en Bogotá ya es 11 de marzo en UTC: el hito del 10 aún no está vencido."""
    responsable = factories.UsuarioFactory()
    fabricas.hito(fabricas.linea(entidad_oferente, responsable=responsable), fecha=date(2026, 3, 10), nombre="Taller")
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 11, 2, 0, tzinfo=UTC)):
        assert services.alertar_hitos_vencidos() == 0
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 11, 5, 0, tzinfo=UTC)):  # 00:00 del 11
        assert services.alertar_hitos_vencidos() == 1


def test_quien_no_puede_abrir_la_linea_no_recibe_la_alerta_de_sus_hitos(entidad_oferente):
    """El mismo predicado de la página de la línea decide quién recibe la alerta: un responsable sin
    rol en la entidad (no puede abrirla) no recibe un enlace que le respondería 404."""
    sin_rol = factories.UsuarioFactory()
    l = fabricas.linea(entidad_oferente, responsable=sin_rol)
    fabricas.hito(l, fecha=date(2026, 3, 1), nombre="Diagnóstico")
    assert not selectors.puede_ver_linea(sin_rol, l)
    services.alertar_hitos_vencidos(hoy=date(2026, 4, 1))
    assert not Notificacion.objects.filter(usuario=sin_rol).exists()
