//! Tables: the one renderer of every table gocross prints on a terminal or writes as
//! GitHub-flavoured Markdown (step summaries, release notes, check runs, comments). A
//! [`Table`] holds a header and rows of [`Cell`]s; [`Table::render`] decides the escaping for
//! the [`Output`]. Cells carry hostile text (file names, compiler and binary output, API
//! answers), so every cell is scrubbed: ANSI escape sequences are removed, line breaks become
//! spaces, other control characters and bidirectional overrides become U+FFFD. Markdown also
//! escapes `|` (GFM table cells), `<` and `>` (raw HTML), `[` and `]` (links and images)
//! and `\` in text, and code spans take a
//! backtick fence longer than any run of backticks they hold (CommonMark's code-span rule).
//! The terminal engine is comfy_table: no borders, columns sized to the content.

/// Where a table goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Plain text for a terminal or a log: code and strong text are shown as they are.
    Terminal,
    /// GitHub-flavoured Markdown: `| a | b |` rows under a `|---|---|` delimiter row.
    Markdown,
}

/// How a column's cells line up (Markdown's delimiter row; the terminal lines up left).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Left-aligned (text).
    #[default]
    Left,
    /// For numbers and sizes: `--:`.
    Right,
}

/// A piece of a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Span {
    Text(String),
    Code(String),
    Strong(String),
}

/// One cell: text, code (a file name, a digest), strong text, or several of them in a row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cell(Vec<Span>);

impl Cell {
    /// Plain text.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell(vec![Span::Text(s.into())])
    }

    /// Code: a Markdown code span (backticks), plain on a terminal.
    pub fn code(s: impl Into<String>) -> Cell {
        Cell(vec![Span::Code(s.into())])
    }

    /// Strong text: `**bold**` in Markdown, plain on a terminal.
    pub fn strong(s: impl Into<String>) -> Cell {
        Cell(vec![Span::Strong(s.into())])
    }

    /// This cell followed by `next`, e.g. `Cell::code(name).then(Cell::text(" (3)"))`.
    pub fn then(mut self, next: Cell) -> Cell {
        self.0.extend(next.0);
        self
    }

    /// The cell as `output` shows it inside a row (without the `|` around it).
    pub fn render(&self, output: Output) -> String {
        self.0
            .iter()
            .map(|span| match (output, span) {
                (Output::Terminal, Span::Text(s) | Span::Code(s) | Span::Strong(s)) => {
                    cut(scrub(s, false))
                }
                (Output::Markdown, Span::Text(s)) => markdown_text(s),
                (Output::Markdown, Span::Strong(s)) if s.is_empty() => String::new(),
                (Output::Markdown, Span::Strong(s)) => format!("**{}**", markdown_text(s)),
                (Output::Markdown, Span::Code(s)) => markdown_code(s),
            })
            .collect()
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::text(s)
    }
}

/// A header and rows of cells. Rows shorter than the header are padded with empty cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<(String, Align)>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these column titles, every column aligned left.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        Table {
            header: header
                .into_iter()
                .map(|h| (h.into(), Align::Left))
                .collect(),
            rows: Vec::new(),
        }
    }

    /// The same table with column `index` (0-based) aligned as `align`.
    pub fn align(mut self, index: usize, align: Align) -> Table {
        if let Some(column) = self.header.get_mut(index) {
            column.1 = align;
        }
        self
    }

    /// Adds a row.
    pub fn push<C: Into<Cell>>(&mut self, row: impl IntoIterator<Item = C>) {
        self.rows.push(row.into_iter().map(Into::into).collect());
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The whole table. Terminal: the header line and one line per row, columns padded to
    /// their widest cell, no trailing newline. Markdown: [`Table::markdown_header`] then
    /// [`Table::markdown_rows`], each line ending in a newline.
    pub fn render(&self, output: Output) -> String {
        match output {
            Output::Terminal => {
                let mut t = comfy_table::Table::new();
                t.load_preset(comfy_table::presets::NOTHING);
                t.set_header(self.header.iter().map(|(h, _)| scrub(h, false)));
                for row in &self.rows {
                    t.add_row(self.cells(row).map(|c| c.render(Output::Terminal)));
                }
                t.to_string()
            }
            Output::Markdown => {
                let mut md = self.markdown_header();
                md.extend(self.markdown_rows());
                md
            }
        }
    }

    /// The Markdown header and delimiter rows: `| a | b |\n|---|--:|\n`.
    pub fn markdown_header(&self) -> String {
        let titles: Vec<Cell> = self.header.iter().map(|(h, _)| Cell::text(h)).collect();
        let mut md = markdown_row(titles.iter());
        md.push('|');
        for (_, align) in &self.header {
            md.push_str(match align {
                Align::Left => "---|",
                Align::Right => "--:|",
            });
        }
        md.push('\n');
        md
    }

    /// One Markdown line per row, each ending in a newline (callers that must stay within a
    /// size limit take as many as fit).
    pub fn markdown_rows(&self) -> impl Iterator<Item = String> + '_ {
        self.rows.iter().map(|row| markdown_row(self.cells(row)))
    }

    /// A row's cells, padded or cut to the header's width.
    fn cells<'a>(&'a self, row: &'a [Cell]) -> impl Iterator<Item = &'a Cell> {
        static EMPTY: Cell = Cell(Vec::new());
        (0..self.header.len()).map(|i| row.get(i).unwrap_or(&EMPTY))
    }
}

