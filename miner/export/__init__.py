"""Exports and read access: views for people, read-only SQL, search, Datasette, gap map, EPPI, RIS, tables."""
