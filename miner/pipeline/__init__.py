"""Orchestration: stages run in order, talking only through the store."""
