"""Data preparation for `miner nlp train`, on tiny treebanks written for these tests."""
import pytest

from miner.nlp.training import prepare as prep


def conllu(*sentences):
    """sentences: (sent_id, [(form, lemma, upos, xpos, feats, head, deprel), ...])"""
    blocks = []
    for sent_id, rows in sentences:
        lines = [f"# sent_id = {sent_id}", "# text = " + " ".join(r[0] for r in rows)]
        for i, (form, lemma, upos, xpos, feats, head, deprel) in enumerate(rows, 1):
            lines.append("\t".join([str(i), form, lemma, upos, xpos, feats, str(head), deprel, "_", "_"]))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n\n"


WACHTEN = [("Wij", "wij", "PRON", "VNW", "_", 2, "nsubj"), ("wachten", "wachten", "VERB", "WW", "_", 0, "root"),
           ("op", "op", "ADP", "VZ", "_", 5, "case"), ("de", "de", "DET", "LID", "_", 5, "det"),
           ("bus", "bus", "NOUN", "N", "_", 2, "obl:arg"), (".", ".", "PUNCT", "LET", "_", 2, "punct")]
NIVEAU = [("Het", "het", "DET", "LID", "_", 2, "det"), ("basisniveau", "basis_niveau", "NOUN", "N", "_", 3, "nsubj"),
          ("stijgt", "stijgen", "VERB", "WW", "_", 0, "root"), (".", ".", "PUNCT", "LET", "_", 3, "punct")]
TEST_ONLY = [("Dit", "dit", "PRON", "VNW", "_", 2, "nsubj"), ("blijft", "blijven", "VERB", "WW", "_", 0, "root"),
             ("geheim", "geheim", "ADJ", "ADJ", "_", 2, "xcomp"), (".", ".", "PUNCT", "LET", "_", 2, "punct")]
# 2017 conventions: cc on the first conjunct, possessive as det, brackets on the root.
OLD_COORD = [("Jan", "Jan", "PROPN", "PROPN", "_", 5, "nsubj"), ("en", "en", "CCONJ", "CCONJ", "_", 1, "cc"),
             ("zijn", "zijn", "DET", "DET", "_", 4, "det"), ("zus", "zus", "NOUN", "NOUN", "_", 1, "conj"),
             ("lezen", "lezen", "VERB", "VERB", "_", 0, "root"), ("boeken", "boek", "NOUN", "NOUN", "_", 5, "obj"),
             (".", ".", "PUNCT", "PUNCT", "_", 5, "punct")]
OLD_BRACKETS = [("De", "de", "DET", "LID", "_", 2, "det"), ("wet", "wet", "NOUN", "N", "_", 7, "nsubj"),
                ("(", "(", "PUNCT", "LET", "_", 7, "punct"), ("uit", "uit", "ADP", "VZ", "_", 5, "case"),
                ("2020", "2020", "NUM", "TW", "_", 2, "nmod"), (")", ")", "PUNCT", "LET", "_", 7, "punct"),
                ("geldt", "gelden", "VERB", "WW", "_", 0, "root"), (".", ".", "PUNCT", "LET", "_", 7, "punct")]
OLD_PASSIVE = [("Het", "het", "DET", "LID", "_", 2, "det"), ("boek", "boek", "NOUN", "N", "_", 6, "nsubj:pass"),
               ("wordt", "worden", "AUX", "WW", "_", 6, "aux:pass"), ("door", "door", "ADP", "VZ", "_", 5, "case"),
               ("Piet", "Piet", "PROPN", "N", "_", 6, "obl"), ("gelezen", "lezen", "VERB", "WW", "_", 0, "root"),
               (".", ".", "PUNCT", "LET", "_", 6, "punct")]
