//! What a sync brought that the user should hear about, each once: to a teacher, her plan approved,
//! returned (with the note) or agreed, the predikat given, an observation scheduled, new feedback notes
//! from her principal; to a principal, how
//! many plans wait for his approval when more than before. The UI words each and shows it as a
//! notification (switchable in Pengaturan).
//!
//! Owns: what each person was last told on this device — a marker of a few ids and statuses, in the
//! device's `settings`, keyed by user, kept across sign-out (unlike the account's data) so that a teacher
//! who shares a device with her principal, signing in and out in turn, is still told what changed since
//! she last looked. The first look ever on a device only takes note of how things stand: a new device
//! does not announce old news.

use crate::{CoreError, Engine, LocalStore};
use penggerak_types::api::Role;
use penggerak_types::ipc::News;
use penggerak_types::kinerja::{cycle_id, Feedback, Observation, PerformancePlan, PlanStatus, Predikat};
use penggerak_types::RecordKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

fn seen_key(user_id: &str) -> String {
    format!("news_seen:{user_id}")
}

/// How things stood when the user was last told.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Seen {
    /// Her plan of the current cycle: its status and predikat.
    status: Option<PlanStatus>,
    predikat: Option<Predikat>,
    /// Her plan's observations.
    observations: BTreeSet<String>,
    /// For a principal: plans waiting for him.
    waiting: u32,
    /// Her plan's feedback notes (`None` in a marker kept before there were any: those there now are
    /// not news).
    #[serde(default)]
    feedback: Option<BTreeSet<String>>,
}

/// What changed from `before` to `now` that is news (`plan`: her plan now; `new_observations`: hers not
/// seen before).
fn news(
    before: &Seen,
    now: &Seen,
    plan: Option<&PerformancePlan>,
    new_observations: &[Observation],
) -> Vec<News> {
    let mut out = Vec::new();
    if now.status != before.status {
        if let (
            Some(to @ (PlanStatus::Disetujui | PlanStatus::Dikembalikan | PlanStatus::Disepakati)),
            Some(p),
        ) = (now.status, plan)
        {
            let note = (to == PlanStatus::Dikembalikan).then(|| p.return_note().map(str::to_owned)).flatten();
            out.push(News::PlanMoved { to, note });
        }
    }
    if let (Some(predikat), None) = (now.predikat, before.predikat) {
        out.push(News::PredikatGiven { predikat });
    }
    for o in new_observations {
        out.push(News::ObservationScheduled {
            scheduled_at: o.scheduled_at.clone(),
            class: o.class_name.clone(),
        });
    }
    if now.waiting > before.waiting {
        out.push(News::WaitingForYou { count: now.waiting });
    }
    if let (Some(now), Some(before)) = (&now.feedback, &before.feedback) {
        let fresh = now.difference(before).count() as u32;
        if fresh > 0 {
            out.push(News::Feedback { count: fresh });
        }
    }
    out
}

