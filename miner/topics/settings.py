"""Config section ``[topics]``: the topic model."""
from miner.config import Field, non_negative, positive, unit_interval

SECTION = "topics"

# Words that are frequent in every kind of document here and carry no topic.
DEFAULT_EXTRA_STOP_WORDS = [
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december", "pagina", "bijlage", "tabel", "figuur", "hoofdstuk",
    "paragraaf", "zie", "via", "jaar", "procent", "aantal", "waarin", "waarbij", "hiervan",
    "www", "http", "https", "html", "pdf", "nr", "blz", "etc", "vraag", "antwoord",
    # adverbs the noun-first lemma rules would misread as plurals ("soms" -> "som")
    "soms", "vaak", "steeds", "vooral", "echter", "namelijk", "bijvoorbeeld", "daarnaast", "ongeveer",
]
# Group names that look like proper names (capitalised, unknown to the lemma tables) but are topic words.
DEFAULT_KEEP_WORDS = ["lhbti", "lhbtiq", "lhbtq", "lhbt", "lgbt", "lgbtq", "lgbtqia", "roma", "sinti"]

SCHEMA = {
    "method": Field(str, "nmf", "Topic model: nmf (on tf-idf) or lda (on counts).", choices=("nmf", "lda")),
    "n_topics": Field(int, 0, "Number of topics; 0 = choose by coherence (NPMI) within n_topics_min..n_topics_max.",
                      check=non_negative),
    "n_topics_min": Field(int, 5, "Smallest number of topics tried when n_topics = 0.", check=positive),
    "n_topics_max": Field(int, 20, "Largest number of topics tried when n_topics = 0.", check=positive),
    "n_topics_step": Field(int, 3, "Step between the numbers of topics tried.", check=positive),
    "selection": Field(str, "npmi", "How n_topics is chosen: npmi (coherence alone) or npmi_coverage "
                       "(coherence x share of word occurrences on the topics' top terms).", choices=("npmi", "npmi_coverage")),
    "k_search_units": Field(int, 2000, "The number of topics is chosen on at most this many text units "
                            "(evenly spaced sample); the chosen k is then fitted on all.", check=positive),
    "batch_units": Field(int, 2000, "Text units per mini-batch of the streaming fit (and per chunk read back from "
                         "disk); memory grows with it, not with the corpus.", check=positive),
    "stream_passes": Field(int, 2, "At most this many passes of the mini-batch fit over all units (it stops "
                           "earlier when the topics no longer change).", check=positive),
    "count_terms_max": Field(int, 1_000_000, "Distinct terms counted while reading; when more, the rarer half "
                             "is dropped (bounds memory on huge corpora).", check=positive),
    "boilerplate_sample_documents": Field(int, 2000, "Boilerplate lines are found on an evenly spaced sample of at "
                                          "most this many documents.", check=positive),
    "coherence_top_n": Field(int, 10, "Top terms per topic the NPMI coherence is computed over.", check=positive),
    "diversity_top_n": Field(int, 25, "Top terms per topic the diversity (unique share) is computed over.",
                             check=positive),
    "min_topic_weight": Field(float, 0.3, "A document has a clear topic when its strongest topic has at least "
                              "this share of its weight; below it the document counts as unassigned.",
                              check=unit_interval),
    "chunk_tokens": Field(int, 400, "Long documents are split into chunks of about this many content words.",
                          check=positive),
    "unsplit_doc_types": Field(list, ["kamervraag", "antwoord"], "Document types never split into chunks.",
                               item_type=str),
    "min_df": Field(int, 2, "A term must occur in at least this many chunks.", check=positive),
    "max_df": Field(float, 0.5, "Terms in more than this share of chunks are dropped.", check=unit_interval),
    "max_features": Field(int, 5000, "Vocabulary size limit (most frequent terms).", check=positive),
    "min_token_length": Field(int, 3, "Shorter words are ignored.", check=positive),
    "extra_stop_words": Field(list, DEFAULT_EXTRA_STOP_WORDS, "Stop words on top of spaCy's Dutch list.",
                              item_type=str),
    "keep_words": Field(list, DEFAULT_KEEP_WORDS, "Words never dropped as names (lowercase).", item_type=str),
    "boilerplate_min_share": Field(float, 0.05, "A line that recurs in at least this share of documents "
                                   "(and in 3 or more) is boilerplate and ignored.", check=unit_interval),
    "match_threshold": Field(float, 0.5, "A refitted topic keeps an old topic id when the cosine similarity of "
                             "their term weights is at least this.", check=unit_interval),
    "labels_file": Field(str, "models/topic_labels.toml", "Researchers' topic labels, by topic id "
                         "(kept across refits).", is_path=True),
    "warm_start": Field(bool, True, "After a corpus change, NMF starts from the previous topics (they drift "
                        "instead of jumping); `miner topics --refit --from-scratch` does not."),
    "keep_k_below_change": Field(float, 0.25, "When fewer than this share of the documents is new since the last "
                                 "fit, the number of topics is kept instead of chosen again.", check=unit_interval),
    "random_state": Field(int, 0, "Seed for the model fit (fits are deterministic).", check=non_negative),
    "max_iter": Field(int, 200, "Iteration limit of the model fit (LDA: at most 50 passes).", check=positive),
    "min_documents": Field(int, 20, "Fewer usable documents than this: no topic model is fitted.",
                           check=positive),
    "dutch_only": Field(bool, True, "Only documents detected as Dutch are modelled."),
}
