"""Generate PDFs whose body text is known, for tests and scripts/bench_extract.py.

Grey-literature layouts: running header, "Pagina i van n" footer, single or two
columns (a full-width title above the columns), justified lines with Dutch
words hyphenated at line ends, an optional ruled table and a footnote.  Every
generator returns the PDF bytes and the true body text (title, headings and
paragraphs in reading order; no header, footer, page number, table cells or
footnote), so word-level F1 of an extractor can be measured.

The Dutch text is our own, written for these fixtures.
"""
from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field

from fpdf import FPDF

TITLE = "Uitsluiting en discriminatie in de sociale basis"

PARAGRAPHS = [
    ("heading", "Aanleiding van het onderzoek"),
    ("p", "In veel gemeenten vormen wijkteams, buurthuizen en vrijwilligers- en buurtorganisaties samen de "
          "sociale basis. Bewoners komen daar met vragen over opvoeding, schulden, eenzaamheid en gezondheid. "
          "Toch bereiken deze voorzieningen niet iedereen op dezelfde manier. Mensen met een migratieachtergrond, "
          "lhbti-personen en mensen met een beperking vertellen dat zij zich niet altijd welkom voelen."),
    ("p", "Dit rapport beschrijft hoe discriminatie en uitsluiting zich voordoen in de dagelijkse praktijk van "
          "professionals en vrijwilligers. We baseren ons op interviews met medewerkers van maatschappelijke "
          "organisaties in Noord-Holland en Gelderland, op groepsgesprekken met bewoners en op een analyse van "
          "beleidsdocumenten van twaalf gemeenten."),
    ("heading", "Ervaringen van bewoners"),
    ("p", "Bewoners noemen vooral onbedoelde drempels. Een folder die alleen in moeilijk Nederlands beschikbaar "
          "is, een inloopspreekuur op een tijdstip waarop alleenstaande ouders moeten werken, of een "
          "intakegesprek waarin vooral naar tekortkomingen wordt gevraagd. Zulke drempels treffen groepen met "
          "een zwakke sociaal-economische positie onevenredig hard."),
    ("p", "Daarnaast beschrijven deelnemers openlijke discriminatie: opmerkingen over afkomst of geloof, "
          "verschillende behandeling bij de toewijzing van activiteiten en het negeren van klachten. Slechts een "
          "klein deel van deze ervaringen wordt gemeld. Veel bewoners verwachten dat een melding niets oplevert "
          "of zijn bang dat hun relatie met de hulpverlener verslechtert."),
    ("heading", "Rol van professionals"),
    ("p", "Professionals zien het belang van inclusief werken, maar voelen zich handelingsverlegen wanneer een "
          "collega of vrijwilliger een kwetsende opmerking maakt. Zij missen duidelijke afspraken over wat "
          "onacceptabel gedrag is en hoe zij daarop kunnen reageren. Trainingen over vooroordelen worden "
          "gewaardeerd, maar hebben weinig effect zonder ondersteuning van de leidinggevende."),
    ("p", "Vrijwilligersorganisaties hebben vaak geen klachtenregeling en weinig zicht op de samenstelling van "
          "hun bezoekers. Coördinatoren vertellen dat zij graag willen leren van andere organisaties en dat een "
          "regionale kennisbank met praktijkvoorbeelden hen zou helpen om discriminatie bespreekbaar te maken."),
    ("heading", "Beleid van gemeenten"),
    ("p", "De onderzochte gemeenten noemen gelijke behandeling als uitgangspunt in hun beleidsplannen voor het "
          "sociaal domein. Concrete doelen, indicatoren of monitoring ontbreken echter meestal. Subsidievoorwaarden "
          "vragen zelden om een antidiscriminatiebeleid of een toegankelijke klachtenprocedure. Na de "
          "COVID-19-pandemie is bovendien extra aandacht gekomen voor digitale uitsluiting van ouderen."),
    ("p", "Enkele gemeenten werken met ervaringsdeskundigen die meekijken bij de inrichting van voorzieningen. "
          "Deze aanpak levert praktische verbeteringen op, zoals eenvoudiger formulieren en spreekuren op andere "
          "tijden. Ook antidiscriminatievoorzieningen worden vaker betrokken bij de scholing van wijkteams."),
    ("heading", "Aanbevelingen"),
    ("p", "Wij bevelen gemeenten aan om in subsidieafspraken te vragen naar maatregelen tegen uitsluiting, om "
          "laagdrempelige meldmogelijkheden te organiseren en om de ervaringen van bewoners systematisch te "
          "verzamelen. Organisaties in de sociale basis kunnen een gedragscode opstellen, vrijwilligers "
          "begeleiden bij lastige situaties en samenwerken met de lokale antidiscriminatievoorziening."),
    ("p", "Tot slot is meer onderzoek nodig naar de effectiviteit van interventies. De meeste initiatieven worden "
          "niet geëvalueerd, waardoor onduidelijk blijft welke aanpak werkt voor welke groep. Een gezamenlijke "
          "onderzoeksagenda van gemeenten, kennisinstituten en uitvoeringsorganisaties kan deze leemte vullen."),
]

