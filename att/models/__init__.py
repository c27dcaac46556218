from .catalogos import (
    Canal, Capacidad, Catalogo, DescriptorTematico, Estructura, EtapaCiclo, Modalidad,
    NivelCapacidad, Tema, TipoCapacidad, TipoDescriptor,
)
from .entidades import Entidad, TipoEntidad
from .notificaciones import CategoriaAlerta, FrecuenciaAlerta, Notificacion, PreferenciaAlerta
from .operacion import EstadoSalida, Salida, SolicitudIdempotente
from .seguridad import EventoSeguridad, TipoEventoSeguridad
from .territorio import CategoriaLey617, Departamento, GrupoMDM, Municipio, PuntajeMDM, Region
from .tokens import TokenIntegracion
from .usuarios import Membresia, Rol, Usuario

__all__ = [
    "Canal", "Capacidad", "Catalogo", "CategoriaAlerta", "FrecuenciaAlerta", "PreferenciaAlerta", "CategoriaLey617", "Departamento", "DescriptorTematico",
    "Entidad", "EstadoSalida", "EventoSeguridad", "Estructura", "EtapaCiclo", "GrupoMDM", "Membresia", "Modalidad", "Municipio", "Notificacion",
    "NivelCapacidad", "PuntajeMDM", "Region", "Rol", "Salida", "SolicitudIdempotente", "Tema", "TipoCapacidad", "TipoDescriptor",
    "TipoEntidad", "TipoEventoSeguridad", "TokenIntegracion", "Usuario",
]
