"""The review page (``miner review``): a small Starlette app served by uvicorn on 127.0.0.1.

* one HTML page + one script + one style sheet (``templates/``); every piece of document text
  reaches the page as JSON and is put in with ``textContent``, never as HTML;
* writes are POSTs with a JSON body and the ``X-CSRF-Token`` header holding the token of this
  server process (in the page); a request from another site has neither and is refused (403),
  and so is one whose Origin is not this server;
* every write is one transaction (``miner.store.reviews.record``), so a closed tab or a killed
  server loses at most the decision in flight;
* one SQLite connection per request (WAL: the CLI and other readers work meanwhile);
* only loopback Host names are answered (no DNS rebinding).
"""
from __future__ import annotations

import hmac
import html
import json
import secrets
from contextlib import closing
from importlib import resources

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from miner.review import core
from miner.store import connect
from miner.store import reviews as store

_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_STATIC = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}


def _template(name: str) -> str:
    return resources.files("miner.review").joinpath("templates", name).read_text(encoding="utf-8")


def create_app(cfg, default_queue: str = "uncertain") -> Starlette:
    token = secrets.token_urlsafe(32)
    taxonomy = core.Taxonomy(cfg)
    core.Queue.parse(default_queue)
    page = _template("review.html").replace("{{csrf_token}}", token).replace("{{queue}}", html.escape(default_queue))

    def db():
        return closing(connect(cfg.database))

    def error(msg: str, status: int = 400) -> JSONResponse:
        return JSONResponse({"error": msg}, status_code=status, headers=_HEADERS)

    def ok(data) -> JSONResponse:
        return JSONResponse(data, headers=_HEADERS)

    cache: dict[str, tuple] = {}

    def queue_candidates(conn, queue: core.Queue) -> list[dict]:
        """A queue's sentences are worked out once and again only after (re-)tagging, not per key press."""
        version = core.candidates_version(conn)
        hit = cache.get(str(queue))
        if hit is None or hit[0] != version:
            if len(cache) > 16:
                cache.clear()
            hit = cache[str(queue)] = (version, core.candidates(conn, cfg, queue))
        return hit[1]

    def queue_of(request: Request) -> core.Queue:
        return core.Queue.parse(request.query_params.get("queue") or default_queue)

    def index(request: Request):
        return HTMLResponse(page, headers=_HEADERS)

    def static(request: Request):
        name = request.path_params["name"]
        if name not in _STATIC:
            return Response("not found", 404)
        return Response(_template(name), media_type=_STATIC[name], headers=_HEADERS)

    def api_taxonomy(request: Request):
        return ok(taxonomy.as_dict())

    def api_next(request: Request):
        """The next sentence of the queue for this reviewer (skipping the keys the page skipped)."""
        reviewer = request.query_params.get("reviewer", "").strip()
        skip = set(request.query_params.getlist("skip"))
        try:
            queue = queue_of(request)
            with db() as conn:
                items = core.build_queue(conn, cfg, queue, reviewer or None, all_items=queue_candidates(conn, queue))
                nxt = next((i for i in items
                            if f"{i['doc_key']}|{i['sentence_start']}|{i['sentence_end']}" not in skip), None)
                data = {"queue": str(queue), "item": None if nxt is None else core.item(
                            conn, cfg, nxt["doc_key"], nxt["sentence_start"], nxt["sentence_end"], reviewer or None),
                        "progress": core.progress(conn, cfg, queue, reviewer, len(items)) if reviewer else None}
        except core.ReviewError as exc:
            return error(str(exc))
        return ok(data)

    def api_item(request: Request):
        q = request.query_params
        try:
            with db() as conn:
                return ok(core.item(conn, cfg, q["doc_key"], int(q["start"]), int(q["end"]),
                                    q.get("reviewer") or None))
        except (KeyError, ValueError):
            return error("doc_key, start and end are needed")
        except core.ReviewError as exc:
            return error(str(exc), 404)

    def api_progress(request: Request):
        reviewer = request.query_params.get("reviewer", "").strip()
        try:
            with db() as conn:
                queue = queue_of(request)
                remaining = len(core.build_queue(conn, cfg, queue, reviewer or None,
                                                 all_items=queue_candidates(conn, queue)))
                return ok(core.progress(conn, cfg, queue, reviewer, remaining))
        except core.ReviewError as exc:
            return error(str(exc))

    async def guarded(request: Request):
        """CSRF: the token of this server process in a header, a JSON body, and no foreign Origin."""
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return None, error("missing or wrong CSRF token: reload the page", 403)
        origin = request.headers.get("origin")
        host = request.headers.get("host", "")
        if origin and origin not in (f"http://{host}", f"https://{host}"):
            return None, error("cross-site request refused", 403)
        if not request.headers.get("content-type", "").startswith("application/json"):
            return None, error("send JSON", 415)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return None, error("the body is not JSON")
        if not isinstance(body, dict):
            return None, error("the body is not a JSON object")
        return body, None

    def decide(body: dict) -> JSONResponse:
        try:
            fields = dict(reviewer=str(body.get("reviewer", "")), doc_key=str(body.get("doc_key", "")),
                          decision=str(body.get("decision", "")), note=body.get("note"))
            with db() as conn:
                if body.get("layer") == "relevance":
                    rec = core.prepare_relevance(conn, **fields)
                elif body.get("layer") == "sentence":
                    rec = core.prepare_seen(conn, reviewer=fields["reviewer"], doc_key=fields["doc_key"],
                                            sentence_start=int(body["sentence_start"]),
                                            sentence_end=int(body["sentence_end"]),
                                            sentence_hash=str(body["sentence_hash"]))
                else:
                    actor = body.get("actor") or []
                    if not isinstance(actor, list) or not all(isinstance(a, str) for a in actor):
                        raise core.ReviewError("actor must be a list of actor ids")
                    rec = core.prepare(conn, taxonomy, sentence_start=int(body["sentence_start"]),
                                       sentence_end=int(body["sentence_end"]),
                                       sentence_hash=str(body["sentence_hash"]), layer=str(body["layer"]),
                                       label=str(body["label"]), actor=actor, **fields)
                new, unchanged = store.record(conn, [rec])
        except (KeyError, ValueError, TypeError):
            return error("incomplete decision (doc_key, sentence_start, sentence_end, sentence_hash, layer, "
                         "label, decision)")
        except core.ReviewError as exc:
            return error(str(exc), 409 if "no longer" in str(exc) else 400)
        return ok({"id": new[0] if new else None, "unchanged": bool(unchanged)})

    def undo(body: dict) -> JSONResponse:
        try:
            rid, reviewer = int(body["id"]), str(body["reviewer"])
        except (KeyError, ValueError, TypeError):
            return error("undo needs the decision id and the reviewer")
        with db() as conn:
            done = store.delete(conn, rid, reviewer)
        return ok({"undone": done}) if done else error("nothing to undo (not your decision, or already undone)", 404)

    async def api_decide(request: Request):
        body, err = await guarded(request)
        return err or await run_in_threadpool(decide, body)

    async def api_undo(request: Request):
        body, err = await guarded(request)
        return err or await run_in_threadpool(undo, body)

    routes = [
        Route("/", index),
        Route("/static/{name}", static),
        Route("/api/taxonomy", api_taxonomy),
        Route("/api/next", api_next),
        Route("/api/item", api_item),
        Route("/api/progress", api_progress),
        Route("/api/decide", api_decide, methods=["POST"]),
        Route("/api/undo", api_undo, methods=["POST"]),
    ]
    # DNS rebinding: a foreign host name that resolves to 127.0.0.1 must not get the page (nor its token)
    return Starlette(routes=routes, middleware=[
        Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "::1", "[::1]"])])
