//! Markdown to safe HTML: pulldown-cmark renders, ammonia sanitizes (so raw
//! HTML in the source can never reach a reader unfiltered).

use pulldown_cmark::{html, Options, Parser};

pub fn render(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(source, options));
    sanitize(&out)
}

/// Sanitizes HTML from any source: links get rel="noopener noreferrer nofollow"
/// and only http(s)/mailto URLs survive.
pub fn sanitize(html: &str) -> String {
    let mut builder = ammonia::Builder::default();
    // ammonia allows `cite` on these by default but does not check it as a
    // URL, so `<q cite="javascript:...">` would be kept as is: drop it.
    for tag in ["blockquote", "del", "ins", "q"] {
        builder.rm_tag_attributes(tag, &["cite"]);
    }
    builder
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

/// Plain text as HTML text (for a summary sent or shown as HTML).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        let html = render("# Title\n\n**bold** and [link](https://example.com)");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
        assert!(html.contains("nofollow"), "{html}");
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_urls() {
        let html = render(
            "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) <a href=\"javascript:alert(4)\">y</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
    }

    #[test]
    fn drops_cite_urls() {
        let html = sanitize("<blockquote cite=\"javascript:alert(1)\">q</blockquote><q cite=\"https://example.com/\">r</q>");
        assert_eq!(html, "<blockquote>q</blockquote><q>r</q>");
    }
}
