"""Reading a build: every relation is named by its layer and name, and the reader
says what SQL calls it there. No caller writes a schema name into SQL, and no
reader rewrites SQL text.

The layers are the project's schema suffixes (`raw`, `seeds`, `staging`, `sop`,
`invoicing`, `history`, ...). DuckDB's build calls `("sop", "sop_violations")`
`juvonno_sop.sop_violations`; a PostgreSQL build `"<prefix>_build_sop"."sop_violations"`;
a Spark build `` `<prefix>_r<run>_sop`.`sop_violations` ``.
"""

from __future__ import annotations

from typing import Any, Protocol

CANONICAL_PREFIX = "juvonno"  # profiles.yml's schema: the names docs and messages use


def canonical(layer: str, name: str) -> str:
    """The relation's name as people know it (`juvonno_sop.sop_violations`), for messages."""
    return f"{CANONICAL_PREFIX}_{layer}.{name}"


class BuildReader(Protocol):
    def query(self, sql: str) -> list[dict[str, Any]]:
        """Run a read query against the build (never while dbt holds a connection)."""

    def relation(self, layer: str, name: str) -> str:
        """The SQL name of relation `name` of `layer` in the build."""

    def relation_exists(self, layer: str, name: str) -> bool:
        """Whether the build has that table or view (a model that did not build has not)."""

    def columns(self, layer: str, name: str) -> list[str]:
        """Its column names in order ([] when it does not exist)."""
