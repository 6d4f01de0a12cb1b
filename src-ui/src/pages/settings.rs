//! Pengaturan: the language (Bahasa Indonesia / English), the look (light/dark, text size) and deadline reminders, the server this device
//! talks to, sync (now, last synced, what waits, conflicts), the data the app used per month, "Hanya unduh
//! lewat Wi-Fi" with what the device says of its connection, "Bagikan materi di jaringan sekolah" (its
//! state, this device's address as text and QR code, colleagues' devices seen, adding one by address), and the
//! app's updates ("Pembaruan aplikasi"), and the account: sign out, which warns and asks again when changes or drafts on the device would be lost.

use crate::context::{apply_look, errors_view, locale, AskFirst, PageContext};
use crate::i18n::td_string;
use crate::lang::use_i18n;
use crate::t;
use crate::{ipc, view_model};
use leptos::prelude::*;
use penggerak_types::ipc::{Connection, Discovery, Language, PreferencesChange, Sharing, TextSize, Theme};
use penggerak_types::ErrorCode;

#[component]
pub fn Pengaturan() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    let i18n = use_i18n();
    let on_session = ctx.on_session;
    let sync = ctx.sync;
    let zone = ctx.zone();
    let server = ctx.server_url.clone();
    let error = RwSignal::new(None::<String>);
    // Set when sign-out was refused because something would be lost: the user must confirm.
    let confirm = RwSignal::new(false);
    let pending = RwSignal::new(false);
    // Not an action of this page: its answer must be acted on even when the page is gone by then (she
    // pressed "Keluar" on a slow link and went to Beranda while it said "Sedang keluar…"). The device is signed
    // out either way, and a page's action dies with the page: the app stayed in the signed-in shell of a
    // signed-out device. The page's own signals are only set while it is there.
    let sign_out = move |discard: bool| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            let answer = ipc::sign_out(discard).await;
            pending.try_set(false);
            match answer {
                Ok(state) => on_session.run(state),
                Err(e) => {
                    confirm.try_set(e.code == ErrorCode::ChangesWaiting);
                    error.try_set(Some(view_model::error_text(i18n.get_locale_untracked(), &e)));
                }
            }
        });
    };
    let sync_now = Action::new_local(|_: &()| ipc::sync_now());

    view! {
        <section class="card pengaturan" aria-labelledby="settings-title">
            <h1 id="settings-title">{t!(i18n, settings_title)}</h1>
            <LanguageChoice />
            <Look />
            <Reminders />
            <h2>{t!(i18n, settings_sync)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, settings_last_synced)}</dt>
                <dd id="settings-last-synced">{move || view_model::last_synced(i18n.get_locale(), &sync.get(), zone)}</dd>
                {move || view_model::sync_problem(i18n.get_locale(), &sync.get()).map(|why| view! {
                    <dt>{t!(i18n, settings_sync_problem)}</dt>
                    <dd id="settings-sync-problem">{why}</dd>
                })}
                <dt>{t!(i18n, settings_waiting)}</dt>
                <dd id="settings-waiting">{move || sync.get().waiting}</dd>
                <dt>{t!(i18n, settings_conflicts)}</dt>
                <dd id="settings-conflicts">{move || sync.get().conflicts}</dd>
                <dt>{t!(i18n, settings_server)}</dt>
                <dd id="settings-server">{server}</dd>
            </dl>
            <button id="settings-sync-now" class="secondary" on:click=move |_| { sync_now.dispatch(()); }>
                {t!(i18n, sync_now)}
            </button>
            <DataUseFacts />
            <WifiOnly />
            <SharingSettings />
            <AppUpdates />
            <h2>{t!(i18n, settings_account)}</h2>
            <p id="sign-out-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || if confirm.get() {
                view! {
                    // The safe choice is the loud one; losing what waits is the quiet one, in red.
                    <button id="sign-out-cancel" class="primary"
                        on:click=move |_| { confirm.set(false); error.set(None); }>{t!(i18n, cancel)}</button>
                    <button id="sign-out-confirm" class="secondary danger-quiet" disabled=move || pending.get()
                        on:click=move |_| sign_out(true)>{t!(i18n, sign_out_discard)}</button>
                }.into_any()
            } else {
                view! {
                    <button id="sign-out" class="secondary" disabled=move || pending.get()
                        on:click=move |_| sign_out(false)>
                        {move || if pending.get() { t!(i18n, signing_out).into_any() } else { t!(i18n, sign_out_button).into_any() }}
                    </button>
                }.into_any()
            }}
        </section>
    }
}

