//! Accessibility in the real webview: axe-core's WCAG 2 A and AA rules (npm's axe-core, injected into the
//! page) on every page a teacher, a principal and a pengawas reach — sign-in, the menu's pages, their
//! detail pages, search results, the "Lainnya" sheet and a delete's question — at a phone's width and a
//! laptop's, light and dark, in Bahasa Indonesia and English. Not one serious or critical violation: a
//! colour without contrast, a control without a name, an id twice, a list that is not one.

use fantoccini::{Client, Locator};
use penggerak_e2e::{axe_violations, find, open, press, sign_out, type_into, wait_text, Driver};
use penggerak_testkit::DEMO_PASSWORD;

const SITI: &str = "3471765432100001";
const BAMBANG: &str = "196805121990031004";
const DEWI: &str = "dewi.kusumawardani@demo.penggerak.id";

/// Goes to `path` in the app as a link would (the router follows the history) and waits for `ready`.
async fn visit(c: &Client, path: &str, ready: &str) {
    let go = "history.pushState(null, '', arguments[0]); dispatchEvent(new PopStateEvent('popstate'))";
    c.execute(go, vec![serde_json::json!(path)]).await.unwrap();
    find(c, ready, &format!("page {path}")).await;
}

/// The first value of `attr` on elements matching `css`, waiting for one. A list redrawn between finding
/// its first element and reading it (a sync ending refreshes the page) is read again: its element was
/// replaced, not wrong (CI once failed here on `StaleElementReference`).
async fn first_attr(c: &Client, css: &str, attr: &str) -> String {
    // Waited for first with `find`, which pictures the page (image and HTML) when it never comes.
    find(c, css, &format!("first {css}")).await;
    penggerak_e2e::eventually(&format!("{css} [{attr}]"), || async {
        let e = c.find(Locator::Css(css)).await.map_err(|e| e.to_string())?;
        e.attr(attr).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("{css} has no {attr}"))
    })
    .await
}

/// Checks `pages` (path, what shows it is drawn) at both widths; `tag` names the run in failures.
async fn check_pages(c: &Client, tag: &str, pages: &[(String, &str)], found: &mut Vec<String>) {
    for (w, h) in [(360, 740), (1280, 800)] {
        c.set_window_size(w, h).await.unwrap();
        for (path, ready) in pages {
            visit(c, path, ready).await;
            let name = format!("{tag}-{w}{}", path.replace('/', "-"));
            found.extend(axe_violations(c, &name).await);
            // Every page pictured light and dark (`a11y-*.png`, beside the flows' own pictures, which are
            // light), in Bahasa Indonesia; the pages the polish added or changed in English too.
            if tag.contains("-id-") || ["/bantuan", "/mulai", "/tenggat", "/rencana"].contains(&path.as_str())
            {
                penggerak_e2e::screenshot(c, &format!("a11y-{name}")).await;
            }
        }
    }
}

/// Chooses the app's language in Pengaturan (`id` or `en`) and waits for the menu to speak it.
async fn set_language(c: &Client, language: &str) {
    let home = if language == "en" { "Home" } else { "Beranda" };
    open(c, "settings", "#settings-title").await;
    press(c, &format!("#language-{language}"), language).await;
    wait_text(c, "#nav-home", "the menu in the language", |t| t == home).await;
}

