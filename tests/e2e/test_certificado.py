"""En Chromium sin cabeza, en un teléfono: quien recibe un certificado escribe su código como lo ve
impreso (con guion y en minúsculas) y la página pública lo confirma; un código errado lo dice."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from att.models import Rol
from conocimiento import certificados
from conocimiento.models import Curso, EstadoInscripcion, Inscripcion, SesionFormacion
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CAPTURAS = Path(__file__).resolve().parents[2] / "var" / "capturas"


def test_verificar_un_certificado_en_el_telefono(pagina, referencia_cargada):
    from att.models import NivelCapacidad, TipoCapacidad

    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    persona.nombre = "Ana María Restrepo"
    persona.save()
    inicio = timezone.now() - timedelta(days=2)
    curso = Curso.objects.create(nombre="Formulación de proyectos de inversión", horas=8,
                                 nivel=NivelCapacidad.objects.first(), tipo_capacidad=TipoCapacidad.objects.first(),
                                 entidad=factories.EntidadNacionalFactory())
    sesion = SesionFormacion.objects.create(curso=curso, modalidad="virtual", inicio=inicio,
                                            fin=inicio + timedelta(hours=3), cupos=5)
    ins = Inscripcion.objects.create(sesion=sesion, usuario=persona, estado=EstadoInscripcion.INSCRITA,
                                     asistio=True, codigo_certificado=certificados.nuevo_codigo())
    consola = []
    pagina.on("console", lambda m: consola.append(m.text))
    pagina.goto(pagina.base + "/conocimiento/formacion/certificados/verificar/")
    pagina.get_by_label("Código de verificación").fill(certificados.codigo_legible(ins.codigo_certificado).lower())
    pagina.get_by_role("button", name="Verificar").click()
    expect(pagina.get_by_role("heading", name="Certificado válido")).to_be_visible()
    expect(pagina.get_by_text("Ana María Restrepo")).to_be_visible()
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(CAPTURAS / "certificado-valido-telefono.png"), full_page=True)
    pagina.get_by_label("Código de verificación").fill("ZZZZZ-ZZZZZ")
    pagina.get_by_role("button", name="Verificar").click()
    expect(pagina.get_by_role("alert")).to_contain_text("No hay ningún certificado vigente")
    pagina.screenshot(path=str(CAPTURAS / "certificado-errado-telefono.png"), full_page=True)
    # Cero desbordes horizontales en el teléfono y ninguna violación de la CSP.
    assert pagina.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert [m for m in consola if "Content Security Policy" in m] == []
