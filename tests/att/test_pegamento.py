"""Pegamento compartido en att: el error de un servicio en un formulario y «personas con el rol X
en la entidad Y» (un solo selector para todas las alertas)."""

from django import forms
from django.core.exceptions import ValidationError

from att.forms import aplicar_error_servicio
from att.models import Membresia, Rol
from att.selectors import usuarios_con_rol
from tests import factories


class _Formulario(forms.Form):
    titulo = forms.CharField()


def _form():
    form = _Formulario({"titulo": "Plan"})
    assert form.is_valid()
    return form


def test_error_de_servicio_por_campo_y_general_llega_al_formulario():
    form = _form()
    aplicar_error_servicio(form, ValidationError({"titulo": "Escriba un título más claro.",
                                                  "campo_ajeno": "La entidad no está activa.",
                                                  "__all__": "No se puede guardar en este estado."}))
    assert form.errors["titulo"] == ["Escriba un título más claro."]
    assert form.non_field_errors() == ["La entidad no está activa.", "No se puede guardar en este estado."]
    assert "titulo" not in form.cleaned_data


def test_error_de_servicio_sin_campos_va_al_resumen():
    form = _form()
    aplicar_error_servicio(form, ValidationError(["Primero.", "Segundo."]))
    assert form.non_field_errors() == ["Primero.", "Segundo."]
    assert not form.has_error("titulo")


def test_usuarios_con_rol_por_entidad_rol_y_vigencia(db, entidad_oferente, django_assert_num_queries):
    medellin = factories.alcaldia("05001")
    funcionaria = factories.persona(medellin, Rol.FUNCIONARIO_ET)
    oferente = factories.persona(entidad_oferente, Rol.OFERENTE)
    factories.persona(factories.alcaldia("76001"), Rol.FUNCIONARIO_ET)  # otra entidad
    inactiva = factories.persona(medellin, Rol.FUNCIONARIO_ET)
    inactiva.is_active = False
    inactiva.save()
    salio = factories.persona(medellin, Rol.FUNCIONARIO_ET)
    Membresia.objects.filter(usuario=salio).update(activa=False)
    # Dos membresías de la misma persona en la entidad: aparece una vez.
    Membresia.objects.create(usuario=funcionaria, entidad=medellin, rol=Rol.EQUIPO_DEPARTAMENTAL)
    dnp = factories.persona(factories.dnp(), Rol.ADMIN_DNP)

    with django_assert_num_queries(1):
        assert list(usuarios_con_rol(medellin, [Rol.FUNCIONARIO_ET, Rol.EQUIPO_DEPARTAMENTAL])) == [funcionaria]
    assert list(usuarios_con_rol(medellin.pk, Rol.FUNCIONARIO_ET)) == [funcionaria]
    assert list(usuarios_con_rol(medellin, Rol.OFERENTE)) == []
    assert set(usuarios_con_rol([medellin.pk, entidad_oferente.pk], {Rol.FUNCIONARIO_ET, Rol.OFERENTE})) == {
        funcionaria, oferente}
    assert list(usuarios_con_rol(None, Rol.ADMIN_DNP)) == [dnp]
