//! Escaping text from the log for HTML, SVG (XML) and Markdown.
//!
//! Remarks, titles and names are typed by people; anything they type must show as text
//! and never become markup. This module must never be bypassed for a text that came from
//! the log: renderers call these on every such string, at the moment they write it.

/// Escapes `text` for HTML and XML element content and attribute values (double or
/// single quoted).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and line breaks are not allowed in XML.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes `text` for Markdown inline content: every character CommonMark or GitHub's
/// tables could read as syntax gets a backslash (a backslash before `<` also keeps raw
/// HTML out), characters that only matter at the start of a line are escaped there, and
/// line breaks become spaces, so a remark can neither start a heading, a list or a code
/// block nor inject a tag.
pub fn escape_markdown(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut leading_digits = true;
    for (i, &c) in chars.iter().enumerate() {
        // What follows decides whether `-`, `+` or `1.` at the start open a list.
        let spaced = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '<' | '&' => true,
            '#' | '>' => i == 0,
            '-' | '+' => i == 0 && spaced,
            '.' | ')' => leading_digits && i > 0 && spaced,
            _ => false,
        };
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => {
                if escape {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        leading_digits = leading_digits && c.is_ascii_digit();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_remark_stays_text() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \"co\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"
        );
        assert_eq!(
            escape_markdown("<script>*x*</script>\n# kop | a_b"),
            "\\<script>\\*x\\*\\</script> # kop \\| a\\_b"
        );
        assert_eq!(escape_markdown("# kop"), "\\# kop");
        assert_eq!(escape_markdown("12. punt"), "12\\. punt");
        assert_eq!(escape_markdown("- punt"), "\\- punt");
        assert_eq!(escape_markdown("4.593.343"), "4.593.343");
        assert_eq!(escape_markdown("-5 graden"), "-5 graden");
        assert_eq!(
            escape_markdown("IBL-microsubsidies, 92%."),
            "IBL-microsubsidies, 92%."
        );
    }

    #[test]
    fn control_characters_cannot_break_xml() {
        assert_eq!(escape_html("a\u{0}b\tc"), "a\u{fffd}b\tc");
    }
}
