"""The learned tagger: linear models over words, lemmas, character n-grams, the rule
layer's cues and the sentence's local context decide ground, mechanism and
recommendation; the rules keep marking cue words, actors and statistics.

- ``features``: what the models see of a sentence (a tagged spaCy Doc in, feature strings out)
- ``model``: the fitted model, saved as JSON + numpy arrays (nothing that runs code on load)
- ``train``: ``miner tag train`` (data, cross-validation, calibration, thresholds)
- ``component``: the spaCy component that applies it inside the tagging pipeline
"""
