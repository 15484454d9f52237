//! HTML5 drag and drop, shared by the islands that move things by dragging (the deal board's
//! cards, the stage rows of a pipeline).

use leptos::ev::DragEvent;

/// Marks a drag as a move of record `id` (browsers need some data to start a drag).
pub fn start_drag(ev: &DragEvent, id: i64) {
    if let Some(dt) = ev.data_transfer() {
        let _ = dt.set_data("text/plain", &id.to_string());
        dt.set_effect_allowed("move");
    }
}

/// Shows the pointer of a move over a drop target.
pub fn set_drop_effect(ev: &DragEvent) {
    if let Some(dt) = ev.data_transfer() {
        dt.set_drop_effect("move");
    }
}
