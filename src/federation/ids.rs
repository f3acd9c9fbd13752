//! The ActivityPub ids of local actors and objects. Every local row gets its
//! id at creation, so federation never has to rewrite references.

/// Ids of one instance, built from its public URL.
#[derive(Debug, Clone)]
pub struct Ids {
    base: String,
}

impl Ids {
    pub fn new(base_url: &str) -> Ids {
        Ids {
            base: base_url.trim_end_matches('/').to_string(),
        }
    }

    pub fn person(&self, name: &str) -> String {
        format!("{}/u/{name}", self.base)
    }
    pub fn person_inbox(&self, name: &str) -> String {
        format!("{}/u/{name}/inbox", self.base)
    }
    pub fn group(&self, name: &str) -> String {
        format!("{}/g/{name}", self.base)
    }
    pub fn group_inbox(&self, name: &str) -> String {
        format!("{}/g/{name}/inbox", self.base)
    }
    pub fn group_collection(&self, name: &str, collection: &str) -> String {
        format!("{}/g/{name}/{collection}", self.base)
    }
    pub fn shared_inbox(&self) -> String {
        format!("{}/inbox", self.base)
    }
    pub fn post(&self, id: i64) -> String {
        format!("{}/post/{id}", self.base)
    }
    pub fn comment(&self, id: i64) -> String {
        format!("{}/comment/{id}", self.base)
    }
    /// A new activity id: `{base}/activities/{kind}/{random}`.
    pub fn activity(&self, kind: &str) -> String {
        format!(
            "{}/activities/{kind}/{}",
            self.base,
            &crate::community::tokens::random_token()[..32]
        )
    }
    /// A unique placeholder for a row whose numeric id is not known yet;
    /// replaced within the same transaction.
    pub fn placeholder(&self, kind: &str) -> String {
        format!(
            "{}/{kind}/pending-{}",
            self.base,
            crate::community::tokens::random_token()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_the_port_and_drop_a_trailing_slash() {
        let ids = Ids::new("http://127.0.0.1:8081/");
        assert_eq!(ids.person("ann"), "http://127.0.0.1:8081/u/ann");
        assert_eq!(ids.group("support"), "http://127.0.0.1:8081/g/support");
        assert_eq!(ids.post(7), "http://127.0.0.1:8081/post/7");
        assert_eq!(ids.comment(9), "http://127.0.0.1:8081/comment/9");
    }
}
