import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from att.validadores import validar_adjunto


def test_acepta_pdf_real():
    validar_adjunto(SimpleUploadedFile("acta.pdf", b"%PDF-1.7\n..."))


@pytest.mark.parametrize("nombre,contenido,codigo,texto", [
    ("virus.exe", b"MZ...", "tipo_no_permitido", "no es de un tipo permitido"),
    ("acta.pdf", b"MZ\x90\x00 ejecutable disfrazado", "contenido_no_coincide", "no corresponde a un archivo .pdf"),
    ("foto.png", b"%PDF-1.4", "contenido_no_coincide", "no corresponde"),
    ("vacio.pdf", b"", "vacio", "está vacío"),
    ("datos.csv", b"a,b\x00\x00\x01", "contenido_no_coincide", "no corresponde"),
])
def test_rechaza_con_mensaje_en_espanol(nombre, contenido, codigo, texto):
    with pytest.raises(ValidationError) as error:
        validar_adjunto(SimpleUploadedFile(nombre, contenido))
    assert error.value.code == codigo
    assert texto in error.value.messages[0]


def test_rechaza_por_tamano():
    with pytest.raises(ValidationError, match="el máximo es"):
        validar_adjunto(SimpleUploadedFile("grande.pdf", b"%PDF" + b"0" * 2048), max_bytes=1024)


def test_el_archivo_queda_listo_para_guardarse():
    archivo = SimpleUploadedFile("acta.pdf", b"%PDF-1.7 contenido")
    validar_adjunto(archivo)
    assert archivo.read() == b"%PDF-1.7 contenido"