async fn set_look(c: &Client, theme: &str) {
    open(c, "settings", "#settings-title").await;
    press(c, &format!("#theme-{theme}"), theme).await;
    let want = theme.to_owned();
    penggerak_e2e::eventually("the theme applied", || async {
        let t = c.execute("return document.documentElement.dataset.theme || ''", vec![]).await.unwrap();
        if t.as_str() == Some(want.as_str()) {
            Ok(())
        } else {
            Err(format!("data-theme is {t}"))
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_the_wcag_checks_in_both_languages_light_and_dark() {
    let server = penggerak_e2e::start_server();
    let driver = Driver::start(&server.base_url());
    // Every serious or critical violation of the whole run, named with its page, language, look and width.
    let mut found: Vec<String> = Vec::new();

    // Sign-in, with its help opened, at both widths.
    let app = driver.launch().await;
    find(&app, "#sign-in-title", "sign-in").await;
    press(&app, "#forgot-password summary", "Lupa kata sandi?").await;
    for (w, h) in [(360, 740), (1280, 800)] {
        app.set_window_size(w, h).await.unwrap();
        found.extend(axe_violations(&app, &format!("masuk-{w}")).await);
    }
    penggerak_e2e::sign_in(&app, SITI, DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;

    // A teacher's pages, their details found from their lists.
    open(&app, "komunitas", "#komunitas-title").await;
    let community = first_attr(&app, ".community[data-id]", "data-id").await;
    open(&app, "materi", "#materi-title").await;
    let material = first_attr(&app, "a[href^='/materi/']", "href").await;
    // Saved, so its page shows its text and Penyimpanan has something to remove.
    visit(&app, &material, "#material-title").await;
    press(&app, "#save-material", "save").await;
    wait_text(&app, "#material-state", "saved", |t| t == "Tersimpan").await;
    let teacher: Vec<(String, &str)> = vec![
        ("/".into(), "#home-title"),
        ("/status".into(), "#status-title"),
        ("/komunitas".into(), ".community"),
        (format!("/komunitas/{community}"), "#community-title"),
        ("/rencana".into(), "#rencana-title"),
        ("/kinerja".into(), "#kinerja-title"),
        ("/materi".into(), "a[href^='/materi/']"),
        (material, "#material-title"),
        ("/penyimpanan".into(), "#storage-list"),
        ("/pengaturan".into(), "#settings-title"),
        ("/konflik".into(), "#conflicts-title"),
        ("/ditolak".into(), "#refused-title"),
        ("/bantuan".into(), "#help-title"),
        ("/tenggat".into(), "#all-deadlines-list"),
        ("/mulai".into(), "#welcome-title"),
    ];
    for language in ["id", "en"] {
        set_language(&app, language).await;
        for theme in ["light", "dark"] {
            set_look(&app, theme).await;
            check_pages(&app, &format!("guru-{language}-{theme}"), &teacher, &mut found).await;
            // What opens over a page: the phone's "Lainnya" sheet, search results, a delete's question.
            app.set_window_size(360, 740).await.unwrap();
            visit(&app, "/", "#home-title").await;
            press(&app, "#nav-more", "Lainnya").await;
            find(&app, "#nav-more-list a", "the sheet's pages").await;
            found.extend(axe_violations(&app, &format!("lainnya-{language}-{theme}")).await);
            press(&app, "#nav-more", "Lainnya closed").await;
            type_into(&app, "#home-search", "pembelajaran", "searching").await;
            find(&app, "#home-search-results", "search results").await;
            found.extend(axe_violations(&app, &format!("cari-{language}-{theme}")).await);
            visit(&app, "/penyimpanan", "#storage-list").await;
            press(&app, "#storage-remove-all", "Hapus semua").await;
            find(&app, "#storage-remove-all-ask", "the question first").await;
            found.extend(axe_violations(&app, &format!("tanya-{language}-{theme}")).await);
            press(&app, "#storage-remove-all-no", "Batal").await;
        }
    }
    set_look(&app, "system").await;
    set_language(&app, "id").await;
    sign_out(&app).await;

    // A principal's staff pages and a pengawas's schools, both languages, light and dark.
    for (who, name, pages) in [
        (
            BAMBANG,
            "Drs. Bambang Sutrisno, M.Pd.",
            vec![("/staf", "#staff-title", "a[href^='/staf/']", "#member-title")],
        ),
        (
            DEWI,
            "Dr. Dewi Kusumawardani, M.Pd.",
            vec![("/binaan", "#supervision-title", ".supervised-school a", "#supervised-title")],
        ),
    ] {
        // Signed out from Pengaturan, the next person signs in to Beranda (sign_in waits for it; the new
        // session used to open on Pengaturan, where the last one was left).
        penggerak_e2e::sign_in(&app, who, DEMO_PASSWORD, name).await;
        // A principal's Beranda is checked once "Menunggu Anda" (lazily drawn) is in.
        let home = if who == BAMBANG { "#principal-waits" } else { "#home-title" };
        let mut list: Vec<(String, &str)> = vec![("/".into(), home), ("/kinerja".into(), "#kinerja-title")];
        for (path, title, link, detail) in pages {
            visit(&app, path, title).await;
            let href = first_attr(&app, link, "href").await;
            list.push((path.into(), link));
            list.push((href, detail));
        }
        for language in ["id", "en"] {
            set_language(&app, language).await;
            for theme in ["light", "dark"] {
                set_look(&app, theme).await;
                check_pages(&app, &format!("{}-{language}-{theme}", &who[..4]), &list, &mut found).await;
            }
        }
        set_look(&app, "system").await;
        set_language(&app, "id").await;
        sign_out(&app).await;
    }
    app.close().await.unwrap();
    assert!(
        found.is_empty(),
        "{} serious or critical accessibility violations (axe-core, WCAG 2 A/AA; pictures in \
         .e2e-artifacts/axe-*.png):\n{}",
        found.len(),
        found.join("\n")
    );
}
