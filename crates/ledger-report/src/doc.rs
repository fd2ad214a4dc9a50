//! The one way this crate builds HTML and Markdown: a small document model shared by the
//! public page and the newsletter (Markdown, HTML for the web, HTML for mail), so every
//! format carries the same sections, sentences and numbers.
//!
//! Renderers build blocks of plain text; escaping happens here, once, for the format
//! written, and so does the page's frame (`html_document`: head, landmarks, style). Only
//! the infographic enters as ready markup, and it is made by `svg.rs`, which escapes its
//! own texts. For mail (`Medium::Mail`) every element carries its style inline, since
//! mail clients drop style sheets, and figures are images by URL, never inline SVG. This
//! module must never accept markup from the log, and never import `page.rs` or
//! `newsletter.rs` (they both build on it).

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
    /// A moment: `<time datetime="RFC 3339">text</time>` in HTML, the text in Markdown.
    Time { datetime: String, text: String },
}

/// A line of text made of pieces.
pub(crate) type Line = Vec<Inline>;

/// Plain text.
pub(crate) fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// Emphasised text.
pub(crate) fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

/// Literal text (a hash).
pub(crate) fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

/// Text from the log, in the ledger's own language.
pub(crate) fn log(s: impl Into<String>) -> Inline {
    Inline::Log(s.into())
}