/// The language switch (also on the sign-in page): the whole UI changes at once, and the choice is kept
/// on the device.
#[component]
pub fn LanguageChoice() -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let choose = move |language: Language| {
        i18n.set_locale(locale(language));
        leptos::task::spawn_local(async move {
            let saved =
                ipc::set_preferences(PreferencesChange { language: Some(language), ..Default::default() });
            error.set(saved.await.err().map(|e| view_model::error_text(locale(language), &e)));
        });
    };
    let option = move |language: Language, id: &'static str| {
        view! {
            <label class="choice" for=id>
                <input type="radio" name="language" id=id
                    prop:checked=move || i18n.get_locale() == locale(language)
                    on:change=move |_| choose(language) />
                {move || match language {
                    Language::Id => t!(i18n, language_id).into_any(),
                    Language::En => t!(i18n, language_en).into_any(),
                }}
            </label>
        }
    };
    view! {
        <fieldset class="language" id="language">
            <legend>{t!(i18n, settings_language)}</legend>
            {option(Language::Id, "language-id")}
            {option(Language::En, "language-en")}
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </fieldset>
    }
}

/// Tampilan: light, dark or the device's, and the text size in three steps. Shown at once, kept on the
/// device (the app starts in them).
#[component]
fn Look() -> impl IntoView {
    let i18n = use_i18n();
    let theme = RwSignal::new(None::<Theme>);
    let size = RwSignal::new(None::<TextSize>);
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(p) = ipc::preferences().await {
            theme.set(Some(p.theme));
            size.set(Some(p.text_size));
        }
    });
    let save = move |change: PreferencesChange| {
        if let (Some(t), Some(s)) = (theme.get_untracked(), size.get_untracked()) {
            apply_look(t, s);
        }
        leptos::task::spawn_local(async move {
            let saved = ipc::set_preferences(change).await;
            error.set(saved.err().map(|e| view_model::error_text(i18n.get_locale_untracked(), &e)));
        });
    };
    let theme_option = move |t: Theme| {
        let id = format!("theme-{}", t.tag());
        let label_for = id.clone();
        view! {
            <label class="choice" for=label_for>
                <input type="radio" name="theme" id=id prop:checked=move || theme.get() == Some(t)
                    on:change=move |_| {
                        theme.set(Some(t));
                        save(PreferencesChange { theme: Some(t), ..Default::default() });
                    } />
                {move || match t {
                    Theme::System => t!(i18n, theme_system).into_any(),
                    Theme::Light => t!(i18n, theme_light).into_any(),
                    Theme::Dark => t!(i18n, theme_dark).into_any(),
                }}
            </label>
        }
    };
    let size_option = move |z: TextSize| {
        let id = format!("text-{}", z.tag());
        let label_for = id.clone();
        view! {
            <label class="choice" for=label_for>
                <input type="radio" name="text-size" id=id prop:checked=move || size.get() == Some(z)
                    on:change=move |_| {
                        size.set(Some(z));
                        save(PreferencesChange { text_size: Some(z), ..Default::default() });
                    } />
                {move || match z {
                    TextSize::Normal => t!(i18n, text_normal).into_any(),
                    TextSize::Large => t!(i18n, text_large).into_any(),
                    TextSize::Larger => t!(i18n, text_larger).into_any(),
                }}
            </label>
        }
    };
    view! {
        <h2>{t!(i18n, settings_look)}</h2>
        <fieldset class="language" id="theme">
            <legend>{t!(i18n, theme_label)}</legend>
            {theme_option(Theme::System)}
            {theme_option(Theme::Light)}
            {theme_option(Theme::Dark)}
        </fieldset>
        <fieldset class="language" id="text-size">
            <legend>{t!(i18n, text_size_label)}</legend>
            {size_option(TextSize::Normal)}
            {size_option(TextSize::Large)}
            {size_option(TextSize::Larger)}
        </fieldset>
        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
    }
}