OLD_REFLEXIVE = [("Zij", "zij", "PRON", "VNW", "_", 2, "nsubj"), ("vergist", "vergissen", "VERB", "WW", "_", 0, "root"),
                 ("zich", "zich", "PRON", "VNW", "Reflex=Yes", 2, "obj"), (".", ".", "PUNCT", "LET", "_", 2, "punct")]
OLD_WACHTEN = [("Zij", "zij", "PRON", "VNW", "_", 2, "nsubj"), ("wachten", "wachten", "VERB", "WW", "_", 0, "root"),
               ("op", "op", "ADP", "VZ", "_", 5, "case"), ("de", "de", "DET", "LID", "_", 5, "det"),
               ("trein", "trein", "NOUN", "N", "_", 2, "obl"), ("Van", "Van", "PROPN", "N", "_", 2, "obl"),
               ("Dijk", "Dijk", "PROPN", "N", "_", 6, "flat:name"), (".", ".", "PUNCT", "LET", "_", 2, "punct")]

# 2017 tags: ordinal as NUM/nummod, and a verb tagged AUX where the current files say VERB.
OLD_ORDINAL = [("Wij", "wij", "PRON", "VNW", "_", 2, "nsubj"), ("wachten", "wachten", "AUX", "WW", "_", 0, "root"),
               ("op", "op", "ADP", "VZ", "_", 6, "case"), ("de", "de", "DET", "LID", "_", 6, "det"),
               ("tweede", "twee", "NUM", "TW", "_", 6, "nummod"), ("bus", "bus", "NOUN", "N", "_", 2, "obl"),
               (".", ".", "PUNCT", "LET", "_", 2, "punct")]


