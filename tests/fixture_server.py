"""The loopback server of the crawl tests is the demo mirror's server (``miner.demo.server``)."""
from miner.demo.server import FixtureServer, Hit, Route

__all__ = ["FixtureServer", "Hit", "Route"]
