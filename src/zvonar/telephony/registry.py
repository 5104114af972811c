"""Backends by name or dotted path, chosen in settings like Channels layers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from zvonar.telephony.base import TelephonyBackend

BACKENDS = {"sim": "zvonar.telephony.sim.SimBackend"}


def get_backend(name: str | None = None, config: dict[str, Any] | None = None) -> TelephonyBackend:
    """A new backend instance: settings.ZVONAR_TELEPHONY_BACKEND unless a name is given."""
    name = name or settings.ZVONAR_TELEPHONY_BACKEND
    backend_class = import_string(BACKENDS.get(name, name))
    options = dict(getattr(settings, "ZVONAR_TELEPHONY_CONFIG", {}))
    options.update(config or {})
    return backend_class(options)