/// "Hanya unduh lewat Wi-Fi", and what the device says of the connection it is on now.
#[component]
fn WifiOnly() -> impl IntoView {
    let i18n = use_i18n();
    let on = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let connection = expect_context::<PageContext>().read(ipc::data_use);
    leptos::task::spawn_local(async move {
        if let Ok(p) = ipc::preferences().await {
            on.set(p.wifi_only);
        }
    });
    let toggle = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        on.set(wanted);
        leptos::task::spawn_local(async move {
            let change = PreferencesChange { wifi_only: Some(wanted), ..Default::default() };
            let saved = ipc::set_preferences(change).await;
            error.set(saved.err().map(|e| view_model::error_text(i18n.get_locale_untracked(), &e)));
        });
    };
    view! {
        <label class="choice" for="wifi-only">
            <input type="checkbox" id="wifi-only" prop:checked=move || on.get() on:change=toggle />
            {t!(i18n, wifi_only_switch)}
        </label>
        <p id="connection-note" class="muted">{move || connection.get().and_then(Result::ok).map(|d| {
            let l = i18n.get_locale();
            match d.connection {
                Connection::Unmetered => td_string!(l, connection_unmetered),
                Connection::Metered => td_string!(l, connection_metered),
                Connection::Unknown => td_string!(l, connection_unknown),
            }
        })}</p>
        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
    }
}

/// "Pembaruan aplikasi": this version, and what the server publishes: asked when the page opens (the
/// server's last answer, if it is recent: no request) and again on "Periksa pembaruan" (always asked); a
/// newer version shows what is new and is installed only on "Pasang pembaruan".
#[component]
fn AppUpdates() -> impl IntoView {
    use penggerak_types::ipc::{UpdateCheck, UpdatesOff};
    let i18n = use_i18n();
    // What the last check said (`None` while it runs), and an install under way or refused. Plain signals
    // and tasks, not actions: this section is small and its code is paid for in every copy of the app.
    let found = RwSignal::new(None::<Result<UpdateCheck, penggerak_types::ApiError>>);
    let installing = RwSignal::new(false);
    let refused = RwSignal::new(None::<String>);
    let check = move |again: bool| {
        found.set(None);
        leptos::task::spawn_local(async move { found.set(Some(ipc::check_update(again).await)) });
    };
    check(false);
    let install = move |_| {
        installing.set(true);
        refused.set(None);
        leptos::task::spawn_local(async move {
            // On success the app starts again and this never comes back.
            if let Err(e) = ipc::install_update().await {
                refused.set(Some(view_model::error_text(i18n.get_locale_untracked(), &e)));
            }
            installing.set(false);
        });
    };
    let state = move || {
        let l = i18n.get_locale();
        let mut cost = None;
        let (text, newer) = match found.get() {
            None => (td_string!(l, update_checking).to_owned(), None),
            Some(Err(e)) => (view_model::error_text(l, &e), None),
            Some(Ok(UpdateCheck::UpToDate)) => (td_string!(l, update_up_to_date).to_owned(), None),
            Some(Ok(UpdateCheck::Off { why })) => (
                match why {
                    UpdatesOff::NoKey => td_string!(l, update_off_no_key),
                    UpdatesOff::NotHttps => td_string!(l, update_off_not_https),
                    UpdatesOff::NotDesktop => td_string!(l, update_off_not_desktop),
                }
                .to_owned(),
                None,
            ),
            Some(Ok(UpdateCheck::Available { version, notes, size, .. })) => {
                cost = size;
                (format!("{} {version}", td_string!(l, update_available)), Some(notes))
            }
        };
        let available = newer.is_some();
        // What installing costs in data, on the button that spends it (as a material's download says it).
        let install_words = match cost {
            Some(bytes) => {
                td_string!(l, update_install_size, size = view_model::bytes_label(l, bytes)).to_string()
            }
            None => td_string!(l, update_install).to_owned(),
        };
        view! {
            <p id="update-state">{text}</p>
            {newer.filter(|n| !n.is_empty()).map(|n| view! { <p id="update-notes" class="update-notes">{n}</p> })}
            {available.then(|| view! {
                <button id="update-install" class="primary" disabled=move || installing.get() on:click=install>
                    {move || if installing.get() { td_string!(l, update_installing).to_owned() } else { install_words.clone() }}
                </button>
            })}
        }
    };
    view! {
        <h2>{t!(i18n, settings_updates)}</h2>
        <dl class="facts">
            <dt>{t!(i18n, settings_version)}</dt>
            <dd id="app-version">{env!("CARGO_PKG_VERSION")}</dd>
        </dl>
        {state}
        <p id="update-error" class="error" role="alert">{move || refused.get().unwrap_or_default()}</p>
        <button id="update-check" class="secondary" disabled=move || found.with(Option::is_none)
            on:click=move |_| check(true)>{t!(i18n, update_check)}</button>
    }
}

