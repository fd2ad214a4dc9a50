//! A small document model shared by the Markdown and the HTML newsletter, so both
//! formats always carry the same sections, sentences and numbers.
//!
//! Renderers build blocks of plain text; escaping happens here, once, for the format
//! written. Only the infographic enters as ready markup, and it is made by `svg.rs`,
//! which escapes its own texts. This module must never accept markup from the log.

use crate::escape::{escape_html, escape_markdown};
use crate::lang::{Lang, LOG_LANG};

/// A piece of a line.
#[derive(Clone, Debug)]
pub(crate) enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasised text.
    Strong(String),
    /// Literal text in a monospace font (hashes, commands).
    Code(String),
    /// A link.
    Link { text: String, href: String },
    /// Text from the log (a title, a reason): written in the ledger's language, which
    /// an HTML page in another language marks with `lang`.
    Log(String),
}

/// A line of text made of pieces.
pub(crate) type Line = Vec<Inline>;

/// One table: a caption, column heads, and rows led by a row head.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub(crate) caption: String,
    pub(crate) head: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
}

/// A block of the document.
#[derive(Clone, Debug)]
pub(crate) enum Block {
    /// A heading (level 1 to 4) with an optional anchor id (HTML only).
    Heading {
        level: u8,
        text: Line,
        id: Option<String>,
    },
    /// A paragraph.
    Para(Line),
    /// A bulleted list.
    List(Vec<Line>),
    /// A numbered list.
    Numbered(Vec<Line>),
    /// A quotation from the log (a remark, an advice) with who said it.
    Quote { text: String, cite: String },
    /// A data table.
    Table(Table),
    /// The infographic: inline SVG in HTML, an image link in Markdown (when `href` is
    /// known), with a caption in both.
    Figure {
        svg: String,
        href: Option<String>,
        alt: String,
        caption: String,
    },
    /// Lines of literal text (commands).
    Code(Vec<String>),
    /// A separator before the footer.
    Rule,
}

fn markdown_inline(line: &Line) -> String {
    let mut out = String::new();
    for piece in line {
        match piece {
            Inline::Text(t) | Inline::Log(t) => out.push_str(&escape_markdown(t)),
            Inline::Strong(t) => {
                out.push_str("**");
                out.push_str(&escape_markdown(t));
                out.push_str("**");
            }
            Inline::Code(t) => {
                // A code span cannot escape; pick a fence longer than any run inside.
                let fence = "`".repeat(longest_run(t, '`') + 1);
                let pad = if t.starts_with('`') || t.ends_with('`') {
                    " "
                } else {
                    ""
                };
                out.push_str(&format!("{fence}{pad}{}{pad}{fence}", t.replace('\n', " ")));
            }
            Inline::Link { text, href } => {
                out.push_str(&format!(
                    "[{}]({})",
                    escape_markdown(text),
                    markdown_href(href)
                ));
            }
        }
    }
    out
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// A link target safe inside `(...)`: spaces, parentheses and angle brackets
/// percent-encoded.
fn markdown_href(href: &str) -> String {
    href.replace('%', "%25")
        .replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E")
        .replace('\n', "")
}

/// Renders `blocks` as CommonMark with GitHub tables.
pub(crate) fn to_markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading { level, text, .. } => {
                out.push_str(&"#".repeat(usize::from((*level).clamp(1, 6))));
                out.push(' ');
                out.push_str(&markdown_inline(text));
                out.push('\n');
            }
            Block::Para(line) => {
                out.push_str(&markdown_inline(line));
                out.push('\n');
            }
            Block::List(items) => {
                for item in items {
                    out.push_str("- ");
                    out.push_str(&markdown_inline(item));
                    out.push('\n');
                }
            }
            Block::Numbered(items) => {
                for (k, item) in items.iter().enumerate() {
                    out.push_str(&format!("{}. ", k + 1));
                    out.push_str(&markdown_inline(item));
                    out.push('\n');
                }
            }
            Block::Quote { text, cite } => {
                out.push_str("> ");
                out.push_str(&escape_markdown(text));
                out.push_str("\n>\n> — ");
                out.push_str(&escape_markdown(cite));
                out.push('\n');
            }
            Block::Table(table) => {
                out.push_str(&format!("**{}**\n\n", escape_markdown(&table.caption)));
                let cells = |row: &[String]| -> String {
                    let escaped: Vec<String> = row.iter().map(|c| escape_markdown(c)).collect();
                    format!("| {} |\n", escaped.join(" | "))
                };
                out.push_str(&cells(&table.head));
                let rule: Vec<&str> = (0..table.head.len())
                    .map(|k| if k == 0 { "---" } else { "---:" })
                    .collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
                for row in &table.rows {
                    out.push_str(&cells(row));
                }
            }
            Block::Figure {
                href, alt, caption, ..
            } => {
                if let Some(href) = href {
                    out.push_str(&format!(
                        "![{}]({})\n\n",
                        escape_markdown(alt),
                        markdown_href(href)
                    ));
                }
                out.push('*');
                out.push_str(&escape_markdown(caption));
                out.push_str("*\n");
            }
            Block::Code(lines) => {
                let fence = "`".repeat(
                    lines
                        .iter()
                        .map(|l| longest_run(l, '`'))
                        .max()
                        .unwrap_or(0)
                        .max(2)
                        + 1,
                );
                out.push_str(&fence);
                out.push_str("sh\n");
                for line in lines {
                    out.push_str(line);
                    out.push('\n');
                }
                out.push_str(&fence);
                out.push('\n');
            }
            Block::Rule => out.push_str("---\n"),
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// ` lang="nl-BE"` when a page in `lang` shows text from the log, else nothing.
pub(crate) fn log_lang_attr(lang: Lang) -> String {
    if lang == LOG_LANG {
        String::new()
    } else {
        format!(" lang=\"{}\"", LOG_LANG.tag())
    }
}

fn html_inline(line: &Line, lang: Lang) -> String {
    let mut out = String::new();
    for piece in line {
        match piece {
            Inline::Text(t) => out.push_str(&escape_html(t)),
            Inline::Strong(t) => out.push_str(&format!("<strong>{}</strong>", escape_html(t))),
            Inline::Code(t) => out.push_str(&format!("<code>{}</code>", escape_html(t))),
            Inline::Link { text, href } => out.push_str(&format!(
                "<a href=\"{}\">{}</a>",
                escape_html(href),
                escape_html(text)
            )),
            Inline::Log(t) => match log_lang_attr(lang) {
                attr if attr.is_empty() => out.push_str(&escape_html(t)),
                attr => out.push_str(&format!("<span{attr}>{}</span>", escape_html(t))),
            },
        }
    }
    out
}

/// Renders `blocks` as HTML body content (one element per line) for a page in `lang`.
pub(crate) fn to_html(blocks: &[Block], lang: Lang) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading { level, text, id } => {
                let level = (*level).clamp(1, 6);
                let id = id
                    .as_ref()
                    .map(|id| format!(" id=\"{}\"", escape_html(id)))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "<h{level}{id}>{}</h{level}>\n",
                    html_inline(text, lang)
                ));
            }
            Block::Para(line) => out.push_str(&format!("<p>{}</p>\n", html_inline(line, lang))),
            Block::List(items) | Block::Numbered(items) => {
                let tag = if matches!(block, Block::List(_)) { "ul" } else { "ol" };
                out.push_str(&format!("<{tag}>\n"));
                for item in items {
                    out.push_str(&format!("<li>{}</li>\n", html_inline(item, lang)));
                }
                out.push_str(&format!("</{tag}>\n"));
            }
            Block::Quote { text, cite } => out.push_str(&format!(
                "<figure class=\"remark\"><blockquote{}><p>{}</p></blockquote><figcaption>— {}</figcaption></figure>\n",
                log_lang_attr(lang),
                escape_html(text),
                escape_html(cite)
            )),
            Block::Table(table) => out.push_str(&html_table(table)),
            Block::Figure { svg, caption, .. } => out.push_str(&format!(
                "<figure class=\"infographic\">\n{svg}<figcaption>{}</figcaption>\n</figure>\n",
                escape_html(caption)
            )),
            Block::Code(lines) => {
                let body: Vec<String> = lines.iter().map(|l| escape_html(l)).collect();
                out.push_str(&format!("<pre><code>{}</code></pre>\n", body.join("\n")));
            }
            Block::Rule => out.push_str("<hr>\n"),
        }
    }
    out
}

