"""Sección «Memoria y conocimiento» del perfil de una entidad territorial: las buenas prácticas,
experiencias y lecciones que la entidad dejó, la formación que recibió su gente y sus funcionarios, actuales
y anteriores. Era la página `/conocimiento/memoria/<id>/`, que ahora redirige aquí; las demás partes de la
memoria (demandas, planes, compromisos, asistencia recibida) las aportan sus apps con sus propias secciones.
Privada (`conocimiento.ver_memoria`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import perfil
from conocimiento import selectors


def _practicas(entidad):
    return perfil.con_autor_activo(selectors.practicas_de(entidad), "propuesto_por", entidad)


def _formacion(entidad):
    return perfil.con_autor_activo(selectors.formacion_de(entidad), "usuario", entidad)


def _fila_practica(r, *, enlace=True):
    titulo = perfil.Enlace(r.titulo, reverse("conocimiento:recurso", args=[r.pk])) if enlace else r.titulo
    return [titulo, r.get_tipo_display(), r.publicado_en, perfil.autor(r, "propuesto_por")]


def _fila_formacion(i):
    return [i.sesion.curso.nombre, i.sesion.inicio, perfil.autor(i, "usuario"), _("Sí") if i.asistio else _("No")]


ENC_PRACTICAS = (gettext_lazy("Título"), gettext_lazy("Tipo"), gettext_lazy("Publicada"), gettext_lazy("Propuesta por"))
ENC_FORMACION = (gettext_lazy("Curso"), gettext_lazy("Sesión"), gettext_lazy("Persona"), gettext_lazy("Asistió"))


def datos(entidad, usuario):
    if not usuario.has_perm("conocimiento.ver_memoria", entidad):
        return None
    return {
        "texto": _("Toda la asistencia técnica de la entidad queda aquí, aunque cambien sus funcionarios o su "
                   "gobierno. Lo que registraron personas que ya no están en la entidad se conserva y se marca."),
        "tablas": [
            perfil.tabla(_("Buenas prácticas, experiencias y lecciones"), ENC_PRACTICAS, _practicas(entidad),
                         _fila_practica),
            perfil.tabla(_("Formación recibida"), ENC_FORMACION, _formacion(entidad), _fila_formacion),
            perfil.tabla(
                _("Funcionarios, actuales y anteriores"), [_("Persona"), _("Rol"), _("Desde"), _("Hasta")],
                selectors.funcionarios_entidad(entidad),
                lambda m: [str(m.usuario) if m.activa else _("%(p)s (ya no está en la entidad)") % {"p": m.usuario},
                           m.get_rol_display(), m.desde, m.hasta]),
        ],
    }


def empalme(entidad):
    return [
        perfil.tabla(_("Prácticas y lecciones"), ENC_PRACTICAS, _practicas(entidad),
                     lambda r: _fila_practica(r, enlace=False), limite=None).hoja(),
        perfil.tabla(_("Formación recibida"), ENC_FORMACION, _formacion(entidad), _fila_formacion, limite=None).hoja(),
    ]


def registrar_secciones() -> None:
    perfil.registrar(perfil.Seccion(
        clave="memoria", titulo=gettext_lazy("Memoria y conocimiento"), orden=70, plantilla="att/perfil/tablas.html",
        datos=datos, empalme=empalme,
        campos=("conocimiento.Recurso.entidad", "conocimiento.Recurso.estado", "conocimiento.Recurso.publicado_en",
                "conocimiento.Recurso.propuesto_por", "conocimiento.Inscripcion.asistio",
                "conocimiento.Inscripcion.sesion__curso__nombre", "att.Membresia.hasta"),
    ))
