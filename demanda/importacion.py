"""Importación de demandas: solo el mapeo de columnas. Lectura, errores por fila, ensayo,
confirmación y segundo plano están en `att.importacion`; la validación de cada demanda es la del
servicio (`services.demanda_validar`, la misma del formulario)."""

from __future__ import annotations

from typing import ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from att import importacion as imp
from att import permisos
from att.lugares import LugarNoResuelto, Nomenclator
from att.models import Canal, Capacidad, Entidad, EtapaCiclo, Modalidad, Tema, TipoEntidad
from demanda import services
from demanda.models import Demanda, EstadoDemanda, EventoDemanda, FuenteNecesidad

COLUMNAS = {
    "id": ("id demanda", "número de la demanda"),
    "entidad": ("municipio", "entidad territorial", "codigo divipola", "código DIVIPOLA", "divipola", "codigo",
                "alcaldia", "gobernacion", "et"),
    "departamento": ("depto", "dpto", "codigo departamento"),
    "titulo": ("título", "necesidad", "titulo de la necesidad", "nombre"),
    "descripcion": ("descripción", "detalle", "descripcion de la necesidad"),
    "temas": ("tema", "temas de la necesidad"),
    "capacidad": ("capacidades", "capacidad a fortalecer"),
    "etapa": ("etapas", "etapa del ciclo", "etapa del ciclo de gestion", "etapa del ciclo de gestión"),
    "fecha_deseada": ("fecha", "fecha deseada", "fecha limite"),
    "modalidad": ("modalidades", "modalidad preferida"),
    "canal": ("canales", "canal preferido"),
    "fuente": ("origen", "origen de la necesidad", "fuente de la necesidad"),
}
ETIQUETAS = {
    "id": "id", "entidad": _("entidad"), "titulo": _("título"), "descripcion": _("descripción"), "temas": _("temas"),
    "capacidad": _("capacidad"), "etapa": _("etapa"), "fecha_deseada": _("fecha deseada"),
    "modalidad": _("modalidad"), "canal": _("canal"), "fuente": _("origen de la necesidad"),
}