TABLE = [["Gemeente", "Inwoners", "Meldingen", "Beleidsplan"],
         ["Alkmaar", "110.000", "42", "ja"],
         ["Hoorn", "74.000", "17", "nee"],
         ["Arnhem", "165.000", "58", "ja"],
         ["Zutphen", "48.000", "9", "nee"]]

FOOTNOTE = "1 Alle namen van deelnemers zijn gefingeerd; citaten zijn met toestemming opgenomen."
HEADER = "Verkenning sociale basis | Kennisplatform 2025"
VOWELS = set("aeiouyëéèïöü")


def gold_text(paragraphs=PARAGRAPHS, title: str = TITLE) -> str:
    return "\n\n".join([title] + [t for _, t in paragraphs])


@dataclass
class Layout:
    columns: int = 1
    justify: bool = True
    header: bool = True
    footer: str = "Pagina {i} van {n}"     # '' for none
    table_after: int | None = None          # paragraph index after which the table goes
    footnote: bool = False
    font_size: float = 10.5
    gutter_mm: float = 10
    extra: dict = field(default_factory=dict)


class _Doc(FPDF):
    def __init__(self, layout: Layout):
        super().__init__(format="A4", unit="pt")
        self.layout = layout
        self.set_auto_page_break(False)
        self.set_margins(56, 60, 56)
        self.alias_nb_pages("{nb}")

    def header(self):
        if self.layout.header:
            self.set_font("Helvetica", "I", 8)
            self.set_text_color(90, 90, 90)
            self.text(56, 38, HEADER)
            self.line(56, 44, self.w - 56, 44)
            self.set_text_color(0, 0, 0)

    def footer(self):
        if self.layout.footer:
            self.set_font("Helvetica", "", 8)
            self.set_xy(56, self.h - 40)
            self.cell(self.w - 112, 12, self.layout.footer.format(i=self.page_no(), n="{nb}"), align="R")


def _split_word(pdf: FPDF, word: str, room: float):
    """Split ``word`` so that the first part (plus a hyphen) fits in ``room``; None if no sensible split."""
    if "-" in word[1:-1]:
        head, tail = word.split("-", 1)
        if pdf.get_string_width(head + "-") <= room:
            return head + "-", tail
    if len(word) < 7 or not word.isalpha():
        return None
    for i in range(len(word) - 3, 2, -1):
        a, b = word[i - 1].lower(), word[i].lower()
        nxt = word[i + 1].lower()
        syllable = (a in VOWELS and b not in VOWELS and nxt in VOWELS) or (
            a not in VOWELS and b not in VOWELS and word[i - 2].lower() in VOWELS and nxt in VOWELS)
        if syllable and pdf.get_string_width(word[:i] + "-") <= room:
            return word[:i] + "-", word[i:]
    return None


def _wrap(pdf: FPDF, text: str, width: float) -> list[list[str]]:
    """Lines of words; long words are hyphenated at line ends the Dutch way (at a syllable)."""
    lines, cur = [], []
    words = text.split()
    space = pdf.get_string_width(" ")
    i = 0
    while i < len(words):
        w = words[i]
        used = sum(pdf.get_string_width(x) for x in cur) + space * len(cur)
        if used + pdf.get_string_width(w) <= width:
            cur.append(w)
            i += 1
            continue
        split = _split_word(pdf, w, width - used - (space if cur else 0))
        if split:
            cur.append(split[0])
            words[i] = split[1]
        lines.append(cur)
        cur = []
    if cur:
        lines.append(cur)
    return lines


