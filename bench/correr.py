"""Corre todos los benchmarks de esta carpeta, uno tras otro."""

import subprocess
import sys
from pathlib import Path

aqui = Path(__file__).resolve().parent
fallos = 0
for script in sorted(aqui.glob("*.py")):
    if script.name in {"correr.py", "comun.py"}:
        continue
    print(f"== {script.name}", flush=True)
    fallos += subprocess.call([sys.executable, str(script)]) != 0
sys.exit(1 if fallos else 0)
