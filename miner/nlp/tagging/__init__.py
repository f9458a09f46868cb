"""spaCy components that tag discrimination grounds, mechanisms, recommendations and more.

The components live in ``factories`` (registered with ``@Language.factory`` when it is
imported, which ``miner.nlp.tagging.pipeline`` does); this package itself stays light, so
that reading the taxonomy file (label ids and names for exports and config) does not load spaCy.
"""
from __future__ import annotations

# component names in pipeline order
COMPONENTS = ("miner_sentences", "miner_cues", "miner_entities", "miner_ground", "miner_mechanism", "miner_terms",
              "miner_recommendation", "miner_statistic", "miner_evidence_type", "miner_flags")
