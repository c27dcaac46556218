FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
WORKDIR /app
# pg_dump y pg_restore para respaldar / restaurar (versión igual o mayor que la del servidor).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.8
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .
RUN DEBUG=0 SECRET_KEY=construccion ATT_URL_BASE=https://construccion.invalid DATABASE_URL=postgres://x@localhost/x python manage.py collectstatic --noinput
# Sin privilegios de root; el volumen de archivos cargados nace con este dueño.
RUN useradd --system --uid 10001 --home-dir /app att && mkdir -p /data/media && chown -R att /data/media /app/var
USER att
EXPOSE 8000
STOPSIGNAL SIGTERM
# gunicorn.conf.py (en /app, el directorio de trabajo) fija y explica cada valor: worker gthread (una
# descarga en flujo o un cliente lento ocupan un hilo, no el proceso), procesos = núcleos × 2 con 4
# hilos, timeout 30 / graceful-timeout 25 / keepalive 5, reciclaje tras 10.000 solicitudes con ±1.000
# al azar y los límites de la línea y las cabeceras. Todo se ajusta con WEB_CONCURRENCY,
# GUNICORN_THREADS, GUNICORN_TIMEOUT… sin reconstruir la imagen.
CMD ["gunicorn", "att.wsgi:application", "-c", "gunicorn.conf.py"]
