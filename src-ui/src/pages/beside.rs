//! On a desktop, a detail page's list beside it (the staff beside one person's page, the communities
//! beside one community's): each name opens its page, the one shown marked, so the next one is a click
//! away instead of "back" and a scroll. A phone has no room for it: hidden there (`style.css`), the page
//! keeps the width.

use leptos::prelude::*;
use leptos_router::components::A;

/// The list titled `title` (`id` names its heading), of `(address, name)` links.
pub fn beside(id: &'static str, title: &'static str, links: Vec<(String, String)>) -> AnyView {
    view! {
        <nav class="beside no-print" aria-labelledby=id>
            <h2 id=id class="beside-title">{title}</h2>
            <ul>
                {links.into_iter().map(|(href, name)| view! { <li><A href=href exact=true>{name}</A></li> }).collect_view()}
            </ul>
        </nav>
    }
    .into_any()
}
