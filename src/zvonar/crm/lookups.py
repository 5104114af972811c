"""`ucontains`: case-insensitive substring search that folds Cyrillic on SQLite too.

SQLite's LIKE folds ASCII letters only, so "петров" would not find "Петров"; there the lookup
compares through a Python lower() registered on each connection. Elsewhere it is icontains
(on PostgreSQL served by the trigram indexes on UPPER(column))."""

from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField
from django.db.models.functions import Lower
from django.db.models.lookups import IContains


class UnicodeIContains(IContains):
    lookup_name = "ucontains"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        lhs_sql, params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        params = [*params, *rhs_params]
        return f"zvonar_lower({lhs_sql}) LIKE zvonar_lower({rhs_sql}) ESCAPE '\\'", params


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("zvonar_lower", 1, _lower, deterministic=True)


def register() -> None:
    CharField.register_lookup(UnicodeIContains)
    TextField.register_lookup(UnicodeIContains)
    connection_created.connect(register_sqlite_functions, dispatch_uid="zvonar_crm_lower")


class UnicodeLower(Lower):
    """LOWER() that folds Cyrillic on SQLite too."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="zvonar_lower", **extra_context)
