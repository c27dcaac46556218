"""Qué queda en el historial (django-simple-history) y qué no, en un solo lugar.

Regla: todo modelo que una persona crea o cambia (por un formulario, el admin, la API o un servicio
que actúa en su nombre) lleva `historial = HistoricalRecords()`. Los que no lo llevan están en
`SIN_HISTORIA` con la razón; `tests/att/test_auditoria.py` verifica que todo modelo con admin o con
`ModelForm` esté en uno de los dos lados.

Las escrituras en bloque (`QuerySet.update`, `bulk_create`, `bulk_update`) no pasan por `save()` y
no dejan fila de historial. Sobre un modelo con historial se usa `bulk_create_with_history` /
`bulk_update_with_history` (simple_history.utils, con `default_user` cuando se sabe quién) o
`save()` por objeto. Las que quedan están en `ESCRITURAS_EN_BLOQUE`, por (archivo, función), con la
razón; la prueba recorre el código (ast) y falla ante una escritura en bloque que no esté aquí.
"""

from __future__ import annotations

# «app.Modelo» -> por qué no lleva historial.
SIN_HISTORIA: dict[str, str] = {
    "pas.VersionReporte": "es la copia inmutable de cada envío de un reporte del PAS (quién, cuándo, qué); no se "
                          "cambia ni se borra",
    "pas.AlertaCorte": "constancia técnica de la alerta de plazo enviada (una por entidad y corte); la alerta está en "
                       "las notificaciones",
    "pas.InformeCorte": "archivo generado del consolidado de un corte; cada versión reemplaza la anterior y se "
                        "regenera desde los reportes, que tienen historial",
    # Registros que ya son la huella de un cambio (se agregan, nunca se editan).
    "oferta.TransicionOferta": "es el registro de cada cambio de estado de una oferta (quién, cuándo, motivo); "
                               "solo se agrega",
    "demanda.EventoDemanda": "es la bitácora de la demanda (quién hizo qué y cuándo); solo se agrega",
    "agenda.TransicionAgenda": "es el registro de cada cambio de estado de la agenda y de los planes; solo se "
                               "agrega",
    "agenda.VersionPlan": "es la copia congelada de un plan al enviarlo; solo se agrega",
    "agenda.RevisionPlan": "es la decisión de un revisor sobre una versión (quién, cuándo, qué decidió); solo se "
                           "agrega",
    "agenda.RevisionCompromiso": "es el registro de cada revisión de un compromiso; solo se agrega",
    "att.EventoSeguridad": "es el registro de seguridad (quién, IP, ruta, hora); solo se agrega y save() "
                           "rechaza modificar una fila ya guardada",
    "att.Mensaje": "mensaje de una conversación: solo se agrega (no hay edición ni borrado) y lleva su autor y "
                   "hora; aparece en la línea de tiempo del objeto",
    "att.AdjuntoMensaje": "archivo de un mensaje: se agrega con él y no se cambia",
    # Datos de trabajo privados de una persona, de vida corta (no son registros de la política).
    "att.AdjuntoPendiente": "archivo conservado tras un envío fallido: de su dueño, vence en 24 horas y la tarea "
                            "att.purgar_formularios lo borra; al adjuntarse, el registro definitivo tiene historial",
    "att.Borrador": "borrador de un formulario mientras la persona escribe: de su dueño, se borra al enviar; el "
                    "registro enviado tiene historial",
    # Calculados por el sistema o técnicos: nadie los edita.
    "otp_totp.TOTPDevice": "guarda el secreto del segundo factor: un historial lo copiaría a otra tabla; "
                           "los códigos fallidos quedan en el registro de seguridad (mfa_fallida)",
    "otp_static.StaticDevice": "contenedor de los códigos de respaldo del segundo factor; un historial los "
                               "copiaría",
    "att.Notificacion": "alerta que genera el sistema; la persona solo la marca leída (fecha técnica)",
    "att.ArchivoExportado": "archivo técnico de una exportación grande que genera una tarea (estado y archivo); "
    "no es un dato de negocio y se vuelve a pedir",
    "att.Salida": "bandeja de salida técnica (tareas y correos por enviar) que escribe el sistema; en el admin "
                  "es de solo lectura para el administrador DNP",
    "att.EntregaWebhook": "entrega de un webhook que escribe el sistema al cambiar un objeto (estado de sus "
                          "intentos); en el admin es de solo lectura",
    "att.Eliminacion": "lápida técnica de un objeto borrado (tipo e id) que escribe el sistema; el objeto "
                       "borrado ya tiene su fila de historial de eliminación",
    "att.SolicitudIdempotente": "respuesta guardada de una solicitud repetida (middleware de idempotencia); "
                                "técnica y de vida corta",
    "seguimiento.EstadoLinea": "semáforo calculado de cada línea (recalcular_linea); el admin no permite crearlo "
                               "ni cambiarlo, solo consultarlo",
    "seguimiento.EstadoLineaEntidad": "semáforo calculado de cada línea en cada entidad territorial "
                                      "(recalcular_linea); nadie lo edita",
    "seguimiento.ResumenTablero": "cifras precalculadas del tablero; se reconstruyen desde los datos",
    "att.InformeEmpalme": "archivo que genera el sistema (PDF y Excel) desde los datos ya auditados de la "
                          "entidad; guarda quién lo pidió y cuándo, y una versión nueva reemplaza la anterior",
    "seguimiento.InformeMensual": "archivo que genera el sistema (PDF y Excel) desde los datos ya auditados; en "
                                  "el admin sus campos son de solo lectura y «regenerar» solo lo vuelve a poner "
                                  "en cola",
    # Paquetes de terceros con admin.
    "axes.AccessAttempt": "registro de intentos de ingreso de django-axes; es de por sí una bitácora (admin de "
                          "solo lectura)",
    "axes.AccessFailureLog": "bitácora de ingresos fallidos de django-axes (admin de solo lectura)",
    "axes.AccessLog": "bitácora de ingresos de django-axes (admin de solo lectura)",
    "django_celery_beat.PeriodicTask": "programación de tareas de Celery; la fija el despliegue "
                                       "(CELERY_BEAT_SCHEDULE, que el beat copia a la base)",
    "django_celery_beat.CrontabSchedule": "horario de una tarea programada (ver PeriodicTask)",
    "django_celery_beat.IntervalSchedule": "intervalo de una tarea programada (ver PeriodicTask)",
    "django_celery_beat.ClockedSchedule": "hora única de una tarea programada (ver PeriodicTask)",
    "django_celery_beat.SolarSchedule": "horario solar de una tarea programada (ver PeriodicTask)",
}

