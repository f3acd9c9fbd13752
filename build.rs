// Rebuild when a migration is added or changed: they are embedded in the
// binary (`embed_migrations!` in src/store/mod.rs), and cargo does not see
// new files in that folder otherwise.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
