"""Importación de líneas a un plan de trabajo: solo el mapeo de columnas; la validación es la del
servicio (`services._validar_linea` + `full_clean`) y la escritura, `services.linea_guardar`. Con
`id` se actualiza la línea del mismo plan (exportar → editar → volver a importar no duplica)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from agenda import services
from agenda.models import LineaPlan, PlanDeTrabajo
from agenda.rules import ESTADOS_EDITABLES
from att import importacion as imp
from att.lugares import LugarNoResuelto, Nomenclator
from att.models import Entidad, EtapaCiclo, TipoEntidad, Usuario
from oferta.models import Oferta

COLUMNAS = {
    "id": ("id linea", "línea"),
    "oferta": ("id oferta", "oferta id"),
    "objetivo": ("objetivo de la linea",),
    "territorios": ("territorio", "entidades", "municipios", "focalizacion", "focalización"),
    "etapa": ("etapa del ciclo",),
    "secuencia": ("orden",),
    "fecha_inicio": ("inicio", "fecha de inicio", "desde"),
    "fecha_fin": ("fin", "fecha de fin", "hasta"),
    "responsable": ("correo del responsable", "responsable correo"),
    "inversion": ("inversión", "inversion cop", "valor"),
    "fuente_financiacion": ("fuente de financiación", "fuente"),
    "indicador": (),
    "meta": ("meta de la vigencia",),
    "unidad_meta": ("unidad", "unidad de la meta"),
}
TEXTOS = ("objetivo", "fuente_financiacion", "indicador", "unidad_meta")


class ImportadorLineas(imp.Importador):
    tipo = "lineas"
    titulo = _("Importar líneas del plan")
    columnas = COLUMNAS
    obligatorias = ("oferta", "objetivo", "territorios", "etapa", "fecha_inicio", "fecha_fin")
    solo_lectura = ("oferta_nombre", "territorios_nombres", "etapa_nombre")  # de la exportación: se ignoran

    @property
    def plan(self) -> PlanDeTrabajo:
        if not hasattr(self, "_plan"):
            self._plan = PlanDeTrabajo.objects.select_related("entidad").get(pk=self.ambito)
        return self._plan

    def permitir(self):
        if self.plan.estado not in ESTADOS_EDITABLES or not self.por.has_perm("agenda.editar_plan", self.plan):
            raise PermissionDenied(_("Solo se importan líneas a un plan propio en borrador o devuelto."))

    def preparar(self):
        self.lugares = Nomenclator.cargar()
        self.etapas = imp.Catalogo.de_modelo(_("etapas del ciclo"), EtapaCiclo)
        territoriales = Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True)
        self.alcaldias = {e.municipio_id: e for e in territoriales if e.tipo == TipoEntidad.ALCALDIA}
        self.gobernaciones = {e.departamento_id: e for e in territoriales if e.tipo == TipoEntidad.GOBERNACION}
        self.lineas = {linea.pk: linea for linea in LineaPlan.objects.filter(plan=self.plan)}

    def _territorios(self, valor):
        entidades, faltan = [], []
        for parte in [p.strip() for p in imp.texto(valor).replace(",", ";").split(";") if p.strip()]:
            try:
                if parte.isdigit() and len(parte) <= 2:
                    entidad = self.gobernaciones.get(parte.zfill(2))
                else:
                    entidad = self.alcaldias.get(self.lugares.municipio(parte))
            except LugarNoResuelto as e:
                raise imp.ErrorFila(e.mensaje, columna="territorios", sugerencia=e.sugerencia,
                                    candidatos=e.candidatos) from None
            if entidad is None:
                faltan.append(parte)
            else:
                entidades.append(entidad)
        if faltan:
            raise imp.ErrorFila(_("No hay gobernación o alcaldía con código %(c)s.") % {"c": ", ".join(faltan)},
                                columna="territorios")
        return list(dict.fromkeys(entidades))

    def validar(self, fila, numero):
        errores = []

        def campo(nombre, funcion):
            try:
                return funcion()
            except imp.ErrorFila as e:
                e.columna = e.columna or nombre
                errores.append(e)
                return None

        linea = None
        identificador = campo("id", lambda: imp.numero(fila.get("id"), entero=True))
        if identificador is not None:
            linea = self.lineas.get(identificador)
            if linea is None:
                errores.append(imp.ErrorFila(_("No hay una línea %(id)s en este plan.") % {"id": identificador},
                                             columna="id"))
        oferta_id = campo("oferta", lambda: imp.numero(fila.get("oferta"), entero=True))
        oferta = Oferta.objects.filter(pk=oferta_id).first() if oferta_id else None
        if oferta_id and oferta is None:
            errores.append(imp.ErrorFila(_("No existe la oferta «%(v)s».") % {"v": oferta_id}, columna="oferta"))
        datos = {
            "oferta": oferta,
            "territorios": campo("territorios", lambda: self._territorios(fila.get("territorios"))),
            "etapa": campo("etapa", lambda: self.etapas.resolver(fila.get("etapa"))),
            "fecha_inicio": campo("fecha_inicio", lambda: imp.fecha(fila.get("fecha_inicio"))),
            "fecha_fin": campo("fecha_fin", lambda: imp.fecha(fila.get("fecha_fin"))),
            "inversion": campo("inversion", lambda: imp.numero(fila.get("inversion"))) or 0,
            "meta": campo("meta", lambda: imp.numero(fila.get("meta"))),
            "secuencia": campo("secuencia", lambda: imp.numero(fila.get("secuencia"), entero=True)) or 1,
            **{t: imp.texto(fila.get(t)) for t in TEXTOS if t in fila},
        }
        correo = imp.texto(fila.get("responsable"))
        if correo:
            datos["responsable"] = Usuario.objects.filter(email__iexact=correo).first()
            if datos["responsable"] is None:
                errores.append(imp.ErrorFila(_("No existe una persona con el correo «%(v)s».") % {"v": correo},
                                             columna="responsable"))
        if errores:
            raise imp.ErroresFila(errores)
        services._validar_linea(self.plan, {k: v for k, v in datos.items() if v is not None})
        prueba = LineaPlan(plan=self.plan)
        for nombre, valor in datos.items():
            if nombre not in services.M2M_LINEA:
                setattr(prueba, nombre, valor)
        try:
            prueba.full_clean(exclude=["plan"])
        except ValidationError as e:
            mensajes = e.message_dict
            if "fecha_fin" in mensajes or "inversion" in mensajes:
                mensajes.pop("__all__", None)
            raise ValidationError(mensajes) from None
        return linea, datos

    def escribir(self, validos, importacion=None):
        for linea, datos in validos:
            services.linea_guardar(plan=self.plan, por=self.por, linea=linea, **datos)
        return len(validos)

    def url_destino(self, importacion):
        return f"/agenda/planes/{importacion.ambito}/"
