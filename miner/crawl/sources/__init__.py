"""Source adapters by ``type``; ``build_sources`` turns ``[crawl.sources.*]`` into Source objects."""
from __future__ import annotations

from miner.crawl.sources.base import CrawlContext, Source, SourceConfigError, SourceSummary


def _types() -> dict:
    from miner.crawl.sources.obk import OfficieleBekendmakingenSource
    from miner.crawl.sources.site import SiteSource
    from miner.crawl.sources.tk_odata import TkODataSource
    return {cls.type_name: cls for cls in (TkODataSource, OfficieleBekendmakingenSource, SiteSource)}


def build_sources(crawl_conf: dict) -> list[Source]:
    """Every configured source (enabled or not), validated; SourceConfigError names the first bad key."""
    types = _types()
    out = []
    for name, conf in crawl_conf["sources"].items():
        source = types[conf["type"]](name, conf)
        source.validate()
        out.append(source)
    return out


__all__ = ["CrawlContext", "Source", "SourceConfigError", "SourceSummary", "build_sources"]