_DEMO = "datos de demostración generados en masa por `generar_demo` (nadie los cambia; sin historial a propósito)"

# («archivo», «función») -> por qué esa escritura en bloque no necesita historial.
ESCRITURAS_EN_BLOQUE: dict[tuple[str, str], str] = {
    ("att/mfa.py", "_nuevos_codigos_respaldo"):
        "modelo sin historia: otp_static.StaticToken (códigos de respaldo; un historial los copiaría)",
    ("att/services.py", "adjuntos_marcar_usados"):
        "modelo sin historia: att.AdjuntoPendiente (marca técnica de «usado», de corta vida)",
    # El QuerySet de los modelos que deciden el acceso: solo llama al de Django y avisa; quien lo usa es quien
    # escribe en bloque, y esas llamadas las revisa esta misma lista en su archivo.
    ("att/models/avisos.py", "QuerySetQueAvisa.update"):
        "envoltorio de QuerySet.update: delega en Django y envía actualizado_en_bloque",
    ("att/models/avisos.py", "QuerySetQueAvisa.bulk_update"):
        "envoltorio de QuerySet.bulk_update: delega en Django y envía actualizado_en_bloque",
    # Campos técnicos de modelos con historial.
    ("att/api/autenticacion.py", "TokenIntegracionAuthentication.authenticate_credentials"):
        "último uso del token: fecha técnica, excluida del historial (excluded_fields)",
    ("seguimiento/services.py", "alertar_hitos_vencidos"):
        "marca técnica de «alerta enviada» en los hitos; la alerta queda en la bandeja de salida",
    ("agenda/services.py", "compromisos_alertar_vencidos"):
        "fecha técnica de «alerta de vencimiento enviada» en los compromisos",
    ("conocimiento/services.py", "respuesta_publicar"):
        "fecha técnica de la última actividad de la discusión (la respuesta nueva ya tiene su historial)",
    ("conocimiento/services.py", "vector_busqueda"):
        "vector de búsqueda calculado, excluido del historial (excluded_fields)",
    ("rutas/services.py", "paso_no_aplica"):
        "fecha técnica de modificación de la ruta (fuente de cambios de la API); el paso que no aplica ya "
        "tiene su fila de historial",
    ("rutas/services.py", "paso_aplica"):
        "fecha técnica de modificación de la ruta (fuente de cambios de la API); el borrado del paso queda "
        "en su historial",
    ("seguimiento/services.py", "recalcular_linea"):
        "avance consolidado de los hitos padre (de sus sub-hitos) y de los hitos hoja de una línea con varias "
        "entidades (promedio de su avance en cada una); el cambio que lo origina (el avance, el hito hijo o la "
        "entidad focalizada) ya tiene su fila de historial",
    ("att/cuentas.py", "usuario_anonimizar"):
        "supresión de datos personales (Ley 1581): borra el nombre y el correo de las filas anteriores del "
        "historial de la persona, de sus invitaciones y solicitudes; la anonimización misma queda en su historial",
    # Modelos sin historia (ver SIN_HISTORIA).
    ("att/services.py", "notificaciones_marcar_todas_leidas"): "modelo sin historia: att.Notificacion",
    ("att/notificaciones.py", "notificar"): "modelo sin historia: att.Notificacion",
    ("att/notificaciones.py", "_enviar_a"): "modelo sin historia: att.Notificacion",
    ("att/idempotencia.py", "_terminar"): "modelo sin historia: att.SolicitudIdempotente",
    ("att/salida.py", "ejecutar_en_proceso"): "modelo sin historia: att.Salida",
    ("att/exportacion.py", "generar"): "modelo sin historia: att.ArchivoExportado (estado de la tarea)",
    ("att/salida.py", "despachar"): "modelo sin historia: att.Salida",
    ("att/salida.py", "reintentar"): "modelo sin historia: att.Salida",
    ("demanda/services.py", "guardar_relevancia"):
        "relevancia de la mejor oferta del cruce: campo técnico derivado, excluido del historial (excluded_fields)",
    ("att/cambios.py", "entregar"): "modelo sin historia: att.EntregaWebhook (anota el resultado de su toma)",
    ("demanda/importacion.py", "ImportadorDemandas.escribir"):
        "modelos sin historia: las tablas intermedias de temas y descriptores de las demandas importadas (que se "
        "crean con su historial, bulk_create_with_history) y demanda.EventoDemanda (bitácora: solo se agrega)",
    ("oferta/importacion.py", "ImportadorOfertas.escribir"):
        "modelo sin historia: oferta.TransicionOferta (registro de la creación de cada oferta importada)",
    ("seguimiento/services.py", "_crear_estados"): "modelo sin historia: seguimiento.EstadoLinea",
    ("seguimiento/por_entidad.py", "guardar"): "modelo sin historia: seguimiento.EstadoLineaEntidad",
    ("att/empalme.py", "generar"): "modelo sin historia: att.InformeEmpalme",
    ("seguimiento/admin.py", "InformeAdmin.regenerar"): "modelo sin historia: seguimiento.InformeMensual",
    ("seguimiento/informes.py", "_generar_con_candado"): "modelo sin historia: seguimiento.InformeMensual",
    ("seguimiento/informes.py", "_generar_con_candado.avanzar"): "modelo sin historia: seguimiento.InformeMensual",
    ("seguimiento/informes.py", "marcar_fallido"): "modelo sin historia: seguimiento.InformeMensual",
    ("seguimiento/informes.py", "revisar_atascados"): "modelo sin historia: seguimiento.InformeMensual",
    # No son consultas: diccionarios con argumentos por nombre.
    ("att/models/usuarios.py", "UsuarioManager.create_superuser"): "no es una consulta: dict.update",
    ("att/settings.py", "<módulo>"): "no es una consulta: dict.update de la configuración",
    # Carga de la referencia oficial (comando de despliegue `cargar_referencia`, idempotente).
    ("att/referencia.py", "cargar_territorio"):
        "carga de DIVIPOLA (DANE) desde el archivo versionado en att/datos por el comando de despliegue; "
        "el origen es el archivo, no una persona (los cambios a mano van por el admin, con historial)",
    ("att/referencia.py", "cargar_entidades_nacionales"):
        "carga de las entidades nacionales desde att/datos por el comando de despliegue (ver cargar_territorio)",
    # Datos de demostración.
    ("att/demo.py", "_atributos_demo"): _DEMO,
    ("att/demo.py", "generar"): _DEMO,
    ("att/demo.py", "_administraciones"): _DEMO,
    ("att/demo.py", "_diagnosticos"): _DEMO,
    ("rutas/demo.py", "generar"): _DEMO,
    ("rutas/demo.py", "_egresos"): _DEMO,
    ("agenda/demo.py", "generar"): _DEMO,
    ("agenda/demo.py", "_concertados"): _DEMO,
    ("agenda/demo.py", "_gobernanza_y_territoriales"): _DEMO,
    ("seguimiento/demo.py", "_lineas_propias"): _DEMO,
    ("seguimiento/demo.py", "_indicadores"): _DEMO,
    ("seguimiento/demo.py", "generar"): _DEMO,
    ("seguimiento/demo.py", "_consentimientos"): _DEMO,
    ("conocimiento/demo.py", "generar"): _DEMO,
    ("pas/demo.py", "generar"): _DEMO,
    ("pas/demo.py", "_acciones_sinteticas"): _DEMO,
    # PAS.
    ("pas/services.py", "accion_indicador_crear"):
        "fecha técnica de modificación de la acción (fuente de cambios) al agregarle un indicador, que ya tiene "
        "su historial",
    ("pas/informes.py", "generar"): "modelo sin historia: pas.InformeCorte",
}
