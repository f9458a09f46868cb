"""The HTTP layer against the loopback fixture server: politeness, faults, conditional GET, archive."""
import time

import pytest

from fixture_server import FixtureServer
from miner.crawl import archive
from miner.crawl.http import Fetcher, FetchError, Politeness, parse_retry_after
from miner.store import connect


@pytest.fixture
def server():
    with FixtureServer() as s:
        yield s


def make_fetcher(tmp_path, hosts=("127.0.0.1",), **kw):
    opts = dict(user_agent="miner-test (+test@example.org)", delay_s=0, connect_timeout_s=2, read_timeout_s=1,
                retries=2, backoff_s=0.05, max_retry_after_s=5, max_response_bytes=1 << 20, max_redirects=3)
    opts.update(kw)
    arc = archive.WarcArchive(tmp_path)
    return Fetcher(Politeness(**opts), tmp_path, archive=arc, allowed_hosts=set(hosts)), arc


@pytest.fixture
def conn(tmp_path):
    c = connect(tmp_path / "t.sqlite")
    yield c
    c.close()


def test_conditional_get_returns_archived_body_and_archive_has_digest(server, tmp_path, conn):
    server.add("/a.html", "<html><body><p>Discriminatie in de wijk</p></body></html>")
    f, arc = make_fetcher(tmp_path)
    first = f.get(server.url("/a.html"), conn, "s", expect="html")
    assert first.status == 200 and b"Discriminatie" in first.body
    second = f.get(server.url("/a.html"), conn, "s", expect="html")
    assert second.not_modified and second.body == first.body and second.sha256 == first.sha256
    hits = server.requests_for("/a.html")
    assert [h.status for h in hits] == [200, 304]
    assert hits[1].headers.get("If-None-Match")
    assert "miner-test" in hits[0].headers["User-Agent"] and "test@example.org" in hits[0].headers["User-Agent"]
    row = conn.execute("SELECT * FROM fetches WHERE url = ?", (server.url("/a.html"),)).fetchone()
    assert row["etag"] and row["warc_file"].startswith("archive/") and row["error"] is None
    rec = archive.read_record(tmp_path, row["warc_file"], row["warc_offset"])
    assert rec.body == first.body and rec.status == 200
    arc.close()
    from warcio.archiveiterator import ArchiveIterator
    with open(tmp_path / row["warc_file"], "rb") as fh:
        digests = [r.rec_headers.get_header("WARC-Payload-Digest") for r in ArchiveIterator(fh)
                   if r.rec_headers.get_header("WARC-Target-URI") == server.url("/a.html")]
    assert digests[0] == archive.payload_digest(first.body)


def test_robots_disallow_is_obeyed_and_counted_at_server(server, tmp_path, conn):
    server.add("/robots.txt", "User-agent: *\nDisallow: /geheim/\n", "text/plain")
    server.add("/geheim/x.html", "<p>nee</p>")
    server.add("/open.html", "<p>ja</p>")
    f, _ = make_fetcher(tmp_path)
    with pytest.raises(FetchError) as exc:
        f.get(server.url("/geheim/x.html"), conn, "s")
    assert exc.value.kind == "robots"
    f.get(server.url("/open.html"), conn, "s")
    assert server.requests_for("/geheim/x.html") == []
    assert len(server.requests_for("/robots.txt")) == 1   # cached per host


def test_per_host_delay_holds_at_server(server, tmp_path, conn):
    for i in range(4):
        server.add(f"/p{i}", f"<p>{i}</p>")
    f, _ = make_fetcher(tmp_path, delay_s=0.3)
    for i in range(4):
        f.get(server.url(f"/p{i}"), conn, "s")
    times = [h.t for h in server.hits if h.path.startswith("/p")]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 3 and min(gaps) >= 0.29


def test_retries_500_and_honours_retry_after(server, tmp_path, conn):
    server.add("/x.json", '{"value": []}', "application/json")
    server.fault("/x.json", "500", times=1)
    f, _ = make_fetcher(tmp_path)
    assert f.get(server.url("/x.json"), conn, "s", expect="json").status == 200
    server.add("/y.json", '{"value": []}', "application/json")
    server.fault("/y.json", "429", times=1, retry_after=1)
    f.get(server.url("/y.json"), conn, "s", expect="json")
    hits = server.requests_for("/y.json")
    assert [h.status for h in hits] == [429, 200]
    assert hits[1].t - hits[0].t >= 0.95


def test_retry_after_beyond_cap_gives_up_with_reason(server, tmp_path, conn):
    server.add("/z", "<p>z</p>")
    server.fault("/z", "429", times=5, retry_after=3600)
    f, _ = make_fetcher(tmp_path)
    with pytest.raises(FetchError) as exc:
        f.get(server.url("/z"), conn, "s")
    assert "retry after 3600" in exc.value.reason
    row = conn.execute("SELECT error, attempts FROM fetches WHERE url = ?", (server.url("/z"),)).fetchone()
    assert "3600" in row["error"] and row["attempts"] == 1


def test_slow_and_truncated_responses_are_retried(server, tmp_path, conn):
    server.add("/slow", "<p>traag</p>")
    server.fault("/slow", "slow", times=1, seconds=1.5)
    server.add("/cut", "<p>" + "afgebroken " * 500 + "</p>")
    server.fault("/cut", "truncate", times=1)
    f, _ = make_fetcher(tmp_path)
    assert f.get(server.url("/slow"), conn, "s").body == b"<p>traag</p>"
    full = f.get(server.url("/cut"), conn, "s")
    assert full.body.endswith(b"</p>") and len(server.requests_for("/cut")) == 2


