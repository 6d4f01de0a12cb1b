//! A material's own page: what it is and what saving it costs, the save / resume / update and remove
//! buttons (a download in progress shows how far it got), and, once saved, its text to read and its files
//! — all read from the device, so it reads the same with no connection. Opened from a search result
//! (`?bagian=N`), it scrolls to that section and marks it. A saved file opens in the device's own viewer
//! (Tauri's opener plugin, allowed the app's materials folder only). A download held by "Hanya unduh lewat
//! Wi-Fi" offers to go now on this connection, that once.

use crate::context::{errors_view, AskFirst, PageContext};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use penggerak_types::ipc::{MaterialReader, Saved};
use penggerak_types::{ErrorCode, Reason};
use std::time::Duration;

/// How often a running download's progress is read from the device (a local read; no network).
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

#[component]
pub fn Material() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    // Pages word themselves in the language chosen when they open (it is chosen in Pengaturan).
    let l = use_i18n().get_locale_untracked();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = ctx.read(move || ipc::material(id()));
    // The section a search result pointed at: scrolled to once the text is drawn.
    let query = use_query_map();
    let section = move || query.read().get("bagian").and_then(|s| s.parse::<u32>().ok());
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(n)) = (data.get(), section()) {
            request_animation_frame(move || {
                if let Some(el) = document().get_element_by_id(&format!("bagian-{n}")) {
                    el.scroll_into_view();
                }
            });
        }
    });
    // A running download's progress: read from the device now and then, apart from the page, so the
    // text and the buttons are not redrawn under the reader's focus every half second.
    let progress = LocalResource::new(move || ipc::material(id()));
    let error = RwSignal::new(None::<String>);
    let save = ctx.action(error, ipc::save_material);
    // A download held by "Hanya unduh lewat Wi-Fi" can still go now, on this connection, if she says so.
    let anyway = ctx.action(error, ipc::save_material_anyway);
    // Held: the last save was refused for that reason, and no download asked for anyway went since (an
    // action keeps its last answer until it runs again, so the answers are followed, not compared).
    let held = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(r) = save.value().get() {
            held.set(matches!(r, Err(e) if matches!(e.reason, Some(Reason::WaitsForWifi { .. }))));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = anyway.value().get() {
            held.set(false);
        }
    });
    let downloading = move || save.pending().get() || anyway.pending().get();
    let remove = ctx.action(error, ipc::remove_material);
    let later = ctx.action(error, ipc::download_later);
    let ticker = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        let running = downloading();
        if let Some(t) = ticker.get_value() {
            t.clear();
            ticker.set_value(None);
        }
        if running {
            progress.refetch();
            ticker.set_value(set_interval_with_handle(move || progress.refetch(), PROGRESS_EVERY).ok());
        }
    });
    on_cleanup(move || {
        if let Some(t) = ticker.get_value() {
            t.clear();
        }
    });
    // A save that failed may still have brought part of the material: show how much.
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Err(_))) || matches!(anyway.value().get(), Some(Err(_))) {
            data.refetch();
        }
    });
    let busy = move || downloading() || remove.pending().get() || later.pending().get();
    let progress_line = move || {
        downloading().then(|| {
            progress.get().and_then(Result::ok).map(|r| {
                let total = r.item.material.download_size().max(1);
                let label = view_model::saving_label(l, &r.item);
                view! {
                    <progress max=total.to_string() value=r.item.saved_bytes.min(total).to_string()
                        aria-label=label.clone()></progress>
                    " " {label}
                }
            })
        })
    };

    view! {
        <section class="card material-page" aria-labelledby="material-title">
            <A href="/materi">{td_string!(l, back_to_materials)}</A>
            <p id="material-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || (held.get() && !anyway.pending().get()).then(|| view! {
                <p><button id="save-anyway" class="secondary" disabled=busy
                    on:click=move |_| { anyway.dispatch(id()); }>{td_string!(l, save_anyway)}</button></p>
            })}
            <p id="material-progress" role="status">{progress_line}</p>
            <Transition fallback=move || view! { <p class="status">{td_string!(l, loading)}</p> }>
                <ErrorBoundary fallback=errors_view>
                    {move || data.get().map(|r| match r {
                        Err(e) if e.code == ErrorCode::NotFound => {
                            Ok(view! { <p class="error">{td_string!(l, material_missing)}</p> }.into_any())
                        }
                        r => r.map(|m| {
                            page(l, m, section(), error, busy, Buttons {
                                save: Callback::new(move |id| { save.dispatch(id); }),
                                remove: Callback::new(move |id| { remove.dispatch(id); }),
                                later: Callback::new(move |a| { later.dispatch(a); }),
                            })
                                .into_any()
                        }),
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// What the page's buttons do: save (or resume, update), remove, and mark or unmark "Unduh nanti".
struct Buttons {
    save: Callback<String>,
    remove: Callback<String>,
    later: Callback<(String, bool)>,
}

fn page(
    l: Locale,
    r: MaterialReader,
    found: Option<u32>,
    error: RwSignal<Option<String>>,
    busy: impl Fn() -> bool + Copy + Send + Sync + 'static,
    on: Buttons,
) -> impl IntoView {
    let item = r.item;
    let m = item.material.clone();
    let chip = view_model::saved_chip(l, &item);
    let offer = view_model::save_label(l, &item, r.free_bytes);
    let (id_save, id_remove, id_later) = (m.id.clone(), m.id.clone(), m.id.clone());
    let marked = item.later;
    let later_failed =
        item.later_failed.as_ref().map(|e| view_model::later_failed_text(l, e, item.later_failures));
    let mut facts = vec![view_model::material_kind_label(l, m.kind).to_owned(), m.topic.clone()];
    if !m.jenjang.is_empty() {
        facts.push(m.jenjang.join(", "));
    }
    facts.push(td_string!(l, material_updated, date = view_model::date_label(l, &m.updated)).to_string());
    let text = match r.content {
        Some(c) => view! {
            {(item.saved == Saved::Outdated).then(|| view! { <p class="muted">{td_string!(l, material_outdated_note)}</p> })}
            <article id="material-text" class="material-text">
                {c.sections.into_iter().enumerate().map(|(i, s)| {
                    let here = found == u32::try_from(i).ok();
                    view! {
                        <section id=format!("bagian-{i}") class:found=here>
                            <h2>{s.heading}</h2>
                            {s.paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                        </section>
                    }
                }).collect_view()}
            </article>
        }
        .into_any(),
        None => view! { <p id="material-not-saved">{td_string!(l, material_not_saved)}</p> }.into_any(),
    };
    let files = (!r.files.is_empty()).then(|| {
        view! {
            <h2>{td_string!(l, material_files)}</h2>
            <ul id="material-files" class="list">
                {r.files.into_iter().map(|f| view! {
                    <li class="material-file">
                        <strong>{f.file.name.clone()}</strong>" · "{view_model::bytes_label(l, f.file.size)}
                        {match f.path {
                            Some(path) => view! {
                                <p><button class="secondary open-file" on:click=move |_| {
                                    let path = path.clone();
                                    leptos::task::spawn_local(async move {
                                        match ipc::open_file(path).await {
                                            Ok(()) => error.set(None),
                                            Err(e) => error.set(Some(view_model::error_text(l, &e))),
                                        }
                                    });
                                }>{td_string!(l, open_file)}</button></p>
                            }.into_any(),
                            None => view! { <p class="muted">{td_string!(l, material_file_not_saved)}</p> }.into_any(),
                        }}
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    let saved_any = item.saved != Saved::No || item.saved_bytes > 0;
    view! {
        <h1 id="material-title">{m.title.clone()}</h1>
        <p class="muted">{facts.join(" · ")}</p>
        <p>{m.summary.clone()}</p>
        <p>
            <span id="material-size">{td_string!(l, material_size, size = view_model::bytes_label(l, m.download_size()))}</span>
            {chip.map(|c| view! { " " <span id="material-state" class=if item.saved == Saved::Yes { "status-chip" } else { "badge pending" }>{c}</span> })}
        </p>
        <div class="actions">
            {offer.map(|label| view! {
                <button id="save-material" class="primary" disabled=busy
                    on:click=move |_| on.save.run(id_save.clone())>{label}</button>
                {if marked {
                    view! {
                        <button id="cancel-later" class="secondary" disabled=busy
                            on:click=move |_| on.later.run((id_later.clone(), false))>{td_string!(l, cancel_later)}</button>
                    }.into_any()
                } else {
                    view! {
                        <button id="download-later" class="secondary" disabled=busy
                            on:click=move |_| on.later.run((id_later.clone(), true))>{td_string!(l, download_later)}</button>
                    }.into_any()
                }}
            })}
            {saved_any.then(|| view! {
                <AskFirst id="remove-material" class="secondary" label=td_string!(l, remove_material).to_owned()
                    question=td_string!(l, ask_remove_material).to_owned() yes=td_string!(l, ask_yes).to_owned()
                    busy=Signal::derive(busy) on_yes=Callback::new(move |_| on.remove.run(id_remove.clone())) />
            })}
        </div>
        {later_failed.map(|why| view! { <p id="later-failed" class="note attention">{why}</p> })}
        {text}
        {files}
    }
}
