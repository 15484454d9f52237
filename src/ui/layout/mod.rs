//! The frame around signed-in pages: navigation, organization switcher, user menu.

mod app_layout;
mod auth_card;

pub use app_layout::{use_me, use_my_organizations, AppLayout, SignedIn};
pub use auth_card::AuthCard;
