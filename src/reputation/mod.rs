//! Reputation: a ledger of gains and losses for every person seen here,
//! local or remote, judged locally. `points`, `ranks`, `badges` and
//! `serial` are the pure rules; `ledger` applies them to the store, called
//! the same way by the REST API and federation (votes, accepted solutions,
//! kudos, removals, upheld reports); `board` reads leaderboards and
//! histories.

pub mod admin;
pub mod badges;
pub mod board;
pub mod ledger;
pub mod points;
pub mod ranks;
pub mod serial;
pub mod settings;