def test_redirect_loop_wrong_type_and_size_limit(server, tmp_path, conn):
    server.redirect("/loop-a", "/loop-b")
    server.redirect("/loop-b", "/loop-a")
    server.add("/data.json", "<html>geen json</html>", "text/html")
    server.add("/groot", b"x" * (2 << 20), "application/pdf")
    f, _ = make_fetcher(tmp_path)
    with pytest.raises(FetchError, match="redirect loop"):
        f.get(server.url("/loop-a"), conn, "s")
    with pytest.raises(FetchError, match="expected JSON, got text/html"):
        f.get(server.url("/data.json"), conn, "s", expect="json")
    with pytest.raises(FetchError, match="larger than crawl.max_response_mb"):
        f.get(server.url("/groot"), conn, "s")


def test_redirect_followed_and_other_hosts_refused(server, tmp_path, conn):
    server.add("/nieuw.html", "<p>nieuw</p>")
    server.redirect("/oud.html", "/nieuw.html")
    server.redirect("/weg.html", f"http://localhost:{server.port}/nieuw.html")
    f, _ = make_fetcher(tmp_path)
    r = f.get(server.url("/oud.html"), conn, "s")
    assert r.url == server.url("/nieuw.html") and r.history == [server.url("/oud.html")]
    with pytest.raises(FetchError) as exc:
        f.get(server.url("/weg.html"), conn, "s")
    assert exc.value.kind == "not_allowed"
    with pytest.raises(FetchError) as exc:
        f.get(f"http://localhost:{server.port}/nieuw.html", conn, "s")
    assert exc.value.kind == "not_allowed"
    assert not [h for h in server.hits if h.headers.get("Host", "").startswith("localhost")]


def test_unreachable_host_fails_fast_once(tmp_path, conn):
    f, _ = make_fetcher(tmp_path, hosts=("127.0.0.1",))
    # A port nobody listens on: connection refused, no retries, then remembered for the run.
    import socket
    s = socket.socket()   # bound but not listening: connections are refused and nobody else gets the port
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    t = time.monotonic()
    with pytest.raises(FetchError) as exc:
        f.get(f"http://127.0.0.1:{port}/x", conn, "s")
    assert exc.value.kind == "unreachable" and "refused" in exc.value.reason
    assert time.monotonic() - t < 2
    s.close()


def test_offline_answers_from_archive(server, tmp_path, conn):
    server.add("/doc.html", "<p>archief</p>")
    server.redirect("/r", "/doc.html")
    f, arc = make_fetcher(tmp_path)
    f.get(server.url("/r"), conn, "s")
    arc.close()
    index = archive.ArchiveIndex(tmp_path)
    offline = Fetcher(f.p, tmp_path, offline=index, allowed_hosts={"127.0.0.1"})
    server.stop()
    r = offline.get(server.url("/r"), conn, "s")
    assert r.body == b"<p>archief</p>" and r.url == server.url("/doc.html")
    with pytest.raises(FetchError, match="not in the archive"):
        offline.get(server.url("/nooit"), conn, "s")


def test_parse_retry_after():
    assert parse_retry_after("7") == 7
    assert parse_retry_after(None) is None
    assert 0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") < 1


def test_hosts_in_parallel_one_host_in_turn(tmp_path, conn):
    import threading
    from miner.store import connect
    with FixtureServer() as a, FixtureServer() as b:
        for s in (a, b):
            for i in range(3):
                s.add(f"/d{i}", f"<p>{i}</p>")
        f, _ = make_fetcher(tmp_path, delay_s=0.3)

        def crawl(server, n):
            c = connect(tmp_path / "t.sqlite")
            for i in range(3):
                f.get(server.url(f"/d{i}"), c, f"s{n}")
            c.close()
        t = time.monotonic()
        threads = [threading.Thread(target=crawl, args=(s, n)) for n, s in enumerate((a, b, a))]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.monotonic() - t
    # Host a: 6 requests (two threads) at least 0.3 s apart; host b alongside, not after them.
    times_a = sorted(h.t for h in a.hits if h.path.startswith("/d"))
    assert len(times_a) == 6 and min(y - x for x, y in zip(times_a, times_a[1:])) >= 0.29
    times_b = sorted(h.t for h in b.hits if h.path.startswith("/d"))
    assert times_b[-1] < times_a[-1] - 0.5 and elapsed < 6 * 0.3 + 0.5


def test_robots_server_error_stops_the_host_with_a_reason(server, tmp_path, conn):
    server.add("/robots.txt", "User-agent: *\nDisallow:\n", "text/plain")
    server.fault("/robots.txt", "500", times=10)
    server.add("/p", "<p>p</p>")
    f, _ = make_fetcher(tmp_path)
    with pytest.raises(FetchError, match="robots.txt unavailable") as exc:
        f.get(server.url("/p"), conn, "s")
    assert exc.value.kind == "error" and server.requests_for("/p") == []


def test_pdf_cut_short_without_length_is_refused_and_fetched_again(server, tmp_path, conn):
    from crawl_corpus import make_pdf
    pdf = make_pdf("Rapport", ("Een alinea over discriminatie.",))
    server.add("/r.pdf", pdf[: len(pdf) - 200], "application/pdf")
    f, _ = make_fetcher(tmp_path)
    with pytest.raises(FetchError, match="cut short"):
        f.get(server.url("/r.pdf"), conn, "s", expect="pdf")
    server.add("/r.pdf", pdf, "application/pdf")
    assert f.get(server.url("/r.pdf"), conn, "s", expect="pdf").body == pdf
    assert [h.status for h in server.requests_for("/r.pdf")] == [200, 200]
    assert "If-None-Match" not in server.requests_for("/r.pdf")[1].headers
