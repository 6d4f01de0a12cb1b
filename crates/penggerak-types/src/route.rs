//! Every route of the HTTP API, named once. The server's router and its OpenAPI annotations use the
//! templates below; the client fills them ([`fill`]); the outbox stores a [`Write`] — which route, with
//! which ids — and never a URL built by hand.
//!
//! A template is the whole path as axum and OpenAPI write it, `{name}` for a parameter. [`ALL`] lists
//! them, and the server's tests check that it serves exactly these.
//!
//! Invariant: a filled parameter is always exactly one path segment (percent-encoded; never empty, `.`,
//! `..` or longer than [`MAX_ID_BYTES`]), so no id can change the route it is sent to.

use crate::{Field, Reason};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

/// The longest id put in a route (ids are UUIDs or short codes such as `kom-01`; the app also names a
/// saved material's folder and files by their ids in hex, which must stay within a file name's 255 bytes).
pub const MAX_ID_BYTES: usize = 64;

macro_rules! routes {
    ($($(#[$doc:meta])* $name:ident = $path:literal;)*) => {
        $($(#[$doc])* pub const $name: &str = concat!("/api/v1", $path);)*
        /// Every route's template.
        pub const ALL: &[&str] = &[$($name),*];
    };
}

routes! {
    /// `GET`: is the server up (and its database answering).
    HEALTH = "/health";
    /// `GET`: liveness: the process answers (nothing else is asked; restart it if not).
    HEALTH_LIVE = "/health/live";
    /// `GET`: readiness: the database answers and every migration this build knows is applied (send it
    /// requests only if so).
    HEALTH_READY = "/health/ready";
    /// `POST`: sign in.
    LOGIN = "/auth/login";
    /// `POST`: a new token pair for a refresh token.
    REFRESH = "/auth/refresh";
    /// `POST`: sign out (revokes the refresh token).
    LOGOUT = "/auth/logout";
    /// `GET`: the signed-in user.
    ME = "/me";
    /// `GET`: this document's machine-readable twin.
    OPENAPI = "/openapi.json";
    /// `GET`: the delta feed.
    SYNC = "/sync";
    /// `GET`: learning communities.
    COMMUNITIES = "/communities";
    /// `GET`: one community.
    COMMUNITY = "/communities/{id}";
    /// `POST`: join a community.
    COMMUNITY_JOIN = "/communities/{id}/join";
    /// `POST`: leave a community.
    COMMUNITY_LEAVE = "/communities/{id}/leave";
    /// `POST`: the caller was at a community's event ("Saya hadir").
    EVENT_ATTEND = "/community-events/{id}/attend";
    /// `POST`: take back the caller's "Saya hadir".
    EVENT_UNATTEND = "/community-events/{id}/unattend";
    /// `GET`: the newest app release for a platform, if newer than the caller's (the Tauri updater's
    /// endpoint: `204` when there is none).
    APP_UPDATE = "/app/update/{target}/{arch}/{current_version}";
    /// `GET`: a released app bundle, by its SHA-256.
    APP_UPDATE_FILE = "/app/update-files/{sha256}";
    /// `GET`: the programmes.
    PROGRAMMES = "/programmes";
    /// `GET`: one programme.
    PROGRAMME = "/programmes/{id}";
    /// `GET`: the caller's participations.
    MY_PARTICIPATIONS = "/me/participations";
    /// `POST`: progress on one item of a participation.
    PARTICIPATION_PROGRESS = "/participations/{id}/items/{item_id}/progress";
    /// `GET`: the caller's development plan.
    PKB = "/pkb";
    /// `POST`: add an item to the plan.
    PKB_ITEMS = "/pkb/items";
    /// `PATCH`, `DELETE`: one plan item.
    PKB_ITEM = "/pkb/items/{id}";
    /// `PUT`: the plan's JP target.
    PKB_TARGET = "/pkb/target";
    /// `GET`: the caller's performance plans and observations.
    KINERJA = "/kinerja";
    /// `GET`, `PATCH`: one performance plan.
    KINERJA_PLAN = "/kinerja/plans/{id}";
    /// `POST`: move a plan to another status.
    KINERJA_PLAN_STATUS = "/kinerja/plans/{id}/status";
    /// `PUT`: the predikat of a plan.
    KINERJA_PLAN_PREDIKAT = "/kinerja/plans/{id}/predikat";
    /// `POST`: schedule an observation.
    KINERJA_OBSERVATIONS = "/kinerja/observations";
    /// `PATCH`: one observation.
    KINERJA_OBSERVATION = "/kinerja/observations/{id}";
    /// `POST`: leave a feedback note on a plan.
    KINERJA_FEEDBACK = "/kinerja/feedback";
    /// `PUT`, `DELETE`: one piece of evidence.
    KINERJA_EVIDENCE = "/kinerja/evidence/{id}";
    /// `GET`: the evidence's file.
    KINERJA_EVIDENCE_FILE = "/kinerja/evidence/{id}/file";
    /// `GET`: the materials catalogue.
    MATERIALS = "/materials";
    /// `GET`: one material.
    MATERIAL = "/materials/{id}";
    /// `GET`: a material's text.
    MATERIAL_CONTENT = "/materials/{id}/content";
    /// `GET`: part of a material's file.
    MATERIAL_FILE = "/materials/{id}/files/{file_id}";
    /// `GET`: the principal's staff.
    SCHOOL_STAFF = "/school/staff";
    /// `GET`: one staff member.
    SCHOOL_STAFF_MEMBER = "/school/staff/{id}";
    /// `GET`: a pengawas's supervised schools, each summed up.
    SUPERVISION_SCHOOLS = "/supervision/schools";
    /// `GET`: one supervised school's staff (read-only).
    SUPERVISION_SCHOOL_STAFF = "/supervision/schools/{npsn}/staff";
}

/// What stays as it is in a path segment: RFC 3986's unreserved characters. Everything else — `/`, `?`,
/// `#`, `%`, spaces, non-ASCII — is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `template` with its parameters replaced, in order, by `ids`, each percent-encoded as one segment.
/// Refuses an id that cannot be one segment (empty, `.` or `..` — URL parsers resolve those even
/// encoded — or longer than [`MAX_ID_BYTES`]) and a count of ids that does not match the template.
pub fn fill(template: &str, ids: &[&str]) -> Result<String, Reason> {
    let refused = Reason::NotValid { field: Field::Id };
    let mut path = String::with_capacity(template.len() + ids.iter().map(|i| i.len()).sum::<usize>());
    let mut ids = ids.iter();
    for (n, segment) in template.split('/').enumerate() {
        if n > 0 {
            path.push('/');
        }
        if segment.starts_with('{') && segment.ends_with('}') {
            let id = ids.next().ok_or_else(|| refused.clone())?;
            if id.is_empty() || *id == "." || *id == ".." || id.len() > MAX_ID_BYTES {
                return Err(refused);
            }
            path.extend(utf8_percent_encode(id, SEGMENT));
        } else {
            path.push_str(segment);
        }
    }
    match ids.next() {
        Some(_) => Err(refused),
        None => Ok(path),
    }
}

/// The template `path` was filled from, with its ids (decoded), if it is one of [`ALL`].
pub fn parse(path: &str) -> Option<(&'static str, Vec<String>)> {
    let given: Vec<&str> = path.split('/').collect();
    ALL.iter().find_map(|template| {
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != given.len() {
            return None;
        }
        let mut ids = Vec::new();
        for (t, g) in parts.iter().zip(&given) {
            if t.starts_with('{') {
                ids.push(percent_encoding::percent_decode_str(g).decode_utf8().ok()?.into_owned());
            } else if t != g {
                return None;
            }
        }
        Some((*template, ids))
    })
}

/// A change the app sends: which route, with which ids. The outbox stores this (as JSON), so what is
/// queued names its route and its records, and a refused one can be reopened in the right editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "write", rename_all = "snake_case")]
pub enum Write {
    JoinCommunity { community: String },
    LeaveCommunity { community: String },
    AttendEvent { event: String },
    UnattendEvent { event: String },
    AddPkbItem,
    EditPkbItem { item: String },
    EditPlan { plan: String },
    MovePlan { plan: String },
    ScheduleObservation,
    EditObservation { observation: String },
    RatePlan { plan: String },
    GiveFeedback,
}

impl Write {
    /// The HTTP method.
    pub fn method(&self) -> &'static str {
        match self {
            Write::JoinCommunity { .. }
            | Write::LeaveCommunity { .. }
            | Write::AttendEvent { .. }
            | Write::UnattendEvent { .. }
            | Write::AddPkbItem
            | Write::MovePlan { .. }
            | Write::ScheduleObservation
            | Write::GiveFeedback => "POST",
            Write::EditPkbItem { .. } | Write::EditPlan { .. } | Write::EditObservation { .. } => "PATCH",
            Write::RatePlan { .. } => "PUT",
        }
    }

    /// The route's template and the ids that fill it.
    pub fn route(&self) -> (&'static str, Vec<&str>) {
        match self {
            Write::JoinCommunity { community } => (COMMUNITY_JOIN, vec![community]),
            Write::LeaveCommunity { community } => (COMMUNITY_LEAVE, vec![community]),
            Write::AttendEvent { event } => (EVENT_ATTEND, vec![event]),
            Write::UnattendEvent { event } => (EVENT_UNATTEND, vec![event]),
            Write::AddPkbItem => (PKB_ITEMS, vec![]),
            Write::EditPkbItem { item } => (PKB_ITEM, vec![item]),
            Write::EditPlan { plan } => (KINERJA_PLAN, vec![plan]),
            Write::MovePlan { plan } => (KINERJA_PLAN_STATUS, vec![plan]),
            Write::ScheduleObservation => (KINERJA_OBSERVATIONS, vec![]),
            Write::EditObservation { observation } => (KINERJA_OBSERVATION, vec![observation]),
            Write::RatePlan { plan } => (KINERJA_PLAN_PREDIKAT, vec![plan]),
            Write::GiveFeedback => (KINERJA_FEEDBACK, vec![]),
        }
    }

    /// The route's template.
    pub fn template(&self) -> &'static str {
        self.route().0
    }

    /// The path to send it to (see [`fill`]).
    pub fn path(&self) -> Result<String, Reason> {
        let (template, ids) = self.route();
        fill(template, &ids)
    }

    /// The write a `method` and `path` name (how an app before routes were stored queued its changes).
    pub fn from_request(method: &str, path: &str) -> Option<Write> {
        let (template, mut ids) = parse(path)?;
        let id = ids.pop();
        let write = match (template, id) {
            (COMMUNITY_JOIN, Some(community)) => Write::JoinCommunity { community },
            (COMMUNITY_LEAVE, Some(community)) => Write::LeaveCommunity { community },
            (EVENT_ATTEND, Some(event)) => Write::AttendEvent { event },
            (EVENT_UNATTEND, Some(event)) => Write::UnattendEvent { event },
            (PKB_ITEMS, None) => Write::AddPkbItem,
            (PKB_ITEM, Some(item)) => Write::EditPkbItem { item },
            (KINERJA_PLAN, Some(plan)) => Write::EditPlan { plan },
            (KINERJA_PLAN_STATUS, Some(plan)) => Write::MovePlan { plan },
            (KINERJA_OBSERVATIONS, None) => Write::ScheduleObservation,
            (KINERJA_OBSERVATION, Some(observation)) => Write::EditObservation { observation },
            (KINERJA_PLAN_PREDIKAT, Some(plan)) => Write::RatePlan { plan },
            (KINERJA_FEEDBACK, None) => Write::GiveFeedback,
            _ => return None,
        };
        (write.method() == method).then_some(write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_always_one_segment() {
        assert_eq!(fill(COMMUNITY_JOIN, &["kom-01"]).unwrap(), "/api/v1/communities/kom-01/join");
        assert_eq!(
            fill(PKB_ITEM, &["a/b?c#d%e f"]).unwrap(),
            "/api/v1/pkb/items/a%2Fb%3Fc%23d%25e%20f",
            "every character that could end or change the segment is encoded"
        );
        for bad in ["", ".", "..", &"x".repeat(MAX_ID_BYTES + 1)] {
            assert!(fill(PKB_ITEM, &[bad]).is_err(), "{bad:?} cannot be one segment");
        }
    }

    #[test]
    fn the_count_of_ids_matches_the_template() {
        assert!(fill(MATERIAL_FILE, &["m1"]).is_err(), "a missing id is refused, not left as `{{file_id}}`");
        assert!(fill(PKB_ITEMS, &["x"]).is_err(), "an extra id is refused, not dropped");
        assert_eq!(fill(MATERIAL_FILE, &["m1", "f1"]).unwrap(), "/api/v1/materials/m1/files/f1");
    }

    #[test]
    fn a_filled_route_parses_back_to_its_template_and_ids() {
        for template in ALL {
            let n = template.matches('{').count();
            let ids: Vec<String> = (0..n).map(|i| format!("id {i}/?")).collect();
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let path = fill(template, &refs).unwrap();
            assert_eq!(parse(&path), Some((*template, ids)), "{template} round-trips");
        }
        assert_eq!(parse("/api/v1/nowhere"), None);
    }

    #[test]
    fn every_write_round_trips_through_its_method_and_path() {
        let writes = [
            Write::JoinCommunity { community: "kom/01".into() },
            Write::LeaveCommunity { community: "kom-01".into() },
            Write::AddPkbItem,
            Write::EditPkbItem { item: "i 1".into() },
            Write::EditPlan { plan: "p1".into() },
            Write::MovePlan { plan: "p1".into() },
            Write::ScheduleObservation,
            Write::EditObservation { observation: "o1".into() },
            Write::RatePlan { plan: "p1".into() },
            Write::GiveFeedback,
        ];
        for w in writes {
            let path = w.path().unwrap();
            assert_eq!(Write::from_request(w.method(), &path), Some(w.clone()), "{path}");
            assert_eq!(Write::from_request("DELETE", &path), None, "the method is part of the route");
            let json = serde_json::to_string(&w).unwrap();
            assert_eq!(serde_json::from_str::<Write>(&json).unwrap(), w, "{json}");
        }
    }
}
