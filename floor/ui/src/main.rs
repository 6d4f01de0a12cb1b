//! The floor app's page: one line of text, drawn by Leptos as the app draws its pages.
use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| view! { <p id="floor-line">"Penggerak"</p> });
}
