from .cambios import Eliminacion, EntregaWebhook, EstadoEntrega, SuscripcionWebhook
from .capacidades import (
    DiagnosticoCapacidad,
    EgresoCapacidad,
    FuenteDiagnostico,
    MotivoEgreso,
    PeriodoGobierno,
    ValoracionCapacidad,
)
from .catalogos import (
    Canal,
    Capacidad,
    Catalogo,
    DescriptorTematico,
    Estructura,
    EtapaCiclo,
    Modalidad,
    NivelCapacidad,
    Tema,
    TipoCapacidad,
    TipoDescriptor,
)
from .conversaciones import AdjuntoMensaje, Mensaje
from .cuentas import (
    EstadoSolicitudCuenta,
    EstadoSolicitudDatos,
    Invitacion,
    SolicitudCuenta,
    SolicitudDatosPersonales,
    TipoSolicitudDatos,
)
from .empalme import EstadoEmpalme, InformeEmpalme
from .entidades import Dependencia, Entidad, TipoEntidad
from .formularios import AdjuntoPendiente, Borrador
from .importaciones import EstadoImportacionArchivo, Importacion
from .notificaciones import CategoriaAlerta, FrecuenciaAlerta, Notificacion, PreferenciaAlerta
from .operacion import (
    ArchivoExportado,
    EstadoExportacion,
    EstadoSalida,
    Salida,
    SolicitudIdempotente,
)
from .seguridad import EventoSeguridad, TipoEventoSeguridad
from .territorio import CategoriaLey617, Departamento, GrupoMDM, Municipio, PuntajeMDM, Region
from .tokens import TokenIntegracion
from .usuarios import Membresia, Rol, Usuario

__all__ = [
    "AdjuntoMensaje",
    "AdjuntoPendiente",
    "ArchivoExportado",
    "Borrador",
    "Canal",
    "Capacidad",
    "Catalogo",
    "CategoriaAlerta",
    "CategoriaLey617",
    "Departamento",
    "Dependencia",
    "DescriptorTematico",
    "DiagnosticoCapacidad",
    "EgresoCapacidad",
    "Eliminacion",
    "Entidad",
    "EntregaWebhook",
    "EstadoEmpalme",
    "EstadoEntrega",
    "EstadoExportacion",
    "EstadoImportacionArchivo",
    "EstadoSalida",
    "EstadoSolicitudCuenta",
    "EstadoSolicitudDatos",
    "Estructura",
    "EtapaCiclo",
    "EventoSeguridad",
    "FrecuenciaAlerta",
    "FuenteDiagnostico",
    "GrupoMDM",
    "Importacion",
    "InformeEmpalme",
    "Invitacion",
    "Membresia",
    "Mensaje",
    "Modalidad",
    "MotivoEgreso",
    "Municipio",
    "NivelCapacidad",
    "Notificacion",
    "PeriodoGobierno",
    "PreferenciaAlerta",
    "PuntajeMDM",
    "Region",
    "Rol",
    "Salida",
    "SolicitudCuenta",
    "SolicitudDatosPersonales",
    "SolicitudIdempotente",
    "SuscripcionWebhook",
    "Tema",
    "TipoCapacidad",
    "TipoDescriptor",
    "TipoEntidad",
    "TipoEventoSeguridad",
    "TipoSolicitudDatos",
    "TokenIntegracion",
    "Usuario",
    "ValoracionCapacidad",
]