class _Flow:
    """Pours blocks into frames (columns) page after page."""

    def __init__(self, pdf: _Doc, layout: Layout):
        self.pdf, self.layout = pdf, layout
        self.top, self.bottom = 64, pdf.h - 60
        self.footnote_pending = False

    def frames(self, y0):
        pdf, n = self.pdf, self.layout.columns
        gutter = self.layout.gutter_mm * 72 / 25.4
        full = pdf.w - 112
        w = (full - gutter * (n - 1)) / n
        return [(56 + k * (w + gutter), w, y0) for k in range(n)]

    def start(self, y0=None):
        self.cols = self.frames(self.top if y0 is None else y0)
        self.col = 0
        self.x, self.width, self.y = self.cols[0]

    def new_page(self):
        self._footnote()
        self.pdf.add_page()
        self.start()

    def next_frame(self):
        self.col += 1
        if self.col >= len(self.cols):
            self.new_page()
        else:
            self.x, self.width, self.y = self.cols[self.col]

    def _footnote(self):
        if self.footnote_pending:
            pdf = self.pdf
            pdf.set_font("Helvetica", "", 7)
            pdf.line(56, pdf.h - 58, 200, pdf.h - 58)
            pdf.text(56, pdf.h - 48, FOOTNOTE)
            self.footnote_pending = False

    def lines(self, text: str, size: float, style: str = "", gap_after: float = 0.0, mark: bool = False):
        pdf, lead = self.pdf, size * 1.35
        pdf.set_font("Helvetica", style, size)
        wrapped = _wrap(pdf, text, self.width)
        for k, words in enumerate(wrapped):
            if self.y + lead > self.bottom - (30 if self.footnote_pending else 0):
                self.next_frame()
                pdf.set_font("Helvetica", style, size)
            base = self.y + size
            last = k == len(wrapped) - 1
            if self.layout.justify and not last and len(words) > 1:
                total = sum(pdf.get_string_width(w) for w in words)
                gap = (self.width - total) / (len(words) - 1)
                x = self.x
                for w in words:
                    pdf.text(x, base, w)
                    x += pdf.get_string_width(w) + gap
            else:
                pdf.text(self.x, base, " ".join(words))
            if mark and last:
                end = self.x + self._line_width(words, size, style)
                pdf.set_font("Helvetica", "", size * 0.6)
                pdf.text(end, base - size * 0.4, "1")
                pdf.set_font("Helvetica", style, size)
            self.y += lead
        self.y += gap_after

    def _line_width(self, words, size, style):
        self.pdf.set_font("Helvetica", style, size)
        return self.pdf.get_string_width(" ".join(words))

    def table(self, rows):
        pdf = self.pdf
        size = self.layout.font_size * 0.9
        h = size * 1.8
        need = h * len(rows) + 16
        if self.y + need > self.bottom:
            self.next_frame()
        pdf.set_font("Helvetica", "", size)
        cw = self.width / len(rows[0])
        y = self.y + 4
        for r, row in enumerate(rows):
            pdf.set_font("Helvetica", "B" if r == 0 else "", size)
            for c, cell in enumerate(row):
                pdf.rect(self.x + c * cw, y, cw, h)
                pdf.text(self.x + c * cw + 4, y + h / 2 + size / 3, cell)
            y += h
        self.y = y + 14


def make_pdf(layout: Layout | None = None, paragraphs=PARAGRAPHS, title: str = TITLE) -> tuple[bytes, str]:
    """Return (PDF bytes, true body text)."""
    layout = layout or Layout()
    pdf = _Doc(layout)
    pdf.add_page()
    flow = _Flow(pdf, layout)
    size = layout.font_size
    body = list(paragraphs)
    # Title and the first paragraph span the full width; the columns start below them.
    flow.cols = flow.frames(flow.top)
    full = Layout(columns=1, justify=layout.justify)
    flow.layout, saved = full, layout
    flow.start()
    flow.lines(title, size * 1.8, "B", gap_after=size)
    flow.layout = saved
    flow.start(flow.y)
    for k, (kind, text) in enumerate(body):
        if kind == "heading":
            flow.lines(text, size * 1.25, "B", gap_after=size * 0.3)
        else:
            mark = layout.footnote and k == 2 and not flow.footnote_pending
            if mark:
                flow.footnote_pending = True
            flow.lines(text, size, "", gap_after=size * 0.8, mark=mark)
        if layout.table_after is not None and k == layout.table_after:
            flow.table(TABLE)
    flow._footnote()
    out = pdf.output()
    return bytes(out), gold_text(body, title)


