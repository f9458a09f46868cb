"""Which documents are parliamentary attention (Kamervragen) rather than research."""
from __future__ import annotations


def source_kind_sql(alias: str, parliamentary_doc_types: list[str]) -> str:
    """A SQL expression giving 'kamervragen' or 'research' for documents aliased ``alias``;
    bind ``parliamentary_doc_types`` as its parameters.  A document is a Kamervraag when its
    doc_type is one of those types or the kamervragen table links it as question or answer."""
    marks = ", ".join("?" for _ in parliamentary_doc_types) or "NULL"
    return (f"(CASE WHEN {alias}.doc_type IN ({marks}) OR EXISTS (SELECT 1 FROM kamervragen k "
            f"WHERE k.question_document_id = {alias}.id OR k.answer_document_id = {alias}.id) "
            "THEN 'kamervragen' ELSE 'research' END)")
