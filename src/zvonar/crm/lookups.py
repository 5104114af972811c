"""Lookups of the contact base: `ucontains` and `any_of`.

`ucontains` is a case-insensitive substring search that folds Cyrillic on SQLite too. SQLite's
LIKE folds ASCII letters only, so "петров" would not find "Петров"; there the lookup compares
through a Python lower() registered on each connection. Elsewhere it is icontains (on
PostgreSQL served by the trigram indexes on UPPER(column)).

`any_of` is `in` for long lists: on PostgreSQL one array parameter (`= ANY(%s)`) instead of one
placeholder per value, whose client-side rewriting cost the import more than the look-up."""

import re

from django.db.backends.signals import connection_created
from django.db.models import CharField, F, Field, Func, Lookup, TextField
from django.db.models.functions import Lower
from django.db.models.lookups import IContains, In


class UnicodeIContains(IContains):
    lookup_name = "ucontains"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        lhs_sql, params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        params = [*params, *rhs_params]
        return f"zvonar_lower({lhs_sql}) LIKE zvonar_lower({rhs_sql}) ESCAPE '\\'", params


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        values = list(self.rhs)
        if not values:
            return "FALSE", []
        lhs_sql, params = self.process_lhs(compiler, connection)
        if all(value.__class__ in (int, str) for value in values):
            literal = ",".join(map(str, values))
            if _PLAIN_ARRAY.fullmatch(literal):
                # Numbers and ids as one array literal: preparing and sending 5,000 values one
                # by one cost the import more than the look-up itself.
                cast = self.lhs.output_field.db_type(connection)
                return f"{lhs_sql} = ANY(%s::{cast}[])", [*params, "{" + literal + "}"]
        values = [self.lhs.output_field.get_db_prep_value(value, connection) for value in values]
        return f"{lhs_sql} = ANY(%s)", [*params, values]


# Digits, signs and commas only: no element needs quoting, none reads as NULL.
_PLAIN_ARRAY = re.compile(r"[0-9+,-]*")


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("zvonar_lower", 1, _lower, deterministic=True)


def register() -> None:
    CharField.register_lookup(UnicodeIContains)
    TextField.register_lookup(UnicodeIContains)
    Field.register_lookup(AnyOf)
    connection_created.connect(register_sqlite_functions, dispatch_uid="zvonar_crm_lower")


class UnicodeLower(Lower):
    """LOWER() that folds Cyrillic on SQLite too."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="zvonar_lower", **extra_context)


class ContactNameText(Func):
    """Last, first and middle name and company of a contact in one string, words apart.

    On PostgreSQL `ucontains` on it is served by one trigram index on exactly this expression
    (migration 0005): one index and one estimate for a name search instead of four ORed columns,
    whose misestimates made the planner scan the whole table. A search word has no spaces, so
    it cannot match across two fields."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = CharField()

    def __init__(self, prefix: str = "", **extra):
        names = ("last_name", "first_name", "middle_name", "company_name")
        super().__init__(*(F(prefix + name) for name in names), **extra)
