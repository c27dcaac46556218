import contextlib
import contextvars
import datetime

import simple_history
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, Group, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.consultas import ConsultaFija

from .avisos import QuerySetQueAvisa


class Rol(models.TextChoices):
    FUNCIONARIO_ET = "funcionario_et", _("Funcionario de entidad territorial")
    EQUIPO_DEPARTAMENTAL = "equipo_departamental", _("Equipo departamental de fortalecimiento")
    OFERENTE = "oferente", _("Oferente")
    ADMIN_DNP = "admin_dnp", _("Administrador DNP/DER")
    SEGUIMIENTO_DNP = "seguimiento_dnp", _("Equipo de seguimiento DNP")
    AUDITOR = "auditor", _("Auditor (control interno)")
    INTEGRADOR = "integrador", _("Integrador (cliente de la API)")


class UsuarioManager(BaseUserManager.from_queryset(QuerySetQueAvisa)):
    use_in_migrations = True

    def _crear(self, email, password, **extra):
        if not email:
            raise ValueError("El correo electrónico es obligatorio.")
        usuario = self.model(email=self.normalize_email(email).lower(), **extra)
        usuario.set_password(password)
        usuario.save(using=self._db)
        return usuario

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._crear(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._crear(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def get(self, *args, **kwargs):
        """`Usuario.objects.get(pk=<entero>)` con su SQL compilado una vez por proceso (`_POR_PK`): es la
        lectura de la persona de la sesión en cada petición (`ModelBackend.get_user`), y armar el SQL con
        el ORM costaba más que ejecutarlo. Cualquier otra forma (otros filtros, un pk que no es entero,
        otra base, un administrador de relación, que hereda de esta clase) es el `get` de siempre."""
        if type(self) is not UsuarioManager or args or self._db is not None or kwargs.keys() != {"pk"} \
                or type(kwargs["pk"]) is not int:
            return super().get(*args, **kwargs)
        from django.db import router

        alias = router.db_for_read(self.model)
        de_sesion = _CARGA_DE_SESION.get()
        if de_sesion:
            filas = _DE_SESION.filas(using=alias, pk=kwargs["pk"], fecha=timezone.localdate())
        else:
            filas = _POR_PK.filas(using=alias, pk=kwargs["pk"])
        if not filas:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        n = len(_CAMPOS_POR_PK)
        usuario = self.model.from_db(alias, _CAMPOS_POR_PK, filas[0][:n])
        if de_sesion:
            from att.permisos import Vinculo

            vinculos, alertas = filas[0][n:]
            usuario._att_vinculos = [Vinculo(*v) for v in vinculos or ()]
            usuario._att_alertas_sin_leer = alertas
        return usuario


class Usuario(AbstractBaseUser, PermissionsMixin):
    """Persona que usa la plataforma; entra con su correo."""

    email = models.EmailField(_("correo electrónico"), unique=True)
    nombre = models.CharField(_("nombre completo"), max_length=200)
    cargo = models.CharField(_("cargo"), max_length=150, blank=True)
    telefono = models.CharField(_("teléfono"), max_length=30, blank=True)
    is_active = models.BooleanField(_("activo"), default=True)
    is_staff = models.BooleanField(
        _("acceso al administrador"), default=False,
        help_text=_("Puede entrar al sitio de administración."),
    )
    recibe_resumen_diario = models.BooleanField(
        _("prefiere un resumen diario de alertas"), default=False,
        help_text=_("Si está marcado, las alertas llegan en un solo correo al día."),
    )
    fecha_registro = models.DateTimeField(_("fecha de registro"), default=timezone.now)
    clave_cambiada_en = models.DateTimeField(
        _("contraseña cambiada"), null=True, blank=True, editable=False,
        help_text=_("Cuándo se fijó la contraseña por última vez; el historial muestra quién la cambió."),
    )

    objects = UsuarioManager()
    # Sin la contraseña (ningún resumen de clave se copia al historial) ni el último ingreso (cambia
    # en cada sesión; no es un cambio que alguien haga sobre la cuenta).
    historial = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["nombre"]

    class Meta:
        ordering = ["nombre"]
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    def __str__(self):
        return self.nombre or self.email

    # Solo campos que no van al historial: guardar únicamente esto no deja una fila.
    _SIN_HUELLA = frozenset({"last_login", "password"})

    def save(self, *args, **kwargs):
        campos = kwargs.get("update_fields")
        if self._password is not None:
            # `set_password` acaba de fijar una clave nueva (el rehash al ingresar de Django borra
            # `_password` antes de guardar, así que no cuenta como cambio).
            self.clave_cambiada_en = timezone.now()
            if campos is not None:
                kwargs["update_fields"] = campos = {*campos, "clave_cambiada_en"}
        if campos is not None and set(campos) <= self._SIN_HUELLA:
            # El último ingreso y el rehash de la clave: técnicos, sin fila de historial.
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)

    def get_full_name(self):
        return self.nombre

    def get_short_name(self):
        return self.nombre.split(" ")[0] if self.nombre else self.email

    # Con un token de integración (`_att_token`, lo pone `att.api.autenticacion`) la identidad es
    # solo la entidad y el rol del token: no vale el atajo de superusuario de Django
    # (`PermissionsMixin.has_perm` devuelve True antes de preguntar), ni los permisos de modelo
    # de `ModelBackend` (que a un superusuario le da todos). Decide solo `rules` (`att.permisos`).
    #
    # Sin objeto, la respuesta se recuerda en la instancia (`_att_permisos`), como las membresías en que se
    # basa (`permisos.vinculos`, que `permisos.olvidar_vinculos` olvida junto con esto): una página con
    # sesión pregunta los mismos permisos varias veces (menús, plantillas, vistas) y cada pregunta pasaba
    # por los tres backends y las reglas. La clave lleva lo que cambia la respuesta fuera de las membresías.
    def has_perm(self, perm, obj=None):
        if obj is not None:
            return self._tiene_permiso(perm, obj)
        recordados = self.__dict__.get("_att_permisos")
        if recordados is None:
            recordados = self.__dict__["_att_permisos"] = {}
        clave = (perm, self.is_active, self.is_superuser, getattr(self, "_att_token", None))
        valor = recordados.get(clave)
        if valor is None:
            valor = recordados[clave] = self._tiene_permiso(perm, None)
        return valor

    def _tiene_permiso(self, perm, obj):
        if getattr(self, "_att_token", None) is None:
            return super().has_perm(perm, obj)
        import rules

        return self.is_active and rules.has_perm(perm, self, obj)

    def has_module_perms(self, app_label):
        if getattr(self, "_att_token", None) is None:
            return super().has_module_perms(app_label)
        import rules

        return self.is_active and rules.has_perm(app_label, self)

    def get_all_permissions(self, obj=None):
        # Los permisos de modelo de Django no viajan en un token (para un superusuario serían todos).
        if getattr(self, "_att_token", None) is not None:
            return set()
        return super().get_all_permissions(obj)


class MembresiaQuerySet(QuerySetQueAvisa):
    def vigentes(self, fecha=None):
        """Activas y sin fecha de fin pasada: solo estas dan acceso (`att.permisos`). El día `hasta`
        todavía cuenta; desde el día siguiente, la persona ya no actúa por esa entidad."""
        fecha = fecha or timezone.localdate()
        return self.filter(models.Q(hasta__isnull=True) | models.Q(hasta__gte=fecha), activa=True)


class Membresia(models.Model):
    """Pertenencia de una persona a una entidad con un rol: de ella sale lo que puede ver y hacer.
    Cuando la persona se va, la membresía recibe su fecha de fin (`hasta`): el acceso termina y sus
    registros quedan a su nombre."""

    usuario = models.ForeignKey(Usuario, on_delete=models.CASCADE, related_name="membresias")
    entidad = models.ForeignKey("att.Entidad", on_delete=models.CASCADE, related_name="membresias")
    rol = models.CharField(_("rol"), max_length=30, choices=Rol.choices)
    activa = models.BooleanField(_("activa"), default=True)
    desde = models.DateField(_("desde"), default=timezone.localdate)
    hasta = models.DateField(_("hasta"), null=True, blank=True)
    administra = models.BooleanField(
        _("administra la entidad"), default=False,
        help_text=_("Invita a otras personas a la entidad y termina sus membresías."),
    )
    historial = HistoricalRecords()

    objects = MembresiaQuerySet.as_manager()

    class Meta:
        verbose_name = _("membresía")
        verbose_name_plural = _("membresías")
        constraints = [
            models.UniqueConstraint(fields=["usuario", "entidad", "rol"], name="membresia_unica"),
            models.CheckConstraint(
                condition=models.Q(hasta__isnull=True) | models.Q(hasta__gte=models.F("desde")),
                name="membresia_fechas_ordenadas",
            ),
        ]
        indexes = [models.Index(fields=["entidad", "rol"])]

    def __str__(self):
        return f"{self.usuario} · {self.get_rol_display()} · {self.entidad}"


# Los grupos de Django llevan permisos de modelo: quién cambia sus permisos queda en el historial
# (la pertenencia de cada persona a un grupo, en el historial del usuario: m2m `groups`).
simple_history.register(Group, app="att", manager_name="historial", m2m_fields=["permissions"])


# La persona por su pk con todas sus columnas (ver `UsuarioManager.get`).
_CAMPOS_POR_PK = [f.attname for f in Usuario._meta.concrete_fields]
_POR_PK = ConsultaFija(lambda pk: Usuario.objects.all().order_by().filter(pk=pk).values_list(*_CAMPOS_POR_PK),
                       pk=-87_654_321)


def _armar_de_sesion(pk, fecha):
    """La persona con, en la misma fila, sus membresías vigentes en `fecha` (lo que `att.permisos.vinculos`
    lee: entidad, tipo, departamento, rol y nombre, por pk de la membresía) y la cuenta de sus alertas sin
    leer (la insignia del encabezado, `att.selectors.alertas_sin_leer`)."""
    from django.contrib.postgres.aggregates import JSONBAgg
    from django.db.models import Count, F, Func, JSONField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from att.models.notificaciones import Notificacion

    vinculo = Func(F("entidad_id"), F("entidad__tipo"), F("entidad__departamento_id"), F("rol"),
                   F("entidad__nombre"), function="jsonb_build_array", output_field=JSONField())
    vinculos = (Membresia.objects.vigentes(fecha).filter(usuario_id=OuterRef("pk")).order_by().values("usuario_id")
                .annotate(att_v=JSONBAgg(vinculo, order_by="pk")).values("att_v"))
    alertas = (Notificacion.objects.filter(usuario_id=OuterRef("pk"), leida_en__isnull=True).order_by()
               .values("usuario_id").annotate(att_n=Count("pk")).values("att_n"))
    return (Usuario.objects.all().order_by().filter(pk=pk)
            .annotate(att_vinculos=Subquery(vinculos, output_field=JSONField()), att_alertas=Coalesce(Subquery(alertas), 0))
            .values_list(*_CAMPOS_POR_PK, "att_vinculos", "att_alertas"))


# La persona de la sesión (ver `cargando_de_sesion`): una consulta en vez de tres en cada página con sesión.
_DE_SESION = ConsultaFija(_armar_de_sesion, pk=-87_654_322, fecha=datetime.date(1901, 2, 4))
_CARGA_DE_SESION = contextvars.ContextVar("att_carga_de_sesion", default=False)


@contextlib.contextmanager
def cargando_de_sesion():
    """Mientras dura, `Usuario.objects.get(pk=<entero>)` (lo que llama `ModelBackend.get_user` al leer la
    persona de la sesión) trae en la misma consulta sus membresías vigentes de hoy y sus alertas sin leer, y
    las deja en la instancia (`_att_vinculos`, `_att_alertas_sin_leer`), como si se hubieran leído al
    empezar la solicitud. Eran tres consultas por página con sesión: con una, el tablero del DNP a escala
    1000 pasó de ~650 a ~790 solicitudes por segundo a 8 conexiones (2,9 → 2,4 ms de CPU de la máquina por
    solicitud; la cuenta de alertas, sin preparar, costaba 0,14 ms de PostgreSQL). Solo para la sesión: en
    otro código, leer la persona no fija sus membresías (una prueba o un servicio que las cambia después de
    leerla las vería viejas)."""
    marca = _CARGA_DE_SESION.set(True)
    try:
        yield
    finally:
        _CARGA_DE_SESION.reset(marca)
