"""En Chromium sin cabeza: el tablero de seguimiento del DNP con sus gráficos SVG (tendencias de 12 meses y
comparaciones por valor) en escritorio y en teléfono, sin violaciones de la CSP y sin desbordar la pantalla.
Las capturas quedan en var/capturas/ para mirarlas."""

from datetime import datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.utils import timezone

from att import graficos
from att.models import Entidad, Rol, TipoEntidad
from demanda.models import Demanda, EstadoDemanda
from seguimiento import services
from seguimiento.models import Percepcion
from tests import factories
from tests.conftest import ingresar
from tests.demanda import fabricas as fabricas_demanda
from tests.seguimiento import fabricas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAPTURAS = Path(__file__).resolve().parents[2] / "var" / "capturas"


def _datos():
    dnp = factories.persona(factories.dnp(), Rol.SEGUIMIENTO_DNP, email="seguimiento@dnp.gov.co",
                            nombre="Samuel Ortiz", is_staff=True)
    hoy = timezone.localdate()
    meses = graficos.meses_recientes(12, hoy)
    territorios = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).order_by("pk")[:8])
    oferentes = [factories.EntidadNacionalFactory(nombre=n) for n in (
        "Ministerio de Vivienda, Ciudad y Territorio", "Agencia de Renovación del Territorio",
        "Departamento Administrativo de la Función Pública")]
    for k, entidad in enumerate(oferentes):
        persona = factories.persona(entidad, Rol.OFERENTE, email=f"oferente{k}@prueba.gov.co")
        for i in range(2):
            linea = fabricas.linea(entidad, responsable=persona, inicio=meses[0], fin=hoy + timedelta(days=200),
                                   territorios=[territorios[(2 * k + i) % len(territorios)]])
            hito = fabricas.hito(linea, nombre=f"Hito {k}-{i}", fecha=hoy + timedelta(days=100))
            for m, pct in zip(meses[3 + k::3], (15, 35, 55, 75)):
                a = services.avance_reportar(hito=hito, porcentaje=D(pct - 5 * k), fecha_corte=min(m + timedelta(days=9), hoy),
                                             narrativa=f"Avance {m:%Y-%m}", por=persona)
                services.avance_validar(avance=a, por=dnp)
    services.recalcular_todas()
    funcionario = factories.persona(territorios[0], Rol.FUNCIONARIO_ET, email="et@prueba.gov.co")
    for i, m in enumerate(meses):
        for j in range(2 + (i * 7) % 5):
            d = fabricas_demanda.demanda(territorios[j % len(territorios)], funcionario)
            estado = EstadoDemanda.ATENDIDA if j % 2 else EstadoDemanda.REGISTRADA
            Demanda.objects.filter(pk=d.pk).update(
                creada=timezone.make_aware(datetime(m.year, m.month, 5 + j)), estado=estado)
        if i % 4 != 1:
            Percepcion.objects.create(entidad=territorios[i % len(territorios)], fecha=m + timedelta(days=3),
                                      calidad=3 + i % 3, pertinencia=4, oportunidad=2 + i % 4)
    return dnp


def _sin_desborde(pagina):
    """Nada más ancho que la ventana (solo las tablas desplazables pueden serlo, dentro de su caja)."""
    return pagina.evaluate("""() => {
        const ancho = document.documentElement.clientWidth;
        return [...document.querySelectorAll('main svg.grafico__svg, main figure, main section')]
          .filter(e => e.getBoundingClientRect().right > ancho + 1).map(e => e.id || e.tagName);
    }""")


@pytest.mark.parametrize("dispositivo", ["escritorio", "telefono"])
def test_tablero_del_dnp_con_graficos(dispositivo, request, referencia_cargada):
    pagina = request.getfixturevalue("pagina_escritorio" if dispositivo == "escritorio" else "pagina")
    _datos()
    violaciones = []
    pagina.on("console", lambda m: violaciones.append(m.text) if "Content Security Policy" in m.text else None)
    ingresar(pagina, "seguimiento@dnp.gov.co")
    pagina.goto(f"{pagina.base}/seguimiento/")
    for id_ in ("g-demandas", "g-avance", "g-percepcion", "g-avance-entidad", "g-avance-departamento",
                "g-avance-tema", "g-avance-asesor", "g-indicadores"):
        assert pagina.locator(f"svg#{id_}").count() == 1, id_
    grafico = pagina.get_by_role("img", name="Demandas registradas y atendidas por mes")
    assert grafico.is_visible()
    assert grafico.bounding_box()["width"] > 300
    # La tabla de datos del gráfico se abre con «Ver datos».
    pagina.locator("#fig-g-demandas summary").click()
    assert pagina.get_by_role("table", name="Demandas registradas y atendidas por mes").is_visible()
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(CAPTURAS / f"tablero-graficos-{dispositivo}.png"), full_page=True)
    pagina.locator("#t-tendencias").scroll_into_view_if_needed()
    pagina.locator("section[aria-labelledby=t-tendencias]").screenshot(
        path=str(CAPTURAS / f"tablero-tendencias-{dispositivo}.png"))
    pagina.locator("section[aria-labelledby=t-entidad]").screenshot(
        path=str(CAPTURAS / f"tablero-por-entidad-{dispositivo}.png"))
    assert _sin_desborde(pagina) == []
    assert violaciones == []