/// A data table with a caption, column heads (`scope="col"`) and row heads
/// (`scope="row"`), numbers right-aligned. On a narrow screen the table scrolls inside
/// a labelled region that keyboard users can reach.
pub(crate) fn html_table(table: &Table) -> String {
    let mut out = format!(
        "<div class=\"table-wrap\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">\n<table>\n",
        escape_html(&table.caption)
    );
    out.push_str(&format!(
        "<caption>{}</caption>\n",
        escape_html(&table.caption)
    ));
    out.push_str("<thead><tr>");
    for head in &table.head {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape_html(head)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (k, cell) in row.iter().enumerate() {
            if k == 0 {
                out.push_str(&format!("<th scope=\"row\">{}</th>", escape_html(cell)));
            } else {
                out.push_str(&format!("<td class=\"num\">{}</td>", escape_html(cell)));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remark_cannot_become_markup_in_either_format() {
        let blocks = [Block::Quote {
            text: "<script>alert(1)</script> **vet**".to_owned(),
            cite: "Bib <b>X</b>".to_owned(),
        }];
        let html = to_html(&blocks, Lang::Nl);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("Bib &lt;b&gt;X&lt;/b&gt;"));
        let md = to_markdown(&blocks);
        assert!(
            md.contains("\\<script>alert(1)\\</script> \\*\\*vet\\*\\*"),
            "{md}"
        );
    }

    #[test]
    fn code_spans_survive_backticks() {
        let line = vec![Inline::Code("a`b".to_owned())];
        assert_eq!(markdown_inline(&line), "``a`b``");
    }

    #[test]
    fn text_from_the_log_is_marked_dutch_on_an_english_page() {
        let blocks = [Block::Para(vec![
            Inline::Text("On ".to_owned()),
            Inline::Log("IBL-microsubsidies".to_owned()),
        ])];
        assert_eq!(
            to_html(&blocks, Lang::En),
            "<p>On <span lang=\"nl-BE\">IBL-microsubsidies</span></p>\n"
        );
        assert_eq!(to_html(&blocks, Lang::Nl), "<p>On IBL-microsubsidies</p>\n");
        assert_eq!(to_markdown(&blocks), "On IBL-microsubsidies\n");
    }
}