impl LocalStore {
    /// The news since the user was last told (see the module), each once. Nothing while signed out or
    /// with news turned off (what stands is still noted, so turning it on again does not bring old news).
    async fn take_news(&self, today: &str) -> Result<Vec<News>, CoreError> {
        let Some((_, me)) = self.account().await? else { return Ok(vec![]) };
        // Before the first sync after sign-in the device holds none of her records: nothing to compare
        // (and noting "no plan" now would make old news of everything the sync then brings).
        if self.record(RecordKind::Person, &me.id).await?.is_none() {
            return Ok(vec![]);
        }
        let cycle = cycle_id(crate::clock::year_of(today));
        let plans: Vec<PerformancePlan> = self.all(RecordKind::PerformancePlan).await?;
        let mine = plans.iter().find(|p| p.owner_id == me.id && p.cycle_id == cycle);
        let observations: Vec<Observation> = match mine {
            Some(p) => self
                .all::<Observation>(RecordKind::Observation)
                .await?
                .into_iter()
                .filter(|o| o.plan_id == p.id)
                .collect(),
            None => vec![],
        };
        let feedback: BTreeSet<String> = match mine {
            Some(p) => self
                .all::<Feedback>(RecordKind::Feedback)
                .await?
                .into_iter()
                .filter(|f| f.plan_id == p.id && f.by_id != me.id)
                .map(|f| f.id)
                .collect(),
            None => BTreeSet::new(),
        };
        let school = me.school.as_ref().map(|s| s.npsn.as_str());
        let waiting = if me.role == Role::KepalaSekolah {
            plans
                .iter()
                .filter(|p| p.owner_id != me.id && p.school_npsn.as_deref() == school)
                .filter(|p| p.status == PlanStatus::PerluDisetujui)
                .count() as u32
        } else {
            0
        };
        let now = Seen {
            status: mine.map(|p| p.status),
            predikat: mine.and_then(|p| p.predikat),
            observations: observations.iter().map(|o| o.id.clone()).collect(),
            waiting,
            feedback: Some(feedback),
        };
        // Read and replace the marker in one write transaction: two looks at once (the app asks at start
        // and when a sync settles) must not both find the old marker and tell the same news twice.
        let key = seen_key(&me.id);
        let seen = serde_json::to_string(&now).map_err(|e| CoreError::Storage(e.to_string()))?;
        let mut tx = self.write().await?;
        let (stored,): (Option<String>,) =
            sqlx::query_as("SELECT (SELECT value FROM settings WHERE key = ?)")
                .bind(&key)
                .fetch_one(&mut *tx)
                .await?;
        if stored.as_deref() != Some(seen.as_str()) {
            crate::store::set_setting(&mut tx, &key, &seen).await?;
        }
        tx.commit().await?;
        let before: Option<Seen> = stored.and_then(|s| serde_json::from_str(&s).ok());
        let Some(before) = before else { return Ok(vec![]) };
        if !self.preferences().await?.news {
            return Ok(vec![]);
        }
        let fresh: Vec<Observation> =
            observations.into_iter().filter(|o| !before.observations.contains(&o.id)).collect();
        Ok(news(&before, &now, mine, &fresh))
    }
}

impl Engine {
    /// What the last syncs brought that the user should hear about, each once (see [`News`]).
    pub async fn take_news(&self) -> Result<Vec<News>, CoreError> {
        self.store().take_news(&self.today().await?).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_changed_is_news() {
        let before = Seen { status: Some(PlanStatus::PerluDisetujui), ..Default::default() };
        let same = before.clone();
        assert!(news(&before, &same, None, &[]).is_empty(), "nothing changed, nothing said");
        let approved = Seen { status: Some(PlanStatus::Disetujui), ..Default::default() };
        let plan = PerformancePlan {
            id: "p".into(),
            cycle_id: "kinerja-2026".into(),
            owner_id: "u".into(),
            school_npsn: None,
            status: PlanStatus::Disetujui,
            results: vec![],
            history: vec![],
            reflection: String::new(),
            predikat: None,
            predikat_note: None,
        };
        assert_eq!(
            news(&before, &approved, Some(&plan), &[]),
            [News::PlanMoved { to: PlanStatus::Disetujui, note: None }]
        );
        let submitted = Seen { status: Some(PlanStatus::PerluDisetujui), ..Default::default() };
        let draft = Seen { status: Some(PlanStatus::Draf), ..Default::default() };
        assert!(news(&draft, &submitted, Some(&plan), &[]).is_empty(), "her own submit is not news to her");
        let rated = Seen {
            status: Some(PlanStatus::Disepakati),
            predikat: Some(Predikat::Baik),
            ..Default::default()
        };
        let agreed = Seen { status: Some(PlanStatus::Disepakati), ..Default::default() };
        assert_eq!(
            news(&agreed, &rated, Some(&plan), &[]),
            [News::PredikatGiven { predikat: Predikat::Baik }]
        );
        let more = Seen { waiting: 3, ..Default::default() };
        let fewer = Seen { waiting: 1, ..Default::default() };
        assert_eq!(news(&fewer, &more, None, &[]), [News::WaitingForYou { count: 3 }]);
        assert!(news(&more, &fewer, None, &[]).is_empty(), "fewer waiting is not news");
    }
}
