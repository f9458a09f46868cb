"""Training-time callbacks referenced by fine-tuning configs (``spacy train --code`` this file)."""
import spacy


@spacy.registry.callbacks("miner.rebuild_lemmatizer_labels.v1")
def rebuild_lemmatizer_labels():
    """spaCy 3.8's edit-tree lemmatizer does not rebuild its tree→label map when it is loaded
    from disk, so a sourced lemmatizer trains every token towards label 0 and collapses.
    Rebuilding the map after initialisation makes continued training work."""
    def rebuild(nlp):
        for _name, pipe in nlp.components:  # includes pipes disabled while initialising
            if hasattr(pipe, "tree2label") and not pipe.tree2label:
                for label, tree in enumerate(pipe.labels):
                    pipe.tree2label[tree] = label
        return nlp
    return rebuild