class ImportadorDemandas(imp.Importador):
    tipo = "demandas"
    titulo = _("Importar demandas")
    columnas = COLUMNAS
    obligatorias = ("entidad", "titulo", "descripcion", "temas")
    etiquetas = ETIQUETAS
    solo_lectura = ("entidad_nombre", "temas_nombres", "capacidad_nombre", "etapa_nombre", "modalidad_nombre",
                    "canal_nombre", "fuente_nombre", "estado", "estado_nombre", "creada")

    def permitir(self):
        services.exigir_importar(self.por)

    def preparar(self):
        self.lugares = Nomenclator.cargar()
        self.temas = imp.Catalogo.de_modelo(_("temas"), Tema)
        self.capacidades = imp.Catalogo.de_modelo(_("capacidades"), Capacidad)
        self.etapas = imp.Catalogo.de_modelo(_("etapas del ciclo"), EtapaCiclo)
        self.modalidades = imp.Catalogo.de_modelo(_("modalidades"), Modalidad)
        self.canales = imp.Catalogo.de_modelo(_("canales"), Canal)
        self.fuentes = imp.Catalogo.de_opciones(_("orígenes de la necesidad"), FuenteNecesidad)
        territoriales = list(Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True)
                             .select_related("municipio__departamento", "departamento"))
        self.alcaldias = {e.municipio_id: e for e in territoriales if e.tipo == TipoEntidad.ALCALDIA}
        self.gobernaciones = {e.departamento_id: e for e in territoriales if e.tipo == TipoEntidad.GOBERNACION}
        self.por_nombre = {imp._clave(e.nombre): e for e in territoriales}
        self.permitidas: dict[int, bool] = {}
        self.es_dnp = permisos.es_admin_dnp(self.por)
        self.hoy = timezone.localdate()
        self.fuente_defecto = self.opciones.get("fuente") or ""
        self.canal_defecto = self.canales.buscar(self.opciones["canal"]) if self.opciones.get("canal") else None

    def _entidad(self, fila):
        valor, depto = imp.texto(fila.get("entidad")), imp.texto(fila.get("departamento"))
        if not valor and not depto:
            raise imp.ErrorFila(_("Falta la entidad (municipio o código DIVIPOLA)."), columna=ETIQUETAS["entidad"])
        valor = valor.removesuffix(".0")
        try:
            if not valor:  # solo el departamento: la gobernación
                return self.gobernaciones[self.lugares.departamento(depto)]
            if valor.isdigit() and len(valor) <= 2:
                return self.gobernaciones[self.lugares.departamento(valor)]
            if not depto and imp._clave(valor) in self.por_nombre:  # «Alcaldía de Medellín»
                return self.por_nombre[imp._clave(valor)]
            return self.alcaldias[self.lugares.municipio(valor, depto)]
        except LugarNoResuelto as e:
            raise imp.ErrorFila(e.mensaje, columna=ETIQUETAS["entidad"], sugerencia=e.sugerencia,
                                candidatos=e.candidatos) from None
        except KeyError:
            raise imp.ErrorFila(_("No hay una entidad territorial activa para «%(v)s».") % {"v": valor or depto},
                                columna=ETIQUETAS["entidad"]) from None

    def validar(self, fila, numero):
        errores = []

        def campo(nombre, funcion):
            try:
                return funcion()
            except imp.ErrorFila as e:
                e.columna = e.columna or ETIQUETAS[nombre]
                errores.append(e)
                return None

        entidad = campo("entidad", lambda: self._entidad(fila))
        temas = campo("temas", lambda: self.temas.varios(fila.get("temas")))
        capacidad = campo("capacidad", lambda: self.capacidades.resolver(fila["capacidad"]) if imp.texto(fila.get("capacidad")) else None)
        etapa = campo("etapa", lambda: self.etapas.resolver(fila["etapa"]) if imp.texto(fila.get("etapa")) else None)
        fecha = campo("fecha_deseada", lambda: imp.fecha(fila.get("fecha_deseada")))
        canal = campo("canal", lambda: self.canales.resolver(fila["canal"]) if imp.texto(fila.get("canal")) else None)
        modalidad = None
        if imp.texto(fila.get("modalidad")):
            resuelto = campo("modalidad", lambda: imp.con_vecino(fila["modalidad"], self.modalidades, self.canales))
            if resuelto:
                modalidad, canal_vecino, aviso = resuelto
                if canal_vecino is not None:
                    if canal is None:
                        canal = canal_vecino
                    self.aviso(numero, aviso)
        canal = canal or self.canal_defecto
        fuente = imp.texto(fila.get("fuente")) or self.fuente_defecto
        if not fuente:
            errores.append(imp.ErrorFila(_("Indique el origen de la necesidad (en la columna o para todo el archivo)."),
                                         columna=ETIQUETAS["fuente"]))
        else:
            fuente = campo("fuente", lambda: self.fuentes.resolver(fuente))
        if fecha and fecha < self.hoy:
            errores.append(imp.ErrorFila(services.MENSAJE_FECHA_PASADA, columna=ETIQUETAS["fecha_deseada"]))
        if entidad is not None:
            if entidad.pk not in self.permitidas:
                self.permitidas[entidad.pk] = services.puede_importar_para(self.por, entidad)
            if not self.permitidas[entidad.pk]:
                errores.append(imp.ErrorFila(_("No puede registrar demandas para %(e)s.") % {"e": entidad.nombre},
                                             columna=ETIQUETAS["entidad"]))
        existente = None
        identificador = campo("id", lambda: imp.numero(fila.get("id"), entero=True)) if imp.texto(fila.get("id")) else None
        if identificador is not None:
            existente = Demanda.objects.filter(pk=identificador).first()
            if existente is None or not services.puede_actualizar(self.por, existente):
                errores.append(imp.ErrorFila(_("No hay una demanda %(id)s que usted pueda cambiar.") % {"id": identificador},
                                             columna="id"))
            elif entidad is not None and existente.entidad_id != entidad.pk:
                errores.append(imp.ErrorFila(_("La entidad de una demanda no se cambia (la %(id)s es de %(e)s).")
                                             % {"id": identificador, "e": existente.entidad.nombre}, columna=ETIQUETAS["entidad"]))
        if errores:
            raise imp.ErroresFila(errores)
        demanda = services.demanda_validar(
            por=self.por, entidad=entidad, titulo=imp.texto(fila.get("titulo")),
            descripcion=imp.texto(fila.get("descripcion")), fuente=fuente, temas=temas, capacidad=capacidad,
            etapa=etapa, fecha_deseada=fecha, modalidad=modalidad, canal=canal, llaves_resueltas=True,
            permiso_verificado=True)
        if existente is not None:
            demanda.pk, demanda.id = existente.pk, existente.pk
            return existente, temas, {c: getattr(demanda, c) for c in services.CAMPOS_EDITABLES}
        return demanda, temas

    def escribir(self, validos, importacion=None):
        """Todas las demandas en lote, con su historial, sus temas y descriptores, su evento y el pedido
        de las alertas (una tarea para todas), en la transacción de la importación. Como toda escritura
        en bloque, aparecen en `actualizado_desde` pero no producen webhooks (README, «Webhooks»)."""
        from att.salida import encolar

        actualizar = [v for v in validos if len(v) == 3]
        validos = [v for v in validos if len(v) == 2]
        for existente, temas, campos in actualizar:  # exportada, editada y vuelta a importar: se actualiza
            services.demanda_actualizar(demanda=existente, por=self.por, temas=temas, **campos)
        demandas = [d for d, _t in validos]
        ahora = timezone.now()
        for d in demandas:
            d.creada = d.actualizada = ahora
        bulk_create_with_history(demandas, Demanda, batch_size=1000, default_user=self.por,
                                 default_change_reason="importación de archivo")
        por_tema = Demanda.temas.through
        por_descriptor = Demanda.descriptores.through
        enlaces_temas, enlaces_desc = [], []
        for demanda, temas in validos:
            for t in temas:
                enlaces_temas.append(por_tema(demanda_id=demanda.pk, tema_id=t.pk))
            for descriptor_id in dict.fromkeys(t.descriptor_id for t in temas if t.descriptor_id):
                enlaces_desc.append(por_descriptor(demanda_id=demanda.pk, descriptortematico_id=descriptor_id))
        por_tema.objects.bulk_create(enlaces_temas, batch_size=2000)
        por_descriptor.objects.bulk_create(enlaces_desc, batch_size=2000)
        from att import cifras

        cifras.invalidar("demanda")  # bulk_create no emite señales: las cifras de la portada (att/cifras.py)
        motivo = _("Registrada por importación de archivo.")
        if importacion is not None:
            motivo = _("Registrada por importación del archivo «%(a)s».") % {"a": importacion.nombre_archivo[:200]}
        EventoDemanda.objects.bulk_create([
            EventoDemanda(demanda_id=d.pk, de_estado="", a_estado=EstadoDemanda.REGISTRADA, por=self.por, motivo=motivo)
            for d in demandas], batch_size=2000)
        if demandas:
            encolar("demanda.alertar_importadas", [d.pk for d in demandas])
        return len(demandas) + len(actualizar)

    def url_destino(self, importacion):
        return "/demandas/"

    ejemplo: ClassVar[dict] = {
        "entidad": "Medellín", "departamento": "Antioquia", "titulo": "Formular el plan indicativo 2028",
        "descripcion": "El equipo de planeación necesita apoyo para definir metas medibles.",
        "temas": "Planeación", "etapa": "Planeación", "modalidad": "Asesoría", "canal": "Virtual",
        "fuente": "Diálogos regionales vinculantes",
    }

    def catalogos(self):
        def de(modelo):
            return [(o.codigo, o.nombre) for o in modelo.objects.filter(activo=True).order_by("nombre")]

        return {"temas": de(Tema), "capacidad": de(Capacidad), "etapa": de(EtapaCiclo), "modalidad": de(Modalidad),
                "canal": de(Canal), "fuente": list(FuenteNecesidad.choices)}


def describir_fila(demanda, temas, cambios=None) -> str:
    """Para el ensayo del comando: la entidad resuelta y los valores de catálogo."""
    entidad = demanda.entidad
    if entidad.municipio_id:
        lugar = f"{entidad.municipio_id} {entidad.municipio.nombre} ({entidad.municipio.departamento.nombre})"
    else:
        lugar = f"{entidad.departamento_id} {entidad.departamento.nombre}"
    partes = [lugar, "temas=" + ";".join(t.codigo for t in temas)]
    for nombre in ("capacidad", "etapa", "modalidad", "canal"):
        valor = getattr(demanda, nombre)
        if valor is not None:
            partes.append(f"{nombre}={valor.codigo}")
    partes.append(f"fuente={demanda.fuente}")
    if demanda.fecha_deseada:
        partes.append(f"fecha_deseada={demanda.fecha_deseada.isoformat()}")
    return " · ".join(partes)

