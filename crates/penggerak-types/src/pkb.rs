//! The yearly professional development plan (PKB, pengembangan keprofesian berkelanjutan): a target in JP
//! (jam pelajaran) and items — self-paced training topics, workshops, community events — with JP hours,
//! status, progress and the teacher's reflection. JP done is the sum over finished items; it is computed
//! where it is shown, not stored, so editing one item never conflicts with editing another.

use serde::{Deserialize, Serialize};

/// The `pkb_plan` record: one per teacher per year. Id `pkb:<user id>:<year>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PkbPlan {
    pub id: String,
    pub owner_id: String,
    pub year: i32,
    /// The year's development target in JP.
    pub target_jp: u32,
}

/// What a plan item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PkbItemKind {
    /// A self-paced training topic (pelatihan mandiri), closed by a post-test and an Aksi Nyata.
    PelatihanMandiri,
    /// A workshop (lokakarya, bimtek, diklat).
    Lokakarya,
    /// A learning-community event.
    KomunitasBelajar,
    Lainnya,
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PkbStatus {
    BelumMulai,
    Berjalan,
    /// Done: progress is 100 and the item's JP count towards the target.
    Selesai,
}

/// The `pkb_item` record. The id is chosen by the client (a UUID), so an item created offline keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PkbItem {
    pub id: String,
    pub plan_id: String,
    pub owner_id: String,
    pub kind: PkbItemKind,
    pub title: String,
    /// JP hours the item is worth, 1..=200.
    pub jp: u32,
    /// `YYYY-MM-DD`, when the teacher means to finish it.
    pub target_date: Option<String>,
    pub status: PkbStatus,
    /// 0..=100.
    pub progress: u8,
    /// The teacher's reflection, at most 10,000 characters.
    pub reflection: String,
    /// The community event this item is, for `komunitas_belajar` items.
    pub community_event_id: Option<String>,
}

/// `GET /api/v1/pkb`: the caller's plan for the current year with its items (by target date, then title).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PkbOverview {
    pub plan: PkbPlan,
    pub items: Vec<PkbItem>,
    /// JP of finished items.
    pub jp_done: u32,
}

/// `POST /api/v1/pkb/items`: a new item in the caller's current plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPkbItem {
    /// A UUID the client chose.
    pub id: String,
    pub kind: PkbItemKind,
    pub title: String,
    pub jp: u32,
    #[serde(default)]
    pub target_date: Option<String>,
    #[serde(default)]
    pub community_event_id: Option<String>,
}

/// `PATCH /api/v1/pkb/items/{id}`: the fields to change, on the version the client edited. Status follows
/// progress when only progress is given (0 → belum mulai, 1–99 → berjalan, 100 → selesai).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PkbItemPatch {
    pub base_version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jp: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PkbStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflection: Option<String>,
}

/// `DELETE /api/v1/pkb/items/{id}` and `PUT /api/v1/pkb/target` carry the version they were made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BaseVersion {
    pub base_version: i64,
}

/// `PUT /api/v1/pkb/target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PkbTarget {
    pub base_version: i64,
    pub target_jp: u32,
}

use crate::limits::{self, REFLECTION as MAX_REFLECTION};
use crate::reason::{Field, Reason};

impl PkbItem {
    /// Applies `patch` (without the version check) and checks the result, or says what is wrong.
    pub fn patched(&self, patch: &PkbItemPatch) -> Result<PkbItem, Reason> {
        let mut next = self.clone();
        if let Some(t) = &patch.title {
            next.title = t.trim().to_owned();
        }
        if let Some(jp) = patch.jp {
            next.jp = jp;
        }
        if let Some(d) = &patch.target_date {
            next.target_date = Some(d.clone()).filter(|d| !d.is_empty());
        }
        if let Some(r) = &patch.reflection {
            next.reflection = r.clone();
        }
        match (patch.status, patch.progress) {
            (Some(s), Some(p)) => (next.status, next.progress) = (s, p),
            (Some(PkbStatus::Selesai), None) => (next.status, next.progress) = (PkbStatus::Selesai, 100),
            (Some(PkbStatus::BelumMulai), None) => (next.status, next.progress) = (PkbStatus::BelumMulai, 0),
            (Some(s), None) => next.status = s,
            (None, Some(p)) => {
                next.progress = p;
                next.status = match p {
                    0 => PkbStatus::BelumMulai,
                    100 => PkbStatus::Selesai,
                    _ => PkbStatus::Berjalan,
                };
            }
            (None, None) => {}
        }
        next.check()?;
        Ok(next)
    }

