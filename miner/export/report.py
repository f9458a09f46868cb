"""Annotated evidence report: per ground (or mechanism, setting), the quotes with the matched words
highlighted, a citation (title, page, url) and where each label comes from (model with its
confidence, or reviewed and by whom).  Static HTML in the configured language, every value
escaped, no script."""
from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from miner.export.evidence import Document, layer_labels, safe_url
from miner.export.i18n import Language

_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;border-bottom:1px solid #ddd;margin-top:2rem}
.cite{font-size:.9rem;color:#444}.quote{border-left:3px solid #ccc;margin:.3rem 0 .6rem;padding-left:.6rem}
mark{background:#fff1a8}.meta{color:#666;font-size:.85rem}nav a{margin-right:.6rem}"""


def render(docs: list[Document], layer: str = "ground", lang: Language | None = None, title: str | None = None) -> str:
    lang = lang or Language("nl")
    labels = [lab for lab in layer_labels(docs, layer) if any((layer, lab) in d.codes for d in docs)]
    generated = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    title = title or lang.t("report_title", layer=lang.layer(layer))
    out = ["<!DOCTYPE html>", f'<html lang="{escape(lang.code)}"><head><meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
           f"<h1>{escape(title)}</h1>",
           f'<p class="meta">{escape(lang.t("report_intro", layer=lang.layer(layer), n=len(docs), generated=generated))}</p>',
           "<nav>" + "".join(f'<a href="#{escape(layer)}-{escape(lab)}">{escape(lang.name(layer, lab))}</a>'
                             for lab in labels) + "</nav>"]
    for lab in labels:
        in_label = [d for d in docs if (layer, lab) in d.codes]
        out.append(f'<section id="{escape(layer)}-{escape(lab)}"><h2>{escape(lang.name(layer, lab))} '
                   f'<span class="meta">{escape(lang.t("report_docs", n=len(in_label)))}</span></h2>')
        for d in in_label:
            out.append('<article class="doc">' + _citation(d, lang))
            for q in d.codes[(layer, lab)]:
                s = q.sentence
                page = lang.t("page") + str(q.page_no) if q.page_no is not None else ""   # HTML/TXT: no pages
                notes = []
                if q.hedge:
                    notes.append(lang.t("hedged"))
                if q.negated:
                    notes.append(lang.t("negated"))
                if q.origin == "reviewed":
                    notes.append(lang.t("reviewed", reviewer=q.reviewer or "?"))
                elif q.confidence is not None:
                    notes.append("(" + lang.t("confidence", c=f"{q.confidence:.2f}") + ")")
                out.append('<p class="quote">' + (f'<span class="meta">{escape(page)}</span> ' if page else "")
                           + f"&ldquo;{escape(s[:q.start])}"
                           f"<mark>{escape(s[q.start:q.end])}</mark>{escape(s[q.end:])}&rdquo;"
                           + "".join(f' <span class="meta">{escape(n)}</span>' for n in notes) + "</p>")
            out.append("</article>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out)


def _citation(d: Document, lang: Language) -> str:
    authors = "; ".join(d.authors) or (d.organisation or "")
    parts = [escape(authors) + " " if authors else "", f"({escape(str(d.year))}). " if d.year else "",
             f"<strong>{escape(d.title)}</strong>. ", escape(d.organisation or d.source)]
    url = safe_url(d.url)
    if url:
        parts.append(f'. <a href="{escape(url, quote=True)}" rel="noopener noreferrer">{escape(url)}</a>')
    elif d.url:
        parts.append(f". {escape(d.url)}")
    elif d.local_path:
        parts.append(f". {escape(d.local_path)}")
    return '<p class="cite">' + "".join(parts) + "</p>"
