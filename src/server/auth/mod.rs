//! Authentication: password hashing, opaque tokens (sessions and API tokens), and resolving
//! the caller of a request.

pub mod caller;
pub mod password;
pub mod token;

pub use caller::{Caller, Member};
