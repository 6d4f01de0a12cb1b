//! Text boxes that grow with their text: `<textarea use:grow …>` is as tall as what it holds (from its
//! `rows` up to 70 % of the window, where it scrolls), when drawn, as it is typed in, when it is focused
//! and when the window's width changes. WebKitGTK has no `field-sizing: content` (checked in the app's
//! webview: `CSS.supports` is false), so the height is set here.

use leptos::prelude::*;
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, Event, HtmlElement};
use std::cell::OnceCell;

/// The directive: fits the box once it is laid out, and again on every input and focus.
pub fn grow(el: Element) {
    thread_local! {
        // One listener for every box (it fits the box the event came from): nothing per box is kept.
        static REFIT: OnceCell<Closure<dyn Fn(Event)>> = const { OnceCell::new() };
    }
    REFIT.with(|f| {
        let f = f.get_or_init(|| {
            // A window made narrower or wider wraps every box's text again (a phone turned, a desktop
            // window resized): all of them are fitted again.
            let _ = window_event_listener(leptos::ev::resize, |_| {
                let boxes = document().get_elements_by_tag_name("textarea");
                for i in 0..boxes.length() {
                    if let Some(el) = boxes.item(i).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                        fit(&el);
                    }
                }
            });
            Closure::new(|ev: Event| {
                if let Some(el) = ev.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                    fit(&el);
                }
            })
        });
        for event in ["input", "focus"] {
            let _ = el.add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
        }
    });
    let el: HtmlElement = el.unchecked_into();
    request_animation_frame(move || fit(&el));
}

/// Sets `el`'s height to its text's (its borders included): shrunk to nothing first, so it shrinks as
/// text is deleted. Not below its `rows` (the height it starts at, from CSS `min-height`).
fn fit(el: &HtmlElement) {
    let style = el.style();
    let _ = style.set_property("height", "auto");
    let borders = el.offset_height() - el.client_height();
    let _ = style.set_property("height", &format!("{}px", el.scroll_height() + borders));
}
