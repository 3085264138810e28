"""What inputs may be, in one place: sizes, nesting and the range of numbers.

Every reader checks its input against these before doing work that grows with it, so a
tiny hostile or broken file (an alias bomb, a stray Excel cell at XFD1048576, 1e999999999)
is refused at once with a Chinese message instead of hanging. The README's 「输入限制」
section lists the same figures.
"""

MB = 1024 * 1024

PARAMS_BYTES = 1 * MB  # a parameter file
YAML_NODES = 100_000  # scalars, lists and mappings after expanding aliases
YAML_DEPTH = 50  # lists and mappings inside each other

TABLE_BYTES = 20 * MB  # a CSV or .xlsx file on disk
XLSX_UNPACKED_BYTES = 200 * MB  # the sheet XML inside an .xlsx (a zip)
TABLE_CELLS = 200_000  # rows × columns read: openpyxl reads some 40,000–90,000 cells a second here
TABLE_ROWS = 1_000  # data rows of a table printed in the report
TABLE_ROWS_BY_NAME = {
    "responses": 50_000,  # survey answers are counted, not printed
    "indicators": 300,  # one heading each, and a bar each in the points-lost chart
    "budget_lines": 100, "queries": 100, "surveys": 100,  # a bar each in a chart
}
TABLE_COLUMNS = 200

DATA_FOLDER_BYTES = 500 * MB  # a data folder `jixiao new --from` copies
BUNDLE_BYTES = 1024 * MB  # a --cluster task's inputs or outputs, unpacked
BUNDLE_FILES = 20_000  # files in one such bundle
TEXT_BYTES = 2 * MB  # one .md text (analysis.md included) or inline text
PLACEHOLDER_CHARS = 20_000  # what one {{ … }} or one filter may produce
TEXT_CHARS = 2 * MB  # a text after its placeholders are filled
TEXT_SECONDS = 10  # filling one text's placeholders
# pandoc's Typst writer takes time growing with the square of a paragraph's length (10,000
# characters: 1 s; 30,000: 9 s; measured here): a paragraph is bounded, and so are all texts.
MARKDOWN_DEPTH = 30  # quotes and lists inside each other, square brackets left open, in a text
PARAGRAPH_CHARS = 2_000  # characters of one paragraph, heading or table-free block
FOOTNOTES = 200  # footnotes of one text
TEXTS_CHARS = 1_000_000  # characters of all texts and indicator analyses of a report together
RENDER_SECONDS = 300  # one format's pandoc or Typst run (the watchdog)
SANITIZE_SECONDS = 120  # pandoc reading or writing all the texts of a project for check

TRACED_FIGURES = 20_000  # figures of one HTML report given a source tooltip (provenance.json)
TRACE_SEARCH_CHARS = 50_000_000  # characters of texts searched while tracing them (some 0.1 s)

NUMBER_DIGITS = 15  # significant digits kept (as Excel keeps them)
NUMBER_MAX_EXPONENT = 15  # |x| < 10^15: larger is not an amount or a score
NUMBER_MIN_EXPONENT = -10  # non-zero |x| ≥ 10^-10: smaller is not typed on purpose
