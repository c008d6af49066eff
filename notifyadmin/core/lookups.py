"""`field__any_of=[...]`: membership in a long list as one array parameter.

`__in` with thousands of values writes one placeholder per value, and building, splitting and
adapting that query costs the dispatcher more than running it. On PostgreSQL `any_of` sends
`= ANY(%s::<type>[])` with the list as a single array; elsewhere it is `__in`. Registered on
every field by CoreConfig.ready."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


def pg_array_literal(values: Iterable[object]) -> str:
    """A PostgreSQL array literal of the values' text (`{"a","b"}`), to send as one text
    parameter and cast in SQL (`%s::uuid[]`). Adapting a Python list element by element costs
    milliseconds per thousand values; this costs a join. Every element is quoted and escaped,
    so any text is safe."""
    return "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor != "postgresql":
            sql, params = In(self.lhs, self.rhs).as_sql(compiler, connection)
            return sql, list(params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        db_type = field.db_type(connection)
        if db_type == "uuid":
            # Sent as one array literal and cast by the database: nothing adapted per value here.
            return f"{lhs} = ANY(%s::uuid[])", [*lhs_params, pg_array_literal(self.rhs)]
        values = [field.get_db_prep_value(value, connection) for value in self.rhs]
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, values]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # related fields keep lookups of their own
