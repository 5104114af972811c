"""Settings, URL map and ASGI entry of the Zvonar site."""
