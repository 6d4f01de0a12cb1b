//! The pages loaded when first opened. Each is a route whose view lives in a wasm module of its own
//! (`#[lazy_route]`): `cargo xtask ui` splits the UI's wasm at these points, so the start module the
//! webview compiles at every launch holds only the shell, sign-in and Beranda (the first screen). The
//! modules are files of the app itself, read from the app's own assets when a page is first opened:
//! nothing comes from the network. A page's data is read from the store as before, once its view is in.

use crate::pages;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// Status GP.
pub struct StatusPage;

#[lazy_route]
impl LazyRoute for StatusPage {
    fn data() -> Self {
        StatusPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::programme::Status /> }.into_any()
    }
}

/// Komunitas.
pub struct KomunitasPage;

#[lazy_route]
impl LazyRoute for KomunitasPage {
    fn data() -> Self {
        KomunitasPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::communities::Komunitas /> }.into_any()
    }
}

/// One community.
pub struct CommunityPage;

#[lazy_route]
impl LazyRoute for CommunityPage {
    fn data() -> Self {
        CommunityPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::community::Community /> }.into_any()
    }
}

/// Rencana (PKB).
pub struct RencanaPage;

#[lazy_route]
impl LazyRoute for RencanaPage {
    fn data() -> Self {
        RencanaPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::pkb::Rencana /> }.into_any()
    }
}

/// Kinerja.
pub struct KinerjaPage;

#[lazy_route]
impl LazyRoute for KinerjaPage {
    fn data() -> Self {
        KinerjaPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::performance::Kinerja /> }.into_any()
    }
}

/// Materi.
pub struct MateriPage;

#[lazy_route]
impl LazyRoute for MateriPage {
    fn data() -> Self {
        MateriPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::materials::Materi /> }.into_any()
    }
}

/// One material.
pub struct MaterialPage;

#[lazy_route]
impl LazyRoute for MaterialPage {
    fn data() -> Self {
        MaterialPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::material::Material /> }.into_any()
    }
}

/// Penyimpanan.
pub struct PenyimpananPage;

#[lazy_route]
impl LazyRoute for PenyimpananPage {
    fn data() -> Self {
        PenyimpananPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::storage::Penyimpanan /> }.into_any()
    }
}

/// Pengaturan.
pub struct PengaturanPage;

#[lazy_route]
impl LazyRoute for PengaturanPage {
    fn data() -> Self {
        PengaturanPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::settings::Pengaturan /> }.into_any()
    }
}

/// Konflik.
pub struct KonflikPage;

#[lazy_route]
impl LazyRoute for KonflikPage {
    fn data() -> Self {
        KonflikPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::conflicts::Konflik /> }.into_any()
    }
}

/// Ditolak.
pub struct DitolakPage;

#[lazy_route]
impl LazyRoute for DitolakPage {
    fn data() -> Self {
        DitolakPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::refused::Ditolak /> }.into_any()
    }
}

/// Staf.
pub struct StafPage;

#[lazy_route]
impl LazyRoute for StafPage {
    fn data() -> Self {
        StafPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::staff::Staf /> }.into_any()
    }
}

/// One staff member.
pub struct StaffMemberPage;

#[lazy_route]
impl LazyRoute for StaffMemberPage {
    fn data() -> Self {
        StaffMemberPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::staff_member::StaffMember /> }.into_any()
    }
}

/// Binaan.
pub struct BinaanPage;

#[lazy_route]
impl LazyRoute for BinaanPage {
    fn data() -> Self {
        BinaanPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::supervision::Binaan /> }.into_any()
    }
}

/// One school under supervision.
pub struct BinaanSchoolPage;

#[lazy_route]
impl LazyRoute for BinaanSchoolPage {
    fn data() -> Self {
        BinaanSchoolPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::supervision::BinaanSchool /> }.into_any()
    }
}

/// Bantuan.
pub struct BantuanPage;

#[lazy_route]
impl LazyRoute for BantuanPage {
    fn data() -> Self {
        BantuanPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::help::Bantuan /> }.into_any()
    }
}

/// The first-run cards.
pub struct MulaiPage;

#[lazy_route]
impl LazyRoute for MulaiPage {
    fn data() -> Self {
        MulaiPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::welcome::Mulai /> }.into_any()
    }
}

/// Semua tenggat.
pub struct TenggatPage;

#[lazy_route]
impl LazyRoute for TenggatPage {
    fn data() -> Self {
        TenggatPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::deadlines::Tenggat /> }.into_any()
    }
}
