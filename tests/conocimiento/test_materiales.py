import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conocimiento import services
from conocimiento.models import Material
from tests.conocimiento.conftest import recurso_publicado

pytestmark = pytest.mark.django_db


@pytest.fixture
def propio(funcionario_medellin):
    return services.recurso_proponer(por=funcionario_medellin, tipo="buena_practica", titulo="Guía de archivo",
                                     resumen="Cómo organizar el archivo")


def test_rechaza_tipo_no_permitido_con_mensaje_en_espanol(client, funcionario_medellin, propio):
    client.force_login(funcionario_medellin)
    archivo = SimpleUploadedFile("virus.exe", b"MZ" * 100, content_type="application/octet-stream")
    respuesta = client.post(reverse("conocimiento:agregar-material", args=[propio.pk]),
                            {"tipo": "documento", "titulo": "Programa", "archivo": archivo})
    assert respuesta.status_code == 400
    html = respuesta.content.decode()
    assert "no es de un tipo permitido" in html and "virus.exe" in html
    assert not Material.objects.exists()


def test_rechaza_archivo_demasiado_grande(client, funcionario_medellin, propio, monkeypatch):
    monkeypatch.setattr(services, "MAX_BYTES_MATERIAL", 1024)
    monkeypatch.setattr("conocimiento.forms.MAX_BYTES_MATERIAL", 1024)
    client.force_login(funcionario_medellin)
    archivo = SimpleUploadedFile("informe.pdf", b"%PDF-1.4 " + b"x" * 4000, content_type="application/pdf")
    respuesta = client.post(reverse("conocimiento:agregar-material", args=[propio.pk]),
                            {"tipo": "documento", "titulo": "Informe", "archivo": archivo})
    assert respuesta.status_code == 400
    assert "el máximo es" in respuesta.content.decode()
    assert not Material.objects.exists()


def test_el_servicio_tambien_rechaza(funcionario_medellin, propio):
    with pytest.raises(ValidationError, match=r"El archivo «script\.sh» no es de un tipo permitido\. Tipos") as e:
        services.material_agregar(recurso=propio, por=funcionario_medellin, tipo="documento", titulo="x",
                                  archivo=SimpleUploadedFile("script.sh", b"echo"))
    assert "no es de un tipo permitido" in str(e.value)


def test_acepta_pdf_y_enlaces_de_video(client, funcionario_medellin, propio):
    client.force_login(funcionario_medellin)
    archivo = SimpleUploadedFile("guia.pdf", b"%PDF-1.4 contenido", content_type="application/pdf")
    r = client.post(reverse("conocimiento:agregar-material", args=[propio.pk]),
                    {"tipo": "documento", "titulo": "Guía", "archivo": archivo})
    assert r.status_code == 302
    r = client.post(reverse("conocimiento:agregar-material", args=[propio.pk]),
                    {"tipo": "video", "titulo": "Video", "url": "https://video.gov.co/v/1"})
    assert r.status_code == 302
    assert Material.objects.filter(recurso=propio).count() == 2
    assert Material.objects.get(tipo="documento").tamano == len(b"%PDF-1.4 contenido")


def test_solo_quien_propuso_agrega_materiales(client, funcionario_cali, funcionario_medellin):
    r = recurso_publicado(funcionario_medellin)
    client.force_login(funcionario_cali)
    respuesta = client.post(reverse("conocimiento:agregar-material", args=[r.pk]),
                            {"tipo": "video", "titulo": "V", "url": "https://video.gov.co/v/1"})
    assert respuesta.status_code == 403


def _tokens_archivo(html: str) -> list[str]:
    import re

    return re.findall(r'name="archivo__conservado" value="([^"]+)"', html)


def test_el_documento_sobrevive_a_un_envio_fallido_y_queda_en_el_material(client, funcionario_medellin, propio):
    """Campo de un solo archivo (`campos_adjunto_unico`): falta el título, el documento queda conservado
    (casilla con su token, sin `required` en el campo) y el envío corregido lo adjunta sin volver a elegirlo."""
    from att.models import AdjuntoPendiente

    client.force_login(funcionario_medellin)
    url = reverse("conocimiento:agregar-material", args=[propio.pk])
    archivo = SimpleUploadedFile("guia.pdf", b"%PDF-1.4 guia", content_type="application/pdf")
    r = client.post(url, {"tipo": "documento", "titulo": "", "archivo": archivo})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Adjuntos conservados" in html and "guia.pdf" in html
    [token] = _tokens_archivo(html)
    assert AdjuntoPendiente.objects.get().token == token and not Material.objects.exists()
    r = client.post(url, {"tipo": "documento", "titulo": "Guía", "archivo__conservado": token})
    assert r.status_code == 302, r.content.decode()[:2000]
    material = Material.objects.get(recurso=propio)
    assert material.archivo.read() == b"%PDF-1.4 guia" and material.tamano == len(b"%PDF-1.4 guia")
    assert AdjuntoPendiente.objects.get().usado is not None
    # Desmarcar la casilla (sin token) quita el conservado: sin archivo, no hay documento.
    r = client.post(url, {"tipo": "documento", "titulo": "Otra"})
    assert Material.objects.count() == 1


def test_un_documento_invalido_no_se_conserva(client, funcionario_medellin, propio):
    from att.models import AdjuntoPendiente

    client.force_login(funcionario_medellin)
    url = reverse("conocimiento:agregar-material", args=[propio.pk])
    r = client.post(url, {"tipo": "documento", "titulo": "",
                          "archivo": SimpleUploadedFile("virus.exe", b"MZ" * 10)})
    assert r.status_code == 400 and _tokens_archivo(r.content.decode()) == []
    assert not AdjuntoPendiente.objects.exists()