/// A paragraph.
pub(crate) fn para(line: Line) -> Block {
    Block::Para(line)
}

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
    /// The infographic: inline SVG on the page; an image by URL (`src`) in mail and in
    /// Markdown (left out when there is no URL), with a caption in every format.
    Figure {
        svg: String,
        src: Option<String>,
        alt: String,
        caption: String,
    },
    /// The paragraph a reader must see first (larger on the page).
    Lead(Line),
    /// A labelled region: `<section aria-labelledby>` around its blocks, whose first
    /// block should be the heading with that id.
    Section { id: String, blocks: Vec<Block> },
    /// Blocks a reader opens on demand (`<details>`); in Markdown, a bold line and the
    /// blocks.
    Details { summary: String, blocks: Vec<Block> },
    /// Terms and values (`<dl>`); in Markdown, a list of `term: value`.
    Terms(Vec<(String, Line)>),
    /// A navigation landmark with one link to the page in another language (`hreflang`
    /// and `lang` set to `tag`, so it is announced in that language).
    Nav {
        label: String,
        text: String,
        href: String,
        tag: &'static str,
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
            Inline::Text(t) | Inline::Log(t) | Inline::Time { text: t, .. } => {
                out.push_str(&escape_markdown(t))
            }
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
                src, alt, caption, ..
            } => {
                if let Some(href) = src {
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
            Block::Lead(line) => {
                out.push_str(&markdown_inline(line));
                out.push('\n');
            }
            Block::Section { blocks, .. } => {
                out.push_str(to_markdown(blocks).trim_end());
                out.push('\n');
            }
            Block::Details { summary, blocks } => {
                out.push_str(&format!("**{}**\n\n", escape_markdown(summary)));
                out.push_str(to_markdown(blocks).trim_end());
                out.push('\n');
            }
            Block::Terms(rows) => {
                for (term, value) in rows {
                    out.push_str(&format!(
                        "- {}: {}\n",
                        escape_markdown(term),
                        markdown_inline(value)
                    ));
                }
            }
            Block::Nav { text, href, .. } => {
                out.push_str(&format!(
                    "[{}]({})\n",
                    escape_markdown(text),
                    markdown_href(href)
                ));
            }
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The style sheet of the page and of the HTML newsletter (no external resources; mail
/// gets the same rules inline as well, see `Medium::Mail`).
pub(crate) const STYLE: &str = r#":root { color-scheme: light; }
body { margin: 0; background: #ffffff; color: #1a1a1a; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
header, main, footer { max-width: 48rem; margin: 0 auto; padding: 0 1rem; }
a { color: #0b57a4; }
a:focus-visible, [tabindex]:focus-visible, summary:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
h1 { font-size: 1.75rem; line-height: 1.2; }
h2 { font-size: 1.4rem; line-height: 1.25; margin-top: 2.5rem; border-top: 1px solid #bdbdbd; padding-top: 1rem; }
h3 { font-size: 1.15rem; margin-top: 1.75rem; }
h4 { font-size: 1rem; margin-top: 1.5rem; }
figure { margin: 1rem 0; }
figure.infographic svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #3d3d3d; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.95rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.25rem; }
th, td { border-bottom: 1px solid #bdbdbd; padding: 0.35rem 0.4rem; text-align: left; vertical-align: top; }
thead th { vertical-align: bottom; }
td.num { text-align: right; white-space: nowrap; }
blockquote { margin: 0; padding: 0.25rem 1rem; border-left: 4px solid #0072B2; background: #f3f3f3; }
blockquote p { margin: 0.5rem 0; }
ul.remarks { list-style: none; padding: 0; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9rem; }
code { overflow-wrap: anywhere; }
pre { background: #f3f3f3; padding: 0.75rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: 1rem; background: #ffffff; padding: 0.5rem; z-index: 1; }
dl.checkpoint dt { font-weight: bold; }
dl.checkpoint dd { margin: 0 0 0.5rem 0; overflow-wrap: anywhere; }
footer { margin-top: 3rem; padding-bottom: 2rem; border-top: 1px solid #bdbdbd; }
p.lead { font-size: 1.25rem; line-height: 1.4; font-weight: bold; }
p.site { margin: 1rem 0 0; font-weight: bold; }
dl.terms dt { font-weight: bold; }
dl.terms dd { margin: 0 0 0.5rem 0; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
"#;

/// ` lang="nl-BE"` when a page in `lang` shows text from the log, else nothing.
pub(crate) fn log_lang_attr(lang: Lang) -> String {
    if lang == LOG_LANG {
        String::new()
    } else {
        format!(" lang=\"{}\"", LOG_LANG.tag())
    }
}

fn html_inline(line: &Line, lang: Lang, medium: Medium) -> String {
    let mut out = String::new();
    for piece in line {
        match piece {
            Inline::Text(t) => out.push_str(&escape_html(t)),
            Inline::Strong(t) => out.push_str(&format!("<strong>{}</strong>", escape_html(t))),
            Inline::Code(t) => out.push_str(&format!(
                "<code{}>{}</code>",
                medium.style("code"),
                escape_html(t)
            )),
            Inline::Link { text, href } => out.push_str(&format!(
                "<a href=\"{}\"{}>{}</a>",
                escape_html(href),
                medium.style("a"),
                escape_html(text)
            )),
            Inline::Time { datetime, text } => out.push_str(&format!(
                "<time datetime=\"{}\">{}</time>",
                escape_html(datetime),
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

/// Where HTML is read: a page in a browser (a style sheet in the head, classes on the
/// elements) or a mail client (every style inline, no style sheet relied on).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Medium {
    Page,
    Mail,
}

impl Medium {
    /// ` style="..."` for `tag` in mail, nothing on the page (the style sheet does it).
    fn style(self, tag: &str) -> &'static str {
        if self == Medium::Page {
            return "";
        }
        match tag {
            "h1" => " style=\"font-size:26px;line-height:1.25;margin:16px 0;color:#1a1a1a\"",
            "h2" => " style=\"font-size:20px;line-height:1.3;margin:28px 0 8px;color:#1a1a1a\"",
            "h3" => " style=\"font-size:17px;margin:20px 0 6px;color:#1a1a1a\"",
            "h4" => " style=\"font-size:15px;margin:16px 0 4px;color:#1a1a1a\"",
            "p" | "li" | "dd" => " style=\"font-size:16px;line-height:1.5;margin:8px 0;color:#1a1a1a\"",
            "lead" => " style=\"font-size:19px;line-height:1.45;margin:12px 0;font-weight:bold;color:#1a1a1a\"",
            "dt" => " style=\"font-weight:bold;margin-top:8px\"",
            "a" => " style=\"color:#0b57a4\"",
            "code" => " style=\"font-family:monospace;font-size:14px;word-break:break-all\"",
            "pre" => " style=\"background:#f3f3f3;padding:12px;white-space:pre-wrap;word-break:break-all\"",
            "blockquote" => " style=\"margin:0;padding:4px 16px;border-left:4px solid #0072B2;background:#f3f3f3\"",
            "figure" => " style=\"margin:16px 0\"",
            "figcaption" => " style=\"font-size:14px;color:#3d3d3d\"",
            "img" => " style=\"display:block;max-width:100%;height:auto;border:0\"",
            "table" => " style=\"border-collapse:collapse;width:100%;font-size:15px\"",
            "caption" => " style=\"text-align:left;font-weight:bold;padding-bottom:4px\"",
            "th" => " style=\"border-bottom:1px solid #bdbdbd;padding:6px;text-align:left\"",
            "td" => " style=\"border-bottom:1px solid #bdbdbd;padding:6px;text-align:right;white-space:nowrap\"",
            "hr" => " style=\"border:0;border-top:1px solid #bdbdbd;margin:24px 0\"",
            _ => "",
        }
    }
}

/// Renders `blocks` as HTML body content for `medium`.
pub(crate) fn render_html(blocks: &[Block], lang: Lang, medium: Medium) -> String {
    let mut out = String::new();
    let st = |tag| medium.style(tag);
    for block in blocks {
        match block {
            Block::Heading { level, text, id } => {
                let level = (*level).clamp(1, 6);
                let id = id
                    .as_ref()
                    .map(|id| format!(" id=\"{}\"", escape_html(id)))
                    .unwrap_or_default();
                let tag = format!("h{level}");
                out.push_str(&format!(
                    "<{tag}{id}{}>{}</{tag}>\n",
                    medium.style(&tag),
                    html_inline(text, lang, medium)
                ));
            }
            Block::Para(line) => out.push_str(&format!(
                "<p{}>{}</p>\n",
                st("p"),
                html_inline(line, lang, medium)
            )),
            Block::Lead(line) => out.push_str(&format!(
                "<p class=\"lead\"{}>{}</p>\n",
                st("lead"),
                html_inline(line, lang, medium)
            )),
            Block::List(items) | Block::Numbered(items) => {
                let tag = if matches!(block, Block::List(_)) { "ul" } else { "ol" };
                out.push_str(&format!("<{tag}>\n"));
                for item in items {
                    out.push_str(&format!(
                        "<li{}>{}</li>\n",
                        st("li"),
                        html_inline(item, lang, medium)
                    ));
                }
                out.push_str(&format!("</{tag}>\n"));
            }
            Block::Quote { text, cite } => out.push_str(&format!(
                "<figure class=\"remark\"{}><blockquote{}{}><p{}>{}</p></blockquote><figcaption{}>— {}</figcaption></figure>\n",
                st("figure"),
                log_lang_attr(lang),
                st("blockquote"),
                st("p"),
                escape_html(text),
                st("figcaption"),
                escape_html(cite)
            )),
            Block::Table(table) => out.push_str(&styled_table(table, medium)),
            Block::Figure {
                svg,
                src,
                alt,
                caption,
            } => match medium {
                Medium::Page => out.push_str(&format!(
                    "<figure class=\"infographic\">\n{svg}<figcaption>{}</figcaption>\n</figure>\n",
                    escape_html(caption)
                )),
                Medium::Mail => {
                    out.push_str(&format!("<figure{}>\n", st("figure")));
                    if let Some(src) = src {
                        out.push_str(&format!(
                            "<img src=\"{}\" alt=\"{}\" width=\"600\"{}>\n",
                            escape_html(src),
                            escape_html(alt),
                            st("img")
                        ));
                    }
                    out.push_str(&format!(
                        "<figcaption{}>{}</figcaption>\n</figure>\n",
                        st("figcaption"),
                        escape_html(caption)
                    ));
                }
            },
            Block::Code(lines) => {
                let body: Vec<String> = lines.iter().map(|l| escape_html(l)).collect();
                out.push_str(&format!(
                    "<pre{}><code>{}</code></pre>\n",
                    st("pre"),
                    body.join("\n")
                ));
            }
            Block::Rule => out.push_str(&format!("<hr{}>\n", st("hr"))),
            Block::Section { id, blocks } => {
                out.push_str(&format!(
                    "<section aria-labelledby=\"{}\">\n",
                    escape_html(id)
                ));
                out.push_str(&render_html(blocks, lang, medium));
                out.push_str("</section>\n");
            }
            Block::Details { summary, blocks } => {
                out.push_str(&format!(
                    "<details>\n<summary>{}</summary>\n",
                    escape_html(summary)
                ));
                out.push_str(&render_html(blocks, lang, medium));
                out.push_str("</details>\n");
            }
            Block::Terms(rows) => {
                out.push_str("<dl class=\"terms\">\n");
                for (term, value) in rows {
                    out.push_str(&format!(
                        "<dt{}>{}</dt><dd{}>{}</dd>\n",
                        st("dt"),
                        escape_html(term),
                        st("dd"),
                        html_inline(value, lang, medium)
                    ));
                }
                out.push_str("</dl>\n");
            }
            Block::Nav {
                label,
                text,
                href,
                tag,
            } => out.push_str(&format!(
                "<nav aria-label=\"{}\"><p><a href=\"{}\" hreflang=\"{tag}\" lang=\"{tag}\">{}</a></p></nav>\n",
                escape_html(label),
                escape_html(href),
                escape_html(text)
            )),
        }
    }
    out
}

/// A `<link>` in the head of a page.
#[derive(Clone, Debug)]
pub(crate) struct HeadLink {
    pub(crate) rel: &'static str,
    pub(crate) href: String,
    pub(crate) hreflang: Option<&'static str>,
    pub(crate) media_type: Option<&'static str>,
    pub(crate) title: Option<String>,
}

/// A whole HTML document: the page or an issue.
pub(crate) struct Document<'a> {
    pub(crate) lang: Lang,
    pub(crate) title: String,
    pub(crate) links: Vec<HeadLink>,
    /// Before the main content (page only: the skip link is added with it).
    pub(crate) header: Vec<Block>,
    pub(crate) main: Vec<Block>,
    pub(crate) footer: Vec<Block>,
    pub(crate) medium: Medium,
    /// The style sheet of the page (also kept in mail, for clients that read it).
    pub(crate) style: &'a str,
}

/// Renders a whole document: doctype, head (charset, viewport, title, links, style),
/// then the landmarks (`header`, `main id="main"`, `footer`) and a skip link when there
/// is a header to skip.
pub(crate) fn html_document(doc: &Document<'_>) -> String {
    let mut out = String::from("<!doctype html>\n");
    out.push_str(&format!("<html lang=\"{}\">\n<head>\n", doc.lang.tag()));
    out.push_str("<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape_html(&doc.title)));
    for link in &doc.links {
        let mut attrs = format!("rel=\"{}\" href=\"{}\"", link.rel, escape_html(&link.href));
        if let Some(t) = link.media_type {
            attrs.push_str(&format!(" type=\"{t}\""));
        }
        if let Some(h) = link.hreflang {
            attrs.push_str(&format!(" hreflang=\"{h}\""));
        }
        if let Some(t) = &link.title {
            attrs.push_str(&format!(" title=\"{}\"", escape_html(t)));
        }
        out.push_str(&format!("<link {attrs}>\n"));
    }
    out.push_str(&format!("<style>\n{}</style>\n</head>\n", doc.style));
    let body_style = match doc.medium {
        Medium::Page => "",
        Medium::Mail => " style=\"margin:0;padding:0 12px;background:#ffffff;color:#1a1a1a;font-family:Arial,Helvetica,sans-serif\"",
    };
    out.push_str(&format!("<body{body_style}>\n"));
    if !doc.header.is_empty() {
        out.push_str(&format!(
            "<a class=\"skip\" href=\"#main\">{}</a>\n<header>\n",
            doc.lang.pick("Naar de inhoud", "Skip to content")
        ));
        out.push_str(&render_html(&doc.header, doc.lang, doc.medium));
        out.push_str("</header>\n");
    }
    let main_style = match doc.medium {
        Medium::Page => "",
        Medium::Mail => " style=\"max-width:640px;margin:0 auto\"",
    };
    out.push_str(&format!("<main id=\"main\"{main_style}>\n"));
    out.push_str(&render_html(&doc.main, doc.lang, doc.medium));
    out.push_str("</main>\n");
    if !doc.footer.is_empty() {
        out.push_str("<footer>\n");
        out.push_str(&render_html(&doc.footer, doc.lang, doc.medium));
        out.push_str("</footer>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A data table with a caption, column heads (`scope="col"`) and row heads
/// (`scope="row"`), numbers right-aligned. On a narrow screen the table scrolls inside
/// a labelled region that keyboard users can reach.
fn styled_table(table: &Table, medium: Medium) -> String {
    let st = |tag| medium.style(tag);
    let mut out = format!(
        "<div class=\"table-wrap\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">\n<table{}>\n",
        escape_html(&table.caption),
        st("table")
    );
    out.push_str(&format!(
        "<caption{}>{}</caption>\n",
        st("caption"),
        escape_html(&table.caption)
    ));
    out.push_str("<thead><tr>");
    for head in &table.head {
        out.push_str(&format!(
            "<th scope=\"col\"{}>{}</th>",
            st("th"),
            escape_html(head)
        ));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (k, cell) in row.iter().enumerate() {
            if k == 0 {
                out.push_str(&format!(
                    "<th scope=\"row\"{}>{}</th>",
                    st("th"),
                    escape_html(cell)
                ));
            } else {
                out.push_str(&format!(
                    "<td class=\"num\"{}>{}</td>",
                    st("td"),
                    escape_html(cell)
                ));
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
        let html = render_html(&blocks, Lang::Nl, Medium::Page);
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
    fn mail_styles_every_element_inline_and_shows_figures_as_images() {
        let blocks = [
            Block::Para(vec![Inline::Text("Hallo".to_owned())]),
            Block::Figure {
                svg: "<svg></svg>".to_owned(),
                src: Some("https://x.example/r.png".to_owned()),
                alt: "92% ja".to_owned(),
                caption: "Uitslag".to_owned(),
            },
        ];
        let mail = render_html(&blocks, Lang::Nl, Medium::Mail);
        assert!(mail.contains("<p style=\""), "{mail}");
        assert!(!mail.contains("<svg"), "no inline SVG in mail: {mail}");
        assert!(mail.contains("<img src=\"https://x.example/r.png\" alt=\"92% ja\""));
        let page = render_html(&blocks, Lang::Nl, Medium::Page);
        assert!(page.contains("<svg></svg>") && !page.contains("style="));
    }

    #[test]
    fn text_from_the_log_is_marked_dutch_on_an_english_page() {
        let blocks = [Block::Para(vec![
            Inline::Text("On ".to_owned()),
            Inline::Log("IBL-microsubsidies".to_owned()),
        ])];
        assert_eq!(
            render_html(&blocks, Lang::En, Medium::Page),
            "<p>On <span lang=\"nl-BE\">IBL-microsubsidies</span></p>\n"
        );
        assert_eq!(
            render_html(&blocks, Lang::Nl, Medium::Page),
            "<p>On IBL-microsubsidies</p>\n"
        );
        assert_eq!(to_markdown(&blocks), "On IBL-microsubsidies\n");
    }
}
