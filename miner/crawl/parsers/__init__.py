"""Pure parsers for the parliamentary sources (no HTTP): KOOP SRU, Tweede Kamer OData,
officielebekendmakingen metadata.xml and Kamervraag HTML, and the Kamervraag record they fill.
They never touch the database: ``miner.crawl.kamervragen.save_kamervraag`` stores a record."""
from miner.crawl.parsers.errors import ParseError  # noqa: F401
from miner.crawl.parsers.dates import parse_date, days_between  # noqa: F401
from miner.crawl.parsers.ids import (  # noqa: F401
    answer_id, document_id_from_url, normalise_aanhangselnummer, normalise_vergaderjaar, normalise_zaak_nummer,
    parse_answer_id, question_id, question_id_candidates, zaak_nummer_from_question_id)
from miner.crawl.parsers.model import Actor, Footnote, Item, Kamervraag, Postponement  # noqa: F401
from miner.crawl.parsers.metadata_xml import parse_metadata_xml  # noqa: F401
from miner.crawl.parsers.sru import SruDiagnostic, SruPage, SruRecord, build_cql, build_sru_url, parse_sru  # noqa: F401
from miner.crawl.parsers.odata import (  # noqa: F401
    KAMERVRAAG_DOCUMENT_SOORTEN, ODataPage, Zaak, ZaakActor, ZaakDocument, build_zaak_url, document_resource_url,
    parse_zaak, parse_zaak_page)
from miner.crawl.parsers.kamervraag_html import KamervraagDocument, parse_kamervraag_html  # noqa: F401
from miner.crawl.parsers.kamervraag import merge_kamervraag  # noqa: F401