@pytest.fixture
def ud_dir(tmp_path):
    files = {
        "alpino-v2.16-test.conllu": conllu(("t1", TEST_ONLY)),
        "alpino-v2.16-dev.conllu": conllu(*[(f"a{i}", WACHTEN) for i in range(9)], ("a9", NIVEAU)),
        "lassysmall-v2.16-dev.conllu": conllu(("l1", TEST_ONLY), ("l2", NIVEAU)),
        "lassysmall-v2.16-test.conllu": conllu(("l3", WACHTEN)),
        "alpino-2017-train.conllu": conllu(("o1", OLD_COORD), ("o2", OLD_PASSIVE), ("o3", WACHTEN)),
        "lassysmall-v2.0-train.conllu": conllu(("o4", OLD_BRACKETS), ("o5", OLD_REFLEXIVE), ("o6", OLD_WACHTEN),
                                               ("o7", OLD_ORDINAL)),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def load(path):
    import spacy
    from spacy.tokens import DocBin
    return list(DocBin().from_disk(path).get_docs(spacy.blank("nl").vocab))


def sentence_with(docs, word):
    return next(s for doc in docs for s in doc.sents if word in [t.text for t in s])


def test_test_set_is_kept_out_and_old_duplicates_dropped(ud_dir, tmp_path):
    result = prep.prepare(ud_dir, tmp_path / "out", per_doc=2)
    assert result.dropped_test_overlap == 1
    assert result.dropped_old_duplicates == 1   # o3 repeats a current sentence
    texts = {s.text for doc in load(tmp_path / "out" / "train.spacy") + load(tmp_path / "out" / "dev.spacy")
             for s in doc.sents}
    assert "Dit blijft geheim ." not in texts
    # alpino-dev counts three times, alpino-2017 twice (the test set's domain), minus alpino-dev's dev share.
    assert result.per_source["alpino-v2.16-dev.conllu"]["dev"] == 1
    assert result.train_sentences == 3 * 9 + 1 + 1 + 2 * 2 + 4


def test_lemma_markers_removed_and_old_lassysmall_tags_missing(ud_dir, tmp_path):
    prep.prepare(ud_dir, tmp_path / "out", per_doc=2)
    docs = load(tmp_path / "out" / "train.spacy")
    assert {t.lemma_ for t in sentence_with(docs, "basisniveau") if t.text == "basisniveau"} == {"basisniveau"}
    assert all(t.tag_ == "" for t in sentence_with(docs, "vergist"))
    assert sentence_with(docs, "boek")[2].tag_ == "WW"


def test_old_trees_brought_to_current_conventions(ud_dir, tmp_path):
    prep.prepare(ud_dir, tmp_path / "out", per_doc=1)
    docs = load(tmp_path / "out" / "train.spacy")
    coord = sentence_with(docs, "zus")
    assert coord[1].dep_ == "cc" and coord[1].head.text == "zus"
    assert coord[2].dep_ == "nmod:poss" and coord[2].pos_ == "PRON" and "Poss=Yes" in str(coord[2].morph)
    brackets = sentence_with(docs, "2020")
    assert brackets[2].head.text == "2020" and brackets[5].head.text == "2020"
    assert sentence_with(docs, "Piet")[4].dep_ == "obl:agent"
    assert sentence_with(docs, "vergist")[2].dep_ == "expl:pv"
    wachten = sentence_with(docs, "trein")
    assert wachten[4].dep_ == "obl:arg"       # the current data treats "wachten op" as an argument
    assert wachten[5].dep_ == "obl"           # no preposition: not in the lexicon
    assert wachten[6].dep_ == "flat"
    ordinal = sentence_with(docs, "tweede")
    assert (ordinal[4].pos_, ordinal[4].dep_) == ("ADJ", "amod")
    assert ordinal[1].pos_ == "VERB"           # the current files always tag "wachten" VERB
    assert ordinal[0].pos_ == "PRON" and ordinal[5].dep_ == "obl:arg"


def test_sentences_grouped_into_documents_keep_their_boundaries(ud_dir, tmp_path):
    result = prep.prepare(ud_dir, tmp_path / "out", per_doc=3)
    docs = load(tmp_path / "out" / "train.spacy")
    assert sum(len(list(doc.sents)) for doc in docs) == result.train_sentences
    assert max(len(list(doc.sents)) for doc in docs) == 3


def test_missing_test_file_is_a_clear_error(ud_dir, tmp_path):
    (ud_dir / "alpino-v2.16-test.conllu").unlink()
    with pytest.raises(FileNotFoundError, match="alpino-v2.16-test.conllu"):
        prep.prepare(ud_dir, tmp_path / "out")


def test_self_attached_tokens_are_skipped(tmp_path):
    broken = [("Kapot", "kapot", "ADJ", "ADJ", "_", 1, "root")]
    path = tmp_path / "x.conllu"
    path.write_text(conllu(("b1", broken), ("b2", TEST_ONLY)), encoding="utf-8")
    assert [s.words for s in prep.load_sentences(path)] == [["Dit", "blijft", "geheim", "."]]


def test_continuation_recipe_sources_every_component(tmp_path):
    from thinc.api import Config
    from miner.nlp.training.train import RECIPE, continuation_recipe
    out = continuation_recipe(RECIPE, tmp_path / "trained", tmp_path / "continue.cfg")
    config = Config().from_disk(out, interpolate=False)
    assert config["nlp"]["pipeline"] == ["tok2vec", "tagger", "morphologizer", "trainable_lemmatizer", "parser"]
    assert all(config["components"][c] == {"source": str((tmp_path / "trained").resolve())}
               for c in config["nlp"]["pipeline"])
    assert config["initialize"]["after_init"] == {"@callbacks": "miner.rebuild_lemmatizer_labels.v1"}


def test_reloaded_lemmatizer_gets_its_labels_back(tmp_path):
    import spacy
    from spacy.training import Example
    from miner.nlp.training.callbacks import rebuild_lemmatizer_labels
    nlp = spacy.blank("nl")
    nlp.add_pipe("trainable_lemmatizer", config={"min_tree_freq": 1})
    examples = [Example.from_dict(nlp.make_doc("gemeenten melden"), {"lemmas": ["gemeente", "melden"]}),
                Example.from_dict(nlp.make_doc("werkers hielpen"), {"lemmas": ["werker", "helpen"]})]
    nlp.initialize(lambda: examples)
    nlp.to_disk(tmp_path / "p")
    reloaded = spacy.load(tmp_path / "p")
    lemmatizer = reloaded.get_pipe("trainable_lemmatizer")
    assert len(lemmatizer.labels) >= 2
    rebuild_lemmatizer_labels()(reloaded)
    assert sorted(lemmatizer.tree2label.values()) == list(range(len(lemmatizer.labels)))


def modernised(rows):
    from udapi.core.document import Document
    document = Document()
    document.from_conllu_string(conllu(("x", rows)))
    root = document.bundles[0].get_tree()
    prep.modernise(root)
    return {n.form: (n.parent.form if not n.parent.is_root() else "ROOT", n.deprel, n.upos)
            for n in root.descendants}


def test_former_copula_heads_its_predicate():
    # 2017: "ziek" is the head, "geworden" its copula; now "geworden" heads "ziek" (xcomp).
    tree = modernised([("Zij", "zij", "PRON", "VNW", "_", 4, "nsubj"), ("is", "zijn", "AUX", "WW", "_", 4, "aux"),
                       ("erg", "erg", "ADV", "ADJ", "_", 4, "advmod"), ("ziek", "ziek", "ADJ", "ADJ", "_", 0, "root"),
                       ("geworden", "worden", "AUX", "WW", "_", 4, "cop"), (".", ".", "PUNCT", "LET", "_", 4, "punct")])
    assert tree["geworden"] == ("ROOT", "root", "VERB")
    assert tree["ziek"][:2] == ("geworden", "xcomp")
    assert tree["Zij"][:2] == ("geworden", "nsubj") and tree["is"][:2] == ("geworden", "aux")
    assert tree["."][0] == "geworden"


def test_former_auxiliary_heads_its_infinitive_and_moeten_becomes_auxiliary():
    wil = modernised([("Hij", "hij", "PRON", "VNW", "_", 4, "nsubj"), ("wil", "willen", "VERB", "WW", "_", 4, "aux"),
                      ("boeken", "boek", "NOUN", "N", "_", 4, "obj"), ("lezen", "lezen", "VERB", "WW", "_", 0, "root"),
                      (".", ".", "PUNCT", "LET", "_", 4, "punct")])
    assert wil["wil"][:2] == ("ROOT", "root") and wil["lezen"][:2] == ("wil", "xcomp")
    assert wil["Hij"][0] == "wil" and wil["boeken"][0] == "lezen"
    moet = modernised([("Hij", "hij", "PRON", "VNW", "_", 2, "nsubj"), ("moet", "moeten", "VERB", "WW", "_", 0, "root"),
                       ("werken", "werken", "VERB", "WW", "_", 2, "xcomp"), (".", ".", "PUNCT", "LET", "_", 2, "punct")])
    assert moet["werken"][:2] == ("ROOT", "root")
    assert moet["moet"] == ("werken", "aux", "AUX") and moet["Hij"][0] == "werken"


def test_fixed_names_become_flat_proper_nouns_and_passive_subjects_are_marked():
    tree = modernised([("De", "de", "DET", "LID", "_", 2, "det"), ("Tweede", "twee", "ADJ", "ADJ", "_", 5, "nsubj"),
                       ("Kamer", "kamer", "NOUN", "N", "_", 2, "fixed"), ("wordt", "worden", "AUX", "WW", "_", 5, "aux:pass"),
                       ("gekozen", "kiezen", "VERB", "WW", "_", 0, "root"), (".", ".", "PUNCT", "LET", "_", 5, "punct")])
    assert tree["Kamer"] == ("Tweede", "flat", "PROPN") and tree["Tweede"] == ("gekozen", "nsubj:pass", "PROPN")
