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
CMD ["gunicorn", "att.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "30", "--graceful-timeout", "25", "--limit-request-line", "8190", \
     "--limit-request-fields", "100", "--limit-request-field_size", "8190", "--access-logfile", "-"]
