"""ASGI entry: HTTP through Django, websockets through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zvonar.config.settings")

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from zvonar.config.routing import websocket_urlpatterns  # noqa: E402
from zvonar.server.bulkhead import Bulkhead  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": Bulkhead(django_application),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
