//! The web app: reusable components, the layout around signed-in pages, and one module of
//! pages per entity.

pub mod components;
pub mod layout;
pub mod pages;
