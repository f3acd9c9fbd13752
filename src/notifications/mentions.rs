//! Who a thread or comment mentions, among this server's people.
//!
//! Written here: `@name` and `@name@this.host` in the Markdown source.
//! Received: links whose text is `@name` or `@name@host` and whose address
//! is on this server (Mastodon, Lemmy and Mbin render mentions so), and
//! `@name@this.host` written out. A bare `@name` in another server's text
//! names someone there, not here.

/// At most this many people are told of one text: a post naming hundreds
/// is spam, not conversation.
pub const MAX_MENTIONS: usize = 20;

/// The local names `text` mentions: its Markdown source when written
/// here, its HTML when received. `domain`: this server's `host[:port]`.
pub fn local_names(text: &str, written_here: Written, domain: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (name, host) in handles(&strip_tags(text)) {
        let ours = match host {
            None => written_here == Written::Here,
            Some(h) => h.eq_ignore_ascii_case(domain),
        };
        if ours {
            push(&mut names, name);
        }
    }
    if written_here == Written::Elsewhere {
        for (href, label) in links(text) {
            if !on_host(&href, domain) {
                continue;
            }
            if let Some((name, _)) = handles(&label).into_iter().next() {
                push(&mut names, name);
            }
        }
    }
    names.truncate(MAX_MENTIONS);
    names
}

/// Where a text was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Here,
    Elsewhere,
}

fn push(names: &mut Vec<String>, name: String) {
    let name = name.to_lowercase();
    if !names.contains(&name) {
        names.push(name);
    }
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':')
}

/// `@name` and `@name@host` handles in plain text, where `@` starts a word.
fn handles(text: &str) -> Vec<(String, Option<String>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(name_char(chars[i - 1]) || matches!(chars[i - 1], '@' | '/'));
        if chars[i] != '@' || !starts_word {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < chars.len() && name_char(chars[end]) {
            end += 1;
        }
        if end == start {
            i += 1;
            continue;
        }
        let name: String = chars[start..end].iter().collect();
        let mut host = None;
        if end < chars.len() && chars[end] == '@' {
            let hstart = end + 1;
            let mut hend = hstart;
            while hend < chars.len() && host_char(chars[hend]) {
                hend += 1;
            }
            // A sentence's full stop or colon is not part of the host.
            while hend > hstart && matches!(chars[hend - 1], '.' | ':' | '-') {
                hend -= 1;
            }
            if hend > hstart {
                host = Some(chars[hstart..hend].iter().collect());
                end = hend;
            }
        }
        found.push((name, host));
        i = end;
    }
    found
}

/// The text of HTML, tags dropped (entities other than `&amp;` do not
/// matter to handles).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("@ ", "@").replace("&amp;", "&")
}

/// (href, text) of each `<a>` in sanitized HTML.
fn links(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<a ") {
        rest = &rest[at + 3..];
        let Some(close) = rest.find('>') else { break };
        let attrs = &rest[..close];
        rest = &rest[close + 1..];
        let Some(end) = rest.find("</a>") else { break };
        let label = strip_tags(&rest[..end]).replace(' ', "");
        rest = &rest[end + 4..];
        if let Some(href) = attr(attrs, "href") {
            found.push((href, label));
        }
    }
    found
}

fn attr(attrs: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = attrs.find(&key)? + key.len();
    let len = attrs[start..].find('"')?;
    Some(attrs[start..start + len].replace("&amp;", "&"))
}

fn on_host(href: &str, domain: &str) -> bool {
    url::Url::parse(href).is_ok_and(|u| {
        let authority = match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => return false,
        };
        authority.eq_ignore_ascii_case(domain)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_written_here() {
        let t = "Hi @alice and @Bob@here.example:8080, not me@mail.example nor @carol@far.example.";
        assert_eq!(
            local_names(t, Written::Here, "here.example:8080"),
            vec!["alice", "bob"]
        );
    }

    #[test]
    fn html_received_from_mastodon_and_lemmy() {
        let t = r#"<p><span class="h-card"><a href="https://here.example/u/alice" class="u-url mention">@<span>alice</span></a></span> and <a href="https://far.example/@dave">@dave</a>, also @erin@here.example.</p>"#;
        assert_eq!(
            local_names(t, Written::Elsewhere, "here.example"),
            vec!["erin", "alice"]
        );
        // A bare @name from elsewhere names someone there.
        assert!(local_names("@alice hi", Written::Elsewhere, "here.example").is_empty());
    }

    #[test]
    fn at_most_so_many() {
        let t: String = (0..50).map(|i| format!("@p{i} ")).collect();
        assert_eq!(local_names(&t, Written::Here, "h").len(), MAX_MENTIONS);
    }
}