/// What the app cost in mobile data: the three newest months with any use and the total since the first;
/// read again after every sync, which is when it grows.
#[component]
fn DataUseFacts() -> impl IntoView {
    let i18n = use_i18n();
    let used = expect_context::<PageContext>().read(ipc::data_use);
    view! {
        <h2>{t!(i18n, settings_data_use)}</h2>
        <Transition fallback=|| ()>
            <ErrorBoundary fallback=errors_view>
                {move || used.get().map(|r| r.map(|d| {
                    let l = i18n.get_locale();
                    let rows = view_model::data_use_rows(l, &d);
                    if rows.is_empty() {
                        view! { <p id="data-use-none">{td_string!(l, data_use_none)}</p> }.into_any()
                    } else {
                        view! {
                            <dl id="data-use" class="facts">
                                {rows.into_iter().map(|(label, amount)| view! { <dt>{label}</dt><dd>{amount}</dd> }).collect_view()}
                            </dl>
                        }.into_any()
                    }
                }))}
            </ErrorBoundary>
        </Transition>
        <p class="muted">{t!(i18n, data_use_note)}</p>
    }
}

/// The deadline-reminder and news switches, as the device keeps them.
#[component]
fn Reminders() -> impl IntoView {
    let i18n = use_i18n();
    let (on, news) = (RwSignal::new(true), RwSignal::new(true));
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(p) = ipc::preferences().await {
            on.set(p.reminders);
            news.set(p.news);
        }
    });
    let save = move |change: PreferencesChange| {
        leptos::task::spawn_local(async move {
            let saved = ipc::set_preferences(change).await;
            error.set(saved.err().map(|e| view_model::error_text(i18n.get_locale_untracked(), &e)));
        });
    };
    let toggle = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        on.set(wanted);
        save(PreferencesChange { reminders: Some(wanted), ..Default::default() });
    };
    let toggle_news = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        news.set(wanted);
        save(PreferencesChange { news: Some(wanted), ..Default::default() });
    };
    view! {
        <h2>{t!(i18n, settings_reminders)}</h2>
        <label class="choice" for="reminders">
            <input type="checkbox" id="reminders" prop:checked=move || on.get() on:change=toggle />
            {t!(i18n, reminders_switch)}
        </label>
        <label class="choice" for="news">
            <input type="checkbox" id="news" prop:checked=move || news.get() on:change=toggle_news />
            {t!(i18n, news_switch)}
        </label>
        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
    }
}

