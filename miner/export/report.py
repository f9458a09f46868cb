"""Annotated evidence report: per ground (or mechanism), the quotes with the matched words
highlighted and a citation (title, page, url).  Static HTML, every value escaped, no script."""
from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from miner.export import labels as L
from miner.export.evidence import Document, layer_labels, safe_url

_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;border-bottom:1px solid #ddd;margin-top:2rem}
.cite{font-size:.9rem;color:#444}.quote{border-left:3px solid #ccc;margin:.3rem 0 .6rem;padding-left:.6rem}
mark{background:#fff1a8}.meta{color:#666;font-size:.85rem}nav a{margin-right:.6rem}"""


def render(docs: list[Document], layer: str = "ground", title: str = "Evidence report") -> str:
    labels = [lab for lab in layer_labels(docs, layer) if any((layer, lab) in d.codes for d in docs)]
    generated = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    out = ["<!DOCTYPE html>", '<html lang="nl"><head><meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
           f"<h1>{escape(title)}</h1>",
           f'<p class="meta">Per {escape(layer)}: every quoted sentence with its page. '
           f"{len(docs)} documents; generated {escape(generated)}.</p>",
           "<nav>" + "".join(f'<a href="#{escape(layer)}-{escape(lab)}">{escape(L.pretty(lab))}</a>' for lab in labels)
           + "</nav>"]
    for lab in labels:
        in_label = [d for d in docs if (layer, lab) in d.codes]
        out.append(f'<section id="{escape(layer)}-{escape(lab)}"><h2>{escape(L.pretty(lab))} '
                   f'<span class="meta">({len(in_label)} documents)</span></h2>')
        for d in in_label:
            out.append('<article class="doc">' + _citation(d))
            for q in d.codes[(layer, lab)]:
                s = q.sentence
                page = f"p. {q.page_no}" if q.page_no is not None else "p. ?"
                out.append(f'<p class="quote"><span class="meta">{escape(page)}</span> &ldquo;{escape(s[:q.start])}'
                           f"<mark>{escape(s[q.start:q.end])}</mark>{escape(s[q.end:])}&rdquo;"
                           + (' <span class="meta">(hedged)</span>' if q.hedge else "")
                           + (' <span class="meta">(negated)</span>' if q.negated else "")
                           + (f' <span class="meta reviewed">(reviewed by {escape(q.reviewer or "?")})</span>'
                              if q.origin == "reviewed" else "") + "</p>")
            out.append("</article>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out)


def _citation(d: Document) -> str:
    authors = "; ".join(d.authors)
    parts = [escape(authors) + " " if authors else "", f"({escape(str(d.year))}). " if d.year else "",
             f"<strong>{escape(d.title)}</strong>. ", escape(d.source)]
    url = safe_url(d.url)
    if url:
        parts.append(f'. <a href="{escape(url, quote=True)}" rel="noopener noreferrer">{escape(url)}</a>')
    elif d.url:
        parts.append(f". {escape(d.url)}")
    return '<p class="cite">' + "".join(parts) + "</p>"
