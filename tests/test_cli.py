"""The `zvonar` console command wraps the management commands."""

import subprocess
import sys


def test_python_m_zvonar_lists_the_commands():
    """`python -m zvonar help` names run, demo and migrate."""
    result = subprocess.run(
        [sys.executable, "-m", "zvonar", "help"], capture_output=True, text=True, check=True
    )
    for command in ("run", "demo", "migrate", "createsuperuser"):
        assert command in result.stdout
