//! Domain values stored as TEXT: one macro makes an enum whose variants
//! are stored, and shown in the API, as the same strings as before (so no
//! data migration, and the same on both stores).

/// `text_enum! { /// doc
///     pub enum Name { Variant => "text", ... } }` makes the enum with
/// `as_str`, `parse`, `ALL`, `Display`, serde as the strings, and diesel
/// `ToSql`/`FromSql` for `Text` on every backend.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
            serde::Serialize, serde::Deserialize,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The strings, for error messages: "a, b, c".
            pub fn listed() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                $name::parse(&s).ok_or_else(|| {
                    format!("{s:?} is not a {}", stringify!($name)).into()
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::store::groups::{GroupKind, MemberState};

    #[test]
    fn the_strings_are_the_stored_and_shown_ones() {
        for k in GroupKind::ALL {
            assert_eq!(GroupKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(MemberState::Accepted.as_str(), "accepted");
        assert_eq!(GroupKind::parse("forum"), None);
        assert_eq!(
            serde_json::to_string(&GroupKind::Club).ok().as_deref(),
            Some("\"club\"")
        );
        assert_eq!(
            serde_json::from_str::<MemberState>("\"pending\"").ok(),
            Some(MemberState::Pending)
        );
        assert_eq!(GroupKind::listed(), "group, club");
    }
}
