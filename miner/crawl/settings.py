"""Config section ``[crawl]``: politeness of the HTTP layer and the sources to crawl.

Sources are user-named tables ``[crawl.sources.<name>]``; ``type`` picks the
adapter (``tk_odata``, ``officielebekendmakingen``, ``site``).  Keys a type does
not use keep their defaults; keys a type needs are checked by the adapter when
the run starts (one line naming the key).
"""
from miner.config import Field, Table, non_negative, positive

SECTION = "crawl"

SOURCE_TYPES = ("tk_odata", "officielebekendmakingen", "site")


def _regexes(values):
    import re
    for v in values:
        try:
            re.compile(v)
        except re.error as exc:
            return f"{v!r} is not a valid regular expression ({exc})"
    return None


def _iso_date(v):
    import datetime
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        return "must be a date like 2015-01-01"
    return None


def _url(v):
    return None if v.startswith(("http://", "https://")) else "must start with http:// or https://"


def _urls(values):
    for v in values:
        if not v.startswith(("http://", "https://")):
            return f"{v!r} must start with http:// or https://"
    return None


SELECTORS = {
    # CSS selectors for the metadata of a publication page (site adapter); empty = not on this site.
    "title": Field(str, "h1", "Title of the publication."),
    "date": Field(str, "time, .date, .published", "Publication date (datetime attribute or text)."),
    "authors": Field(str, "", "Authors / onderzoekers (each matching element is one name)."),
    "themes": Field(str, "", "Themes (each matching element is one theme)."),
    "summary": Field(str, "", "Summary / intro text."),
    "details": Field(str, "", "Block with ISBN, page count and year, e.g. '.publication-details'."),
    "pdf": Field(str, "a[href$='.pdf']", "Download link(s) of the PDF."),
}

SOURCE_SCHEMA = {
    "type": Field(str, help="Adapter: tk_odata, officielebekendmakingen or site.", choices=SOURCE_TYPES),
    "enabled": Field(bool, True, "Crawl this source in `miner refresh`."),
    "base_url": Field(str, "", "Root URL of the API (tk_odata: OData root; officielebekendmakingen: SRU endpoint)."),
    "hosts": Field(list, [], "Extra hosts this source may fetch from (the hosts of base_url/seeds are always allowed).",
                   item_type=str),
    "query": Field(str, "", "tk_odata: one search term (older form of `terms`); "
                   "officielebekendmakingen: the CQL query the terms narrow."),
    "terms": Field(list, [], "Search terms, one request each, counted per term (tk_odata: in the Zaak subject "
                   "or title; officielebekendmakingen: cql.textAndIndexes).  Empty = the taxonomy's core "
                   "vocabulary ([context.discrimination] stems and words); a stem like `discrimin` matches as a "
                   "substring in OData and as `discrimin*` in SRU.", item_type=str),
    "numbers": Field(list, [], "tk_odata: fetch exactly these Zaak numbers (e.g. 2023Z02090) instead of a search.",
                     item_type=str),
    "since": Field(str, "2015-01-01", "Only items from this date on.", check=_iso_date),
    "until": Field(str, "", "tk_odata: only Zaken started before this date (empty = no end).",
                   check=lambda v: None if v == "" else _iso_date(v)),
    "page_size": Field(int, 250, "Items per API page (OData max 250, SRU max 1000).", check=positive),
    "max_items": Field(int, 0, "Stop after this many items per run; 0 = no limit.", check=non_negative),
    "fetch_pdf": Field(bool, False, "Also download the PDF (officielebekendmakingen) or the document files "
                       "(tk_odata: Document(<Id>)/resource)."),
    "follow_citations": Field(bool, True, "Queue URLs cited in footnotes (on allowed hosts) as documents."),
    "seeds": Field(list, [], "site: listing pages to start from.", item_type=str, check=_urls),
    "sitemaps": Field(list, [], "site: sitemap.xml URLs (sitemap indexes are followed).", item_type=str, check=_urls),
    "follow": Field(list, [], "site: regexes of listing URLs to follow (pagination, overviews).", item_type=str,
                    check=_regexes),
    "publication": Field(list, [], "site: regexes of publication page URLs.", item_type=str, check=_regexes),
    "max_depth": Field(int, 2, "site: link depth from the seeds.", check=non_negative),
    "doc_type": Field(str, "rapport", "site: documents.doc_type of the publications."),
    "selectors": SELECTORS,
}

SCHEMA = {
    "user_agent": Field(str, "miner/0.1 (research crawler for studies of discrimination in the sociale basis)",
                        "User-Agent sent with every request; the contact is appended."),
    "contact": Field(str, "set crawl.contact in config.toml", "E-mail or URL where site owners can reach you."),
    "delay_s": Field((int, float), 5, "Minimum seconds between two requests to the same host.", check=non_negative),
    "connect_timeout_s": Field((int, float), 5, "TCP connect timeout.", check=positive),
    "read_timeout_s": Field((int, float), 30, "Timeout between bytes of a response.", check=positive),
    "retries": Field(int, 3, "Retries after 429, 5xx, timeouts and broken connections.", check=non_negative),
    "backoff_s": Field((int, float), 2, "First retry wait; doubles each retry.", check=non_negative),
    "max_retry_after_s": Field((int, float), 120, "Longest Retry-After honoured; longer means give up for now.",
                               check=non_negative),
    "max_response_mb": Field((int, float), 64, "Responses larger than this are aborted.", check=positive),
    "max_redirects": Field(int, 5, "Redirects followed per request.", check=non_negative),
    "obey_robots": Field(bool, True, "Obey robots.txt (cached per host per run)."),
    "allowed_hosts": Field(list, [], "Extra hosts cited reports may be fetched from (besides the sources' hosts).",
                           item_type=str),
    "archive_max_mb": Field((int, float), 512, "A new WARC file is started when the current one is this large.",
                            check=positive),
    "sources": Table(SOURCE_SCHEMA, "The sources `miner refresh` crawls, by name."),
}