    /// The item's own rules: the first one it breaks.
    pub fn check(&self) -> Result<(), Reason> {
        if self.title.is_empty() {
            return Err(Reason::Required { field: Field::Title });
        }
        if !limits::fits(&self.title, limits::TITLE) {
            return Err(Reason::TooLong { field: Field::Title, max: limits::TITLE as u32 });
        }
        // A one-line field: a line break or NUL is refused as such, not as a length.
        if limits::has_control(&self.title) {
            return Err(Reason::NotValid { field: Field::Title });
        }
        if !limits::is_id(&self.id) {
            return Err(Reason::NotValid { field: Field::Id });
        }
        if self.community_event_id.as_deref().is_some_and(|e| !limits::is_id(e)) {
            return Err(Reason::NotValid { field: Field::CommunityEvent });
        }
        if !(1..=200).contains(&self.jp) {
            return Err(Reason::OutOfRange { field: Field::Jp, min: 1, max: 200 });
        }
        if self.progress > 100 {
            return Err(Reason::OutOfRange { field: Field::Progress, min: 0, max: 100 });
        }
        match (self.status, self.progress) {
            (PkbStatus::Selesai, p) if p != 100 => return Err(Reason::DoneMeansFull),
            (PkbStatus::BelumMulai, p) if p != 0 => return Err(Reason::NotStartedMeansZero),
            (PkbStatus::Berjalan, 100) => return Err(Reason::FullMeansDone),
            _ => {}
        }
        if !limits::fits(&self.reflection, MAX_REFLECTION) {
            return Err(Reason::TooLong { field: Field::Reflection, max: MAX_REFLECTION as u32 });
        }
        if let Some(d) = &self.target_date {
            if !crate::zone::is_date(d) {
                return Err(Reason::Format { field: Field::TargetDate, format: "YYYY-MM-DD".into() });
            }
        }
        Ok(())
    }
}

/// The id of `user_id`'s development plan of `year`.
pub fn plan_id(user_id: &str, year: i32) -> String {
    format!("pkb:{user_id}:{year}")
}

/// JP of the finished items.
pub fn jp_done<'a>(items: impl IntoIterator<Item = &'a PkbItem>) -> u32 {
    items.into_iter().filter(|i| i.status == PkbStatus::Selesai).map(|i| i.jp).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> PkbItem {
        PkbItem {
            id: "i".into(),
            plan_id: "p".into(),
            owner_id: "o".into(),
            kind: PkbItemKind::PelatihanMandiri,
            title: "Disiplin Positif".into(),
            jp: 8,
            target_date: None,
            status: PkbStatus::BelumMulai,
            progress: 0,
            reflection: String::new(),
            community_event_id: None,
        }
    }

    #[test]
    fn a_title_is_refused_for_what_is_wrong_with_it() {
        let with = |title: &str| PkbItem { title: title.into(), ..item() }.check();
        assert_eq!(with(&"a".repeat(201)), Err(Reason::TooLong { field: Field::Title, max: 200 }));
        assert_eq!(
            with("a\u{0}b"),
            Err(Reason::NotValid { field: Field::Title }),
            "a control character is not a length: the user is told the right fix"
        );
        assert_eq!(with("Baris\nbaru"), Err(Reason::NotValid { field: Field::Title }));
        assert_eq!(with("Disiplin Positif"), Ok(()));
    }

    #[test]
    fn status_follows_progress_and_contradictions_are_refused() {
        let p = |progress| PkbItemPatch { base_version: 1, progress: Some(progress), ..Default::default() };
        assert_eq!(item().patched(&p(40)).unwrap().status, PkbStatus::Berjalan);
        assert_eq!(item().patched(&p(100)).unwrap().status, PkbStatus::Selesai, "100 % is done");
        assert!(item().patched(&p(101)).is_err(), "progress is a percentage");
        let done = PkbItemPatch { base_version: 1, status: Some(PkbStatus::Selesai), ..Default::default() };
        assert_eq!(item().patched(&done).unwrap().progress, 100, "marking done fills the bar");
        let both = PkbItemPatch { status: Some(PkbStatus::Selesai), progress: Some(50), ..done };
        assert!(item().patched(&both).is_err(), "done at 50 % is a contradiction");
        let long = PkbItemPatch {
            base_version: 1,
            reflection: Some("a".repeat(MAX_REFLECTION + 1)),
            ..Default::default()
        };
        assert!(item().patched(&long).is_err());
        let date =
            PkbItemPatch { base_version: 1, target_date: Some("31/12/2026".into()), ..Default::default() };
        assert!(item().patched(&date).is_err());
    }

    #[test]
    fn jp_done_counts_finished_items_only() {
        let mut a = item();
        a.status = PkbStatus::Selesai;
        a.progress = 100;
        let b = item();
        assert_eq!(jp_done([&a, &b]), 8);
    }
}