/// `| a | b |\n`; an empty cell is a single space (`| |`).
fn markdown_row<'a>(cells: impl Iterator<Item = &'a Cell>) -> String {
    let mut md = String::from("|");
    for cell in cells {
        let s = cell.render(Output::Markdown);
        if !s.is_empty() {
            md.push(' ');
            md.push_str(&s);
        }
        md.push_str(" |");
    }
    md.push('\n');
    md
}

/// Longest terminal cell, in characters: comfy_table measures widths in `u16`, and a cell
/// this long is already unreadable.
pub const TERMINAL_CELL_MAX: usize = 4096;

/// `s` cut to [`TERMINAL_CELL_MAX`] characters, the last one `…` when it was cut.
fn cut(s: String) -> String {
    if s.chars().count() <= TERMINAL_CELL_MAX {
        return s;
    }
    let mut out: String = s.chars().take(TERMINAL_CELL_MAX - 1).collect();
    out.push('…');
    out
}

/// `s` without ANSI escape sequences (CSI, OSC, DCS: `console`'s parser), its line breaks
/// (`\r\n`, `\n`, `\r`) as one space each, tabs kept when `keep_tabs` (else a space), and
/// every other control character (C0, DEL, C1, a stray ESC) and bidirectional formatting
/// character (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) as U+FFFD.
fn scrub(s: &str, keep_tabs: bool) -> String {
    let s = console::strip_ansi_codes(s);
    let s = s.replace("\r\n", "\n");
    s.chars()
        .map(|c| match c {
            '\n' | '\r' => ' ',
            '\t' if keep_tabs => '\t',
            '\t' => ' ',
            '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => '\u{fffd}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Markdown text in a table cell: scrubbed, `|` as `\|`, `<` and `>` as `&lt;` and `&gt;`
/// (so no raw HTML, such as a comment that hides the rest of a summary, gets through), `[`
/// and `]` as `\[` and `\]` (so no link or image: `[text](url)`, `![x](url)`), and `\` as
/// `\\` (so that a backslash in the text cannot undo one of these escapes).
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in scrub(s, true).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span in a table cell: scrubbed, `|` as `\|` (GFM unescapes it inside code
/// too), fenced with one backtick more than the longest run inside, padded with a space
/// when it starts or ends with a backtick. Empty code is nothing.
fn markdown_code(s: &str) -> String {
    let s = scrub(s, true).replace('|', "\\|");
    if s.is_empty() {
        return s;
    }
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cell of everything an attacker can put in a file name or a binary's output.
    const HOSTILE: &str = "a|b\nc`d<script>alert(1)</script>\x1b[31mred\x1b[0m\x1b]8;;https://x\x07link\x1b]8;;\x07\r\ne\u{202e}f\x07";

    fn table(cell: Cell) -> Table {
        let mut t = Table::new(["name", "size"]).align(1, Align::Right);
        t.push([cell, Cell::text("1 KiB")]);
        t
    }

    #[test]
    fn markdown_escapes_hostile_text() {
        let md = table(Cell::text(HOSTILE)).render(Output::Markdown);
        assert_eq!(
            md,
            "| name | size |\n|---|--:|\n| a\\|b c`d&lt;script&gt;alert(1)&lt;/script&gt;redlink e\u{fffd}f\u{fffd} | 1 KiB |\n"
        );
        assert_eq!(md.lines().count(), 3, "one line per row: {md}");
    }

    #[test]
    fn markdown_text_has_no_links_or_images() {
        let md = |s: &str| Cell::text(s).render(Output::Markdown);
        assert_eq!(
            md("TestX/[click](https://evil.example)"),
            "TestX/\\[click\\](https://evil.example)"
        );
        assert_eq!(
            md("![x](https://evil.example/a.png)"),
            "!\\[x\\](https://evil.example/a.png)"
        );
        assert_eq!(md("a\\[b]"), "a\\\\\\[b\\]");
        assert_eq!(md("a\\|b"), "a\\\\\\|b");
        assert_eq!(
            Cell::code("[x](u)`y").render(Output::Markdown),
            "``[x](u)`y``",
            "code shows links as text"
        );
    }

    #[test]
    fn markdown_code_spans_hold_backticks_and_pipes() {
        let md = |c: Cell| c.render(Output::Markdown);
        assert_eq!(md(Cell::code("hello_linux_amd64")), "`hello_linux_amd64`");
        assert_eq!(md(Cell::code("a`b")), "``a`b``");
        assert_eq!(md(Cell::code("``x")), "``` ``x ```");
        assert_eq!(md(Cell::code("a|b")), "`a\\|b`");
        assert_eq!(
            md(Cell::code("<script>")),
            "`<script>`",
            "code shows HTML as text"
        );
        assert_eq!(md(Cell::code("")), "");
        assert_eq!(
            md(Cell::code(HOSTILE)),
            "``a\\|b c`d<script>alert(1)</script>redlink e\u{fffd}f\u{fffd}``"
        );
        assert_eq!(
            md(Cell::code("x")
                .then(Cell::text(" ("))
                .then(Cell::strong("no|"))
                .then(Cell::text(")"))),
            "`x` (**no\\|**)"
        );
    }

    #[test]
    fn markdown_rows_keep_the_existing_shape() {
        let mut t = Table::new(["target", "file", "sha256"]);
        t.push([Cell::code("linux/amd64"), Cell::text(""), Cell::code("abc")]);
        t.push([Cell::text("short row")]);
        assert_eq!(
            t.render(Output::Markdown),
            "| target | file | sha256 |\n|---|---|---|\n| `linux/amd64` | | `abc` |\n| short row | | |\n"
        );
        assert_eq!(t.markdown_rows().count(), 2);
    }

    #[test]
    fn terminal_cells_are_scrubbed() {
        let text = table(Cell::code(HOSTILE)).render(Output::Terminal);
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(
            !text.contains('\u{202e}') && !text.contains('\r'),
            "{text:?}"
        );
        assert_eq!(text.lines().count(), 2, "one line per row: {text}");
        assert!(
            text.contains("a|b c`d<script>alert(1)</script>redlink e\u{fffd}f\u{fffd}"),
            "{text}"
        );
        assert_eq!(
            Cell::strong("a\tb").render(Output::Terminal),
            "a b",
            "no tabs that break the columns"
        );
    }

    #[test]
    fn terminal_columns_line_up() {
        let mut t = Table::new(["TARGET", "SIZE"]);
        t.push(["linux/amd64", "1.00 KiB"]);
        t.push(["js/wasm", "2 B"]);
        let text = t.render(Output::Terminal);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let at = |l: &str, w: &str| l.find(w).unwrap();
        assert_eq!(at(lines[0], "SIZE"), at(lines[1], "1.00"), "{text}");
        assert_eq!(at(lines[0], "SIZE"), at(lines[2], "2 B"), "{text}");
    }

    #[test]
    fn very_long_cells_stay_on_one_line() {
        let long = "é".repeat(100_000);
        let md = table(Cell::text(&long)).render(Output::Markdown);
        assert!(md.contains(&long), "Markdown keeps the whole cell");
        assert_eq!(md.lines().count(), 3);

        let text = table(Cell::text(&long)).render(Output::Terminal);
        let cut = format!("{}…", "é".repeat(TERMINAL_CELL_MAX - 1));
        assert!(text.contains(&format!("{cut} ")), "the terminal cuts it");
        assert!(!text.contains(&format!("é{cut}")));
        assert_eq!(text.lines().count(), 2, "one line per row");

        let fits = "y".repeat(TERMINAL_CELL_MAX);
        assert_eq!(Cell::text(&fits).render(Output::Terminal), fits);
    }
}