/// "Bagikan materi di jaringan sekolah": the switch and its one-sentence explanation; while it is on,
/// whether this device serves, its address (text and QR code, for a network where devices cannot find
/// each other), the colleagues' devices seen now (those added by address removable), and a box to add one.
/// Read again every few seconds while the page is open: devices come and go.
#[component]
fn SharingSettings() -> impl IntoView {
    let i18n = use_i18n();
    let now = RwSignal::new(None::<Sharing>);
    let error = RwSignal::new(None::<String>);
    let typed = RwSignal::new(String::new());
    let shown = move |r: Result<Sharing, penggerak_types::ApiError>| match r {
        Ok(s) => {
            now.set(Some(s));
            error.set(None);
        }
        Err(e) => error.set(Some(view_model::error_text(i18n.get_locale_untracked(), &e))),
    };
    leptos::task::spawn_local(async move { shown(ipc::sharing().await) });
    let refresh = leptos::prelude::set_interval_with_handle(
        move || leptos::task::spawn_local(async move { shown(ipc::sharing().await) }),
        std::time::Duration::from_secs(5),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = refresh {
            h.clear();
        }
    });
    let toggle = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        leptos::task::spawn_local(async move {
            let change = PreferencesChange { share_on_network: Some(wanted), ..Default::default() };
            match ipc::set_preferences(change).await {
                Ok(_) => shown(ipc::sharing().await),
                Err(e) => error.set(Some(view_model::error_text(i18n.get_locale_untracked(), &e))),
            }
        });
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = typed.get_untracked();
        leptos::task::spawn_local(async move {
            let r = ipc::add_peer(address).await;
            if r.is_ok() {
                typed.set(String::new());
            }
            shown(r);
        });
    };
    let remove = move |address: String| {
        leptos::task::spawn_local(async move { shown(ipc::remove_peer(address).await) })
    };
    view! {
        <h2 id="berbagi">{t!(i18n, settings_sharing)}</h2>
        <label class="choice" for="share-on-network">
            <input type="checkbox" id="share-on-network"
                prop:checked=move || now.get().is_some_and(|s| s.on) on:change=toggle />
            {t!(i18n, sharing_switch)}
        </label>
        <p class="muted">{t!(i18n, sharing_explain)}</p>
        {move || now.get().filter(|s| s.on).map(|s| {
            let l = i18n.get_locale();
            let state = if s.serving { td_string!(l, sharing_on) } else { td_string!(l, sharing_not_serving) };
            let first = s.addresses.first().cloned();
            let qr = first.as_deref().and_then(view_model::qr_path);
            view! {
                <p id="sharing-state">{state}</p>
                {(s.discovery == Discovery::Unavailable).then(|| view! {
                    <p id="sharing-discovery" class="muted">{td_string!(l, sharing_discovery_unavailable)}</p>
                })}
                {s.serving.then(|| view! {
                    <dl class="facts">
                        <dt>{td_string!(l, sharing_address)}</dt>
                        <dd id="sharing-address">{if s.addresses.is_empty() {
                            td_string!(l, sharing_no_address).to_owned()
                        } else {
                            s.addresses.join(" · ")
                        }}</dd>
                    </dl>
                    {qr.map(|(side, d)| view! {
                        <svg id="sharing-qr" class="qr" role="img" aria-label=td_string!(l, sharing_qr_label)
                            viewBox=format!("0 0 {side} {side}") shape-rendering="crispEdges">
                            <rect width="100%" height="100%" fill="#fff" />
                            <path d=d fill="#000" />
                        </svg>
                    })}
                    <p class="muted">{td_string!(l, sharing_address_hint)}</p>
                })}
                <h3>{td_string!(l, sharing_peers)}</h3>
                {if s.peers.is_empty() {
                    view! { <p id="sharing-peers-none">{td_string!(l, sharing_peers_none)}</p> }.into_any()
                } else {
                    view! {
                        <ul id="sharing-peers" class="peers">
                            {s.peers.into_iter().map(|p| {
                                let label = view_model::peer_label(l, &p);
                                let address = p.address.clone();
                                view! {
                                    <li>
                                        <span class="peer-address">{p.address.clone()}</span>
                                        " · "<span class="muted">{label}</span>
                                        {p.added.then(|| view! {
                                            <AskFirst class="secondary small" label=td_string!(l, sharing_remove).to_owned()
                                                question=td_string!(l, ask_remove_peer).to_owned()
                                                yes=td_string!(l, ask_yes).to_owned() busy=false
                                                on_yes=Callback::new(move |_| remove(address.clone())) />
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            }
        })}
        {move || now.get().is_some_and(|s| s.on).then(|| view! {
            <form id="sharing-add" class="inline-form" on:submit=add>
                <label for="sharing-add-address">{t!(i18n, sharing_add_label)}</label>
                <input id="sharing-add-address" type="text" inputmode="decimal" autocomplete="off"
                    maxlength=penggerak_types::limits::PEER_ADDRESS
                    placeholder=move || td_string!(i18n.get_locale(), sharing_add_placeholder)
                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
                <button type="submit" class="secondary">{t!(i18n, sharing_add)}</button>
            </form>
        })}
        <p id="sharing-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
    }
}
