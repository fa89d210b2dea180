"""Full-text search over groups and catalog entries, the same on SQLite and PostgreSQL.

Imports SQLAlchemy only. Text is normalized here, in Python, before either database sees
it: lower case, accents removed, every run of characters other than letters and digits
(punctuation, ``_``, ``/``, ``-``) a word break. Both backends then split plain words on
spaces, so a query finds the same rows on both. A query matches rows that contain every
one of its words, each as a word prefix ("kaf back" finds "Kafka Backbone").

SQLite answers through an FTS5 table per searched table (``groups_fts``,
``catalog_fts``), PostgreSQL through a GIN index on ``to_tsvector('simple',
search_text)``; both are created by the migration. On PostgreSQL the shape of the
clause depends on how common the words are (``DENSE_MATCHES``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Integer, column, func, literal_column, select, table
from sqlalchemy.orm import InstrumentedAttribute, Session

__all__ = ["DENSE_MATCHES", "match_clause", "normalize", "search_text", "words"]

#: PostgreSQL plans a search by the GIN index's fixed guess of how many rows match
#: (1,000), and so a page of results by name often as a walk over the rows in name order
#: that tests each row: quick when matches are dense, a walk over every row (270 ms on
#: 50,000 entries) when a word is rare or absent. So ``match_clause`` first counts the
#: matches through the index, up to this many: a query with no more is answered from the
#: set of its matches (a materialized CTE), which costs in proportion to their number; a
#: more common one is left to the planner as before.
DENSE_MATCHES = 5000

_WORD = re.compile(r"[^\W_]+")


def normalize(text: str) -> str:
    """``text`` as searchable words: lower case, no accents, single spaces."""
    text = text.lower()
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_WORD.findall(text))


def search_text(parts: Iterable[str | None]) -> str:
    """The ``search_text`` of a row: its searchable fields, normalized, in one string."""
    return normalize(" ".join(part for part in parts if part))


def words(query: str) -> list[str]:
    """The words of a query, normalized like the stored text."""
    return normalize(query).split()


def match_clause(
    session: Session,
    table_name: str,
    row_id: InstrumentedAttribute[int],
    text_column: InstrumentedAttribute[str],
    query_words: list[str],
) -> ColumnElement[bool]:
    """A WHERE clause: the row of ``table_name`` contains every word of ``query_words`` as a prefix.

    ``row_id`` is the table's integer key (SQLite's FTS5 table is keyed by it) and
    ``text_column`` its ``search_text``. On PostgreSQL this first counts the matches, up
    to ``DENSE_MATCHES`` (see there): one query through the index.
    """
    if not query_words:
        raise ValueError("an empty query matches nothing; check words(query) first")
    if session.get_bind().dialect.name == "sqlite":
        fts = table(_FTS[table_name], column("rowid", Integer()))
        expression = " ".join(f'"{word}"*' for word in query_words)
        matching = select(fts.c.rowid).where(literal_column(fts.name).op("MATCH")(expression))
        return row_id.in_(matching)
    tsquery = " & ".join(f"{word}:*" for word in query_words)
    # The expression must be the indexed one, word for word, for PostgreSQL to use the index.
    vector = func.to_tsvector(literal_column("'simple'::regconfig"), text_column)
    matches = vector.op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), tsquery))
    probe = select(row_id).where(matches).limit(DENSE_MATCHES + 1).subquery()
    if session.execute(select(func.count()).select_from(probe)).scalar_one() > DENSE_MATCHES:
        return matches
    found = select(row_id).where(matches).cte(f"{table_name}_matches").prefix_with("MATERIALIZED")
    return row_id.in_(select(found.c[row_id.key]))


_FTS = {"groups": "groups_fts", "catalog_entries": "catalog_fts"}
