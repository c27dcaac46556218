# Plataforma ATT. `make run` deja todo listo y sirve en http://127.0.0.1:8000; `make test` corre las pruebas.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Desarrollo: DEBUG encendido (clave de desarrollo, sin HTTPS). La aplicación lo trae apagado si no se
# define; producción (docker-compose.yml) lo deja en 0 y exige SECRET_KEY.
export DEBUG ?= 1
ESCALA ?= 5

.PHONY: run setup venv test test-integracion test-e2e ci datos demo bench detener-db lint limpiar

$(VENV)/.instalado: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --locked --quiet
	touch $@

venv: $(VENV)/.instalado

setup: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py cargar_referencia
	$(PY) manage.py generar_demo --escala $(ESCALA)
	$(PY) manage.py recruzar_demandas

run: setup
	@echo "Plataforma ATT en http://127.0.0.1:8000 — usuarios de demostración en el README (clave demo-att-2026)."
	$(PY) manage.py runserver 127.0.0.1:8000

# En paralelo con pytest-xdist: un proceso por núcleo (hasta 4), cada uno con su propia base de pruebas
# (test_att_gw0, test_att_gw1…). `make test PRUEBAS_PROCESOS=0` las corre en un solo proceso.
PRUEBAS_PROCESOS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n > 4 ? 4 : n )))
test: venv
	$(PY) -m pytest -m "not integration and not e2e" -q -n $(PRUEBAS_PROCESOS)

# Contra el PostgreSQL de la máquina, con un Redis propio en otro puerto (las pruebas de fallas lo
# detienen de verdad) y un worker de Celery real.
REDIS_PRUEBAS_PUERTO ?= 6391
test-integracion: venv
	redis-cli -p $(REDIS_PRUEBAS_PUERTO) ping >/dev/null 2>&1 || redis-server --port $(REDIS_PRUEBAS_PUERTO) \
	  --bind 127.0.0.1 --daemonize yes --save "" --appendonly no --dir /tmp \
	  --pidfile /tmp/att-redis-$(REDIS_PRUEBAS_PUERTO).pid --logfile /tmp/att-redis-$(REDIS_PRUEBAS_PUERTO).log
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/att_ci} \
	ATT_REDIS_PRUEBAS_PUERTO=$(REDIS_PRUEBAS_PUERTO) \
	CELERY_BROKER_URL=redis://127.0.0.1:$(REDIS_PRUEBAS_PUERTO)/0 \
	CELERY_RESULT_BACKEND=redis://127.0.0.1:$(REDIS_PRUEBAS_PUERTO)/1 \
	CACHE_URL=rediscache://127.0.0.1:$(REDIS_PRUEBAS_PUERTO)/2 \
	EMAIL_URL=$${EMAIL_URL:-filemail:////tmp/att-correo-pruebas-$(REDIS_PRUEBAS_PUERTO)} \
	TEST_DATABASE_NAME=$${TEST_DATABASE_NAME:-test_att_integracion} \
	$(PY) -m pytest -m integration -q --create-db $(PRUEBAS)

# Navegador Chromium sin cabeza contra un servidor en vivo.
test-e2e: venv
	TEST_DATABASE_NAME=test_att_e2e $(PY) -m pytest -m e2e -q --create-db

ci: test test-integracion test-e2e

bench: venv
	$(PY) bench/correr.py

bench-http: venv
	$(PY) bench/arnes_http.py --rapido

# ruff en la versión fijada en uv.lock (RUF012 apagado en pyproject.toml) y las capas de .importlinter.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

detener-db: venv
	$(PY) -c "from pathlib import Path; from att.db import detener_embebida; detener_embebida(Path('var/pgdata'))"

limpiar: detener-db
	rm -rf var $(VENV)