def _soft_hyphenate(text: str) -> str:
    """Put soft hyphens at syllable-like points of long words (fpdf2 breaks lines there)."""
    out = []
    for word in text.split(" "):
        if len(word) >= 9 and word.isalpha():
            cuts = [i for i in range(3, len(word) - 3)
                    if word[i - 1].lower() in VOWELS and word[i].lower() not in VOWELS and word[i + 1].lower() in VOWELS]
            for i in reversed(cuts[::2]):
                word = word[:i] + "\u00ad" + word[i:]
        out.append(word)
    return " ".join(out)


class _NativeDoc(FPDF):
    """fpdf2's own text flow (multi_cell / text_columns), header with the page number in it."""

    def __init__(self, font: str):
        super().__init__(format="A4")
        self.font_family_name = font
        self.set_margins(22, 24, 22)
        self.set_auto_page_break(True, 22)
        self.alias_nb_pages("{nb}")

    def header(self):
        self.set_font(self.font_family_name, "", 8)
        self.set_y(10)
        self.cell(0, 5, f"Gemeentelijk onderzoek inclusie | {self.page_no()}", align="R")
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self):
        self.set_y(-15)
        self.set_font(self.font_family_name, "", 8)
        self.cell(0, 5, f"Pagina {self.page_no()} van {{nb}}", align="C")


