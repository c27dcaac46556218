"""Motor de base de datos de la plataforma: el de PostgreSQL de Django (ver `base.py`)."""
