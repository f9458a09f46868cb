"""Researchers review and correct the tags: the review page, the review sheet, agreement and
training examples from the reviews.  SQL in ``miner/store/reviews.py``; the effective labels are
the view ``effective_annotations`` (migration 011)."""
from miner.review.analysis import training_examples  # noqa: F401