def make_native_pdf(columns: int = 1, font: str = "Times", size: float = 10, paragraphs=PARAGRAPHS,
                    title: str = TITLE, table: bool = False) -> tuple[bytes, str]:
    """The same known text laid out by fpdf2 itself, hyphenated through soft hyphens."""
    pdf = _NativeDoc(font)
    pdf.add_page()
    pdf.set_font(font, "B", size * 1.7)
    pdf.multi_cell(0, size * 0.7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    blocks = list(paragraphs)
    if columns == 1:
        for k, (kind, text) in enumerate(blocks):
            if kind == "heading":
                pdf.set_font(font, "B", size * 1.2)
                pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.set_font(font, "", size)
                pdf.multi_cell(0, size * 0.48, _soft_hyphenate(text), align="J", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
            if table and k == 5:
                pdf.set_font(font, "", size)
                with pdf.table(col_widths=(40, 30, 30, 30)) as t:
                    for row in TABLE:
                        r = t.row()
                        for cell in row:
                            r.cell(cell)
                pdf.ln(3)
    else:
        with pdf.text_columns(ncols=columns, gutter=6, text_align="J") as cols:
            for kind, text in blocks:
                if kind == "heading":
                    pdf.set_font(font, "B", size * 1.2)
                    cols.write(text + "\n")
                else:
                    pdf.set_font(font, "", size)
                    cols.write(_soft_hyphenate(text) + "\n\n")
    return bytes(pdf.output()), gold_text(blocks, title)


LAYOUTS = {
    "single": Layout(columns=1, footnote=True),
    "two_columns": Layout(columns=2, font_size=11.5, gutter_mm=7),
    "table": Layout(columns=1, table_after=4),
    "two_columns_table": Layout(columns=2, table_after=8, footer="- {i} -"),
    "ragged": Layout(columns=1, justify=False, font_size=13, footer="{i}/{n}"),
}


def scanned_pdf(text: str = None, dpi: int = 150) -> bytes:
    """An image-only PDF (no text layer) of a paragraph of Dutch text, for the OCR path."""
    from PIL import Image, ImageDraw, ImageFont
    text = text or ("Discriminatie in de sociale basis wordt zelden gemeld. Bewoners vertellen dat zij "
                    "zich niet welkom voelen in het buurthuis.")
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 34)
    except OSError:
        font = ImageFont.load_default(size=34)
    y, line = 200, ""
    for word in text.split():
        trial = (line + " " + word).strip()
        if draw.textlength(trial, font=font) > w - 300:
            draw.text((150, y), line, fill=0, font=font)
            y += 55
            line = word
        else:
            line = trial
    draw.text((150, y), line, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF(format="A4", unit="pt")
    pdf.add_page()
    buf.seek(0)
    pdf.image(buf, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.U)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def word_f1(predicted: str, truth: str) -> float:
    """Word-level F1 that respects order: matched words are those of the longest
    matching blocks between the two word sequences (so interleaved columns score low)."""
    a, b = words(predicted), words(truth)
    if not a or not b:
        return 0.0
    matched = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    if not matched:
        return 0.0
    p, r = matched / len(a), matched / len(b)
    return 2 * p * r / (p + r)


NATIVE_LAYOUTS = {
    "fpdf2_single_times": dict(columns=1, font="Times", size=12),
    "fpdf2_two_columns": dict(columns=2, font="Helvetica", size=9),
    "fpdf2_three_columns": dict(columns=3, font="Times", size=9),
    "fpdf2_table": dict(columns=1, font="Helvetica", size=10, table=True),
}


def all_layouts():
    """(name, pdf bytes, true body text) for every generated layout."""
    for name, layout in LAYOUTS.items():
        yield (name, *make_pdf(layout))
    for name, kw in NATIVE_LAYOUTS.items():
        yield (name, *make_native_pdf(**kw))


# ---------------------------------------------------------------- layouts of real reports
#
# Known-text PDFs that reproduce what real Dutch reports do to extractors (issue 15):
# two columns under a full-width abstract, footnotes with superscript marks, page
# numbers in the outer margin, a printer slug, a header on page 1 only, a table-of-
# contents page with dot leaders, a table without ruling and label:value forms.  Our own
# text.  ``make_real_pdf(features)`` returns (bytes, body gold, footnote golds).

ABSTRACT = ("Samenvatting. Dit artikel onderzoekt hoe vrijwilligers en beroepskrachten in buurthuizen omgaan "
            "met uitsluiting. Op basis van veertig interviews laten we zien dat goede bedoelingen niet volstaan "
            "zolang afspraken over melden en bijsturen ontbreken.")
NOTES = [
    ("toegankelijkheid", "De interviews zijn gehouden in vier middelgrote gemeenten tussen maart en oktober; "
                         "alle deelnemers gaven schriftelijk toestemming voor deelname aan het onderzoek."),
    ("fraude", "Zie voor een overzicht van de discussie over risicoprofilering het advies van de "
               "Autoriteit Persoonsgegevens uit hetzelfde jaar."),
    ("klachtenregeling", "Een klachtenregeling is wettelijk verplicht voor zorgaanbieders, maar niet voor "
                         "vrijwilligersorganisaties die geen zorg verlenen."),
]
NOTE_PARAGRAPHS = [
    ("p", "Buurthuizen zijn voor veel bewoners de eerste plek waar zij hulp zoeken. De drempel is laag en "
          "de sfeer informeel. Toch blijkt de toegankelijkheid¹ in de praktijk minder vanzelfsprekend dan "
          "beleidsnota's veronderstellen. Bewoners met een migratieachtergrond melden vaker dat zij zich "
          "bekeken voelen."),
    ("p", "Gemeenten sturen steeds vaker op controle. Waar het vroeger ging om ondersteuning, gaat het nu "
          "ook om het voorkomen van fraude². Medewerkers voelen zich daardoor soms gedwongen om bewoners "
          "met argwaan te benaderen, wat het vertrouwen ondermijnt."),
    ("p", "Vrijwilligersorganisaties missen vaak een klachtenregeling³, zodat bewoners niet weten waar zij "
          "terechtkunnen. Coördinatoren geven aan dat zij meldingen informeel afhandelen en zelden vastleggen "
          "wat er is gebeurd."),
]
SLUG = "Sociale_basis_def.indd   {page}   14-03-2025   10:42"
RUNNING_HEADER = "Tijdschrift voor Sociale Vraagstukken | 2025"
FIRST_PAGE_HEADER = "Jaargang 12, nummer 3, september 2025"
TOC = [("Inleiding", 3), ("Aanleiding van het onderzoek", 4), ("Ervaringen van bewoners", 6),
       ("Rol van professionals", 9), ("Beleid van gemeenten", 12), ("Aanbevelingen", 15)]
BORDERLESS = [["Gemeente", "Wijkteams", "Meldingen", "Beleid"],
              ["Alkmaar", "6", "42", "ja"], ["Hoorn", "4", "17", "nee"],
              ["Arnhem", "9", "58", "ja"], ["Zutphen", "2", "9", "nee"]]
FORM = [("Besluit", "De raad stemt in met het voorstel om de subsidieregeling voor buurthuizen aan te passen, "
                    "zodat organisaties die subsidie ontvangen voortaan een klachtenregeling hebben."),
        ("Toelichting", "Organisaties die subsidie ontvangen stellen een gedragscode op tegen discriminatie en "
                        "wijzen een vertrouwenspersoon aan bij wie bewoners terechtkunnen."),
        ("Noot", "Het college rapporteert jaarlijks over het aantal meldingen.")]

REAL_LAYOUTS = {
    "journal_two_columns": {"abstract", "columns", "first_page_header", "running_header"},
    "footnotes": {"footnotes", "running_header"},
    "margin_numbers_slug": {"margin_numbers", "slug"},
    "toc_report": {"toc", "running_header", "first_page_header"},
    "borderless_table": {"borderless_table"},
    "label_value": {"label_value"},
    "journal_everything": {"abstract", "columns", "footnotes", "margin_numbers", "slug", "running_header",
                           "first_page_header"},
}


class _RealDoc(FPDF):
    def __init__(self, features):
        super().__init__(format="A4", unit="pt")
        self.features = features
        self.set_auto_page_break(False)
        self.set_margins(70, 70, 70)

    def header(self):
        f = self.features
        if "running_header" in f or ("first_page_header" in f and self.page_no() == 1):
            self.set_font("Helvetica", "I", 8)
            text = FIRST_PAGE_HEADER if self.page_no() == 1 and "first_page_header" in f else RUNNING_HEADER
            self.text(70, 40, text)
        if "slug" in f:
            self.set_font("Helvetica", "", 6)
            self.text(20, self.h - 12, SLUG.format(page=self.page_no() + 660))
        if "margin_numbers" in f:
            self.set_font("Times", "B", 10)
            x = self.w - 45 if self.page_no() % 2 else 25
            self.text(x, 300, str(self.page_no() + 72))


class _RealFlow:
    SIZE, LEAD = 10.5, 13.5

    def __init__(self, pdf: _RealDoc, columns: int):
        self.pdf, self.columns = pdf, columns
        self.notes: list[str] = []        # footnotes waiting for the foot of this page
        self.pdf.add_page()
        self.set_frames(80)

    def set_frames(self, y0):
        full = self.pdf.w - 140
        if self.columns == 1:
            self.frames = [(70.0, full)]
        else:
            w = (full - 18) / 2
            self.frames = [(70.0, w), (70.0 + w + 18, w)]
        self.col, self.y0, self.y = 0, y0, y0

    NOTE_ZONE = 62     # points kept free for footnotes at the foot of every page (when there are notes)

    @property
    def bottom(self):
        return self.pdf.h - 70 - (self.NOTE_ZONE if "footnotes" in self.pdf.features else 0)

    def _next(self):
        self.col += 1
        if self.col >= len(self.frames):
            self._flush_notes()
            self.pdf.add_page()
            self.set_frames(80)

    def _flush_notes(self):
        if not self.notes:
            return
        pdf = self.pdf
        y = self.pdf.h - 70 - self.NOTE_ZONE + 10
        pdf.line(70, y - 6, 200, y - 6)
        for note in self.notes:
            pdf.set_font("Times", "", 8)
            for line in _wrap_at(pdf, note, pdf.w - 140, 8):
                pdf.text(70, y + 6, line)
                y += 11
        self.notes = []

    def para(self, text, size=None, style="", gap=6.0, full_width=False, justify=True):
        pdf = self.pdf
        size = size or self.SIZE
        lead = size * 1.3
        x, width = (70.0, pdf.w - 140) if full_width else self.frames[self.col]
        pdf.set_font("Times", style, size)
        marks = {}
        for k, (word, note) in enumerate(NOTES, 1):
            sup = "¹²³"[k - 1]
            if sup in text:
                marks[word] = note
        plain = text.translate(str.maketrans("", "", "¹²³"))
        lines = _wrap(pdf, plain, width)
        for i, words in enumerate(lines):
            if self.y + lead > self.bottom:
                self._next()
                x, width = self.frames[self.col]
                pdf.set_font("Times", style, size)
            base = self.y + size
            total = sum(pdf.get_string_width(w) for w in words)
            gapw = (width - total) / (len(words) - 1) if justify and i < len(lines) - 1 and len(words) > 1 \
                else pdf.get_string_width(" ")
            cx = x
            for w in words:
                core = w.rstrip(".,;:")
                pdf.text(cx, base, w[:len(core)])
                cx2 = cx + pdf.get_string_width(core)
                if core in marks:
                    k = [n for n, _ in NOTES].index(core) + 1
                    pdf.set_font("Times", "", size * 0.6)
                    pdf.text(cx2, base - size * 0.35, str(k))
                    cx2 += pdf.get_string_width(str(k))
                    pdf.set_font("Times", style, size)
                    self.notes.append(f"{k} {marks.pop(core)}")
                if len(core) < len(w):
                    pdf.text(cx2, base, w[len(core):])
                cx = cx + pdf.get_string_width(w) + (cx2 - cx - pdf.get_string_width(core)) + gapw
            self.y += lead
        self.y += gap

    def finish(self):
        self._flush_notes()


def _wrap_at(pdf, text, width, size):
    saved = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
    pdf.set_font("Times", "", size)
    lines = [" ".join(l) for l in _wrap(pdf, text, width)]
    pdf.set_font(*saved)
    return lines


def make_real_pdf(features) -> tuple[bytes, str, list[str]]:
    """(PDF bytes, true body text, true footnote texts) for a set of REAL_LAYOUTS features."""
    f = set(features)
    pdf = _RealDoc(f)
    flow = _RealFlow(pdf, 1)
    gold: list[str] = [TITLE]
    flow.para(TITLE, size=18, style="B", gap=10, justify=False)
    if "toc" in f:
        pdf.set_font("Times", "B", 14)
        flow.para("Inhoud", size=14, style="B", justify=False)
        for name, page in TOC:
            pdf.set_font("Times", "", 10.5)
            y = flow.y + 10.5
            pdf.text(70, y, name)
            dots_x = 70 + pdf.get_string_width(name) + 4
            end = pdf.w - 90
            dots = "." * int((end - dots_x) / pdf.get_string_width("."))
            pdf.text(dots_x, y, dots)
            pdf.text(pdf.w - 70 - pdf.get_string_width(str(page)), y, str(page))
            flow.y += 16
        pdf.add_page()
        flow.set_frames(80)
    if "abstract" in f:
        flow.para(ABSTRACT, size=9.5, style="I", gap=12, full_width=True)
        gold.append(ABSTRACT)
        flow.y += 6
    if "columns" in f:
        flow.columns = 2
        flow.set_frames(flow.y)
    if "label_value" in f:
        for label, value in FORM:
            pdf.set_font("Times", "B", 10.5)
            pdf.text(70, flow.y + 10.5, label + ":")
            flow.frames = [(170.0, pdf.w - 240)]
            flow.para(value, gap=8, justify=False)
            flow.set_frames(flow.y)
            gold.append(f"{label}: {value}")
    body = (NOTE_PARAGRAPHS if "footnotes" in f else []) + [p for p in PARAGRAPHS]
    if "footnotes" not in f:
        body = [p for p in PARAGRAPHS]
    for k, (kind, text) in enumerate(body):
        if kind == "heading":
            flow.para(text, size=12, style="B", gap=3, justify=False)
        else:
            flow.para(text)
        gold.append(text.translate(str.maketrans("", "", "¹²³")))
        if "borderless_table" in f and k == 4:
            pdf.set_font("Times", "", 10)
            xs = [70, 200, 290, 380]
            for r, row in enumerate(BORDERLESS):
                if flow.y + 16 > flow.bottom:
                    flow._next()
                pdf.set_font("Times", "B" if r == 0 else "", 10)
                for x, cell in zip(xs, row):
                    pdf.text(x, flow.y + 10, cell)
                flow.y += 15
                gold.append(" ".join(row))
            flow.y += 8
    flow.finish()
    notes = [f"{k} {n}" for k, (_, n) in enumerate(NOTES, 1)] if "footnotes" in f else []
    return bytes(pdf.output()), "\n\n".join(gold), notes


def pair_order(predicted: str, truth: str) -> float:
    """Reading order: the share of adjacent word pairs of ``truth`` that are adjacent in ``predicted``."""
    from collections import Counter
    a, b = words(predicted), words(truth)
    if len(b) < 2:
        return 1.0
    have = Counter(zip(a, a[1:]))
    hit = 0
    for pair in zip(b, b[1:]):
        if have[pair] > 0:
            have[pair] -= 1
            hit += 1
    return hit / (len(b) - 1)


def all_real_layouts():
    """(name, pdf bytes, true body text, true footnotes) for every real-report layout."""
    for name, features in REAL_LAYOUTS.items():
        yield (name, *make_real_pdf(features))
