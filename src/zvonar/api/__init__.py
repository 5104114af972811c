"""The REST API; every viewset reads through its app's permission filter."""
