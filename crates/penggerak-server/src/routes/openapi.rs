//! The OpenAPI 3 document of the HTTP API, generated from the routes' `#[utoipa::path]` annotations and the
//! `penggerak-types` schemas. Served at `GET /api/v1/openapi.json`; a copy is committed as `openapi.json`
//! at the workspace root, and `tests/openapi.rs` fails when the two differ.
//!
//! What the server's validation accepts is stated here, in one place, from [`penggerak_types::limits`]
//! (`BODY_BOUNDS`, `PARAM_BOUNDS`, every path id): `maxLength`, `maxItems`, `minimum`/`maximum` and
//! patterns, so that clients and fuzzers know the bounds without reading the code. So are the links from
//! the operations that create or list records to those that use them (`LINKS`), and examples naming
//! demo records (`EXAMPLES`), which let a fuzzer reach past `404` into the routes' logic.
//!
//! So are the answers every route of a kind shares: the `401` of each operation that needs a token
//! (`Unauthorized`) and what the idempotency layer adds to each mutating one.
//!
//! Never: describe a route's own shape here (its parameters, body and answers are documented where it is
//! defined).

use axum::http::header;
use axum::response::IntoResponse;
use penggerak_types::limits;
use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Penggerak API",
        description = "The HTTP API of Penggerak, the app for Indonesian teachers. Every error is \
            `{code, message}`: clients branch on `code` (new codes may be added, so treat unknown ones like \
            `unknown`); `message` is for people, in Bahasa Indonesia."
    ),
    paths(
        super::health,
        super::live,
        super::ready,
        super::auth::login,
        super::auth::refresh,
        super::auth::logout,
        super::me::me,
        super::sync::sync,
        super::communities::list,
        super::communities::detail,
        super::communities::join,
        super::communities::leave,
        super::communities::attend,
        super::communities::unattend,
    ),
    components(schemas(
        penggerak_types::api::Person,
        penggerak_types::api::Community,
        penggerak_types::api::CommunityEventRecord,
        penggerak_types::api::Membership,
        penggerak_types::api::Attendance,
        penggerak_types::RecordKind,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "server", description = "Server status"),
        (name = "auth", description = "Sign-in, token refresh and sign-out"),
        (name = "profile", description = "The signed-in user"),
        (name = "sync", description = "The delta feed of every record the caller may see"),
        (name = "communities", description = "Learning communities (komunitas belajar)"),
    )
)]
struct ApiDoc;

/// Declares the `bearer` scheme: `Authorization: Bearer <access token>` from `/auth/login`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.components.get_or_insert_with(Default::default).add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An opaque access token from `/auth/login` or `/auth/refresh`"))
                    .build(),
            ),
        );
    }
}

/// Every operation that asks for the `bearer` token is answered `401 unauthorized` without a valid one:
/// that answer is declared here, once, for each of them (an operation that words its 401 more closely, as
/// `/me` does, keeps its own).
struct Unauthorized;

impl Modify for Unauthorized {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for op in ops.into_iter().flatten() {
                let bearer = op.security.iter().flatten().any(|requirement| {
                    serde_json::to_value(requirement).is_ok_and(|names| names.get("bearer").is_some())
                });
                if bearer {
                    op.responses
                        .responses
                        .entry("401".to_owned())
                        .or_insert_with(|| error_response("`unauthorized`").into());
                }
            }
        }
    }
}

/// An error answer: `description`, with an `ApiError` body.
fn error_response(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build(),
        )
        .build()
}

/// The document, as generated from the code: the core routes above, each area's own `Doc`, the `401`
/// of every operation that needs a token, the `Idempotency-Key` header on every mutating route, the
/// bounds, links and examples. (Its links carry utoipa's field names; [`document_json`] is the document
/// as served.)
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(super::programmes::Doc::openapi());
    doc.merge(super::pkb::Doc::openapi());
    doc.merge(super::kinerja::Doc::openapi());
    doc.merge(super::materials::Doc::openapi());
    doc.merge(super::school::Doc::openapi());
    doc.merge(super::updates::Doc::openapi());
    Unauthorized.modify(&mut doc);
    declare_idempotency_key(&mut doc);
    let mut json = serde_json::to_value(&doc).expect("an OpenAPI document always serialises");
    declare_bounds(&mut json);
    declare_links(&mut json);
    declare_examples(&mut json);
    serde_json::from_value(json)
        .expect("the bounds, links and examples keep the document an OpenAPI document")
}

/// Every mutating route outside `/auth/` goes through `crate::idempotency`: declare its header and the
/// answers it adds, in one place, so no route can forget them.
fn declare_idempotency_key(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
    use utoipa::openapi::Required;
    for (path, item) in doc.paths.paths.iter_mut() {
        if path.contains("/auth/") {
            continue;
        }
        for op in [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
            op.parameters.get_or_insert_with(Vec::new).push(
                ParameterBuilder::new()
                    .name(penggerak_types::api::IDEMPOTENCY_KEY)
                    .parameter_in(ParameterIn::Header)
                    .required(Required::True)
                    .description(Some(
                        "A UUID the client picked once for this change and reuses for every retry of it",
                    ))
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .format(Some(SchemaFormat::Custom("uuid".into()))),
                    ))
                    .build(),
            );
            let responses = &mut op.responses.responses;
            for (status, text) in [
                ("400", "`bad_request`: no `Idempotency-Key`, or not a UUID, or a malformed body"),
                ("409", "`conflict`: a request with this key is still running, or the record changed since `base_version` (`current` holds the server copy)"),
                ("422", "`validation`: this key was used for a different request, or the body is invalid"),
                ("429", "`rate_limited`: the user's changes of this day (UTC) are spent; `Retry-After` says when the next begins"),
            ] {
                responses.entry(status.to_owned()).or_insert_with(|| error_response(text).into());
            }
        }
    }
}

/// What the server accepts in one field or parameter, stated from [`limits`].
#[derive(Debug, Clone, Copy)]
enum Bound {
    /// At most this many characters.
    Text(usize),
    /// 1 to this many characters, not all blank.
    Filled(usize),
    /// 1 to this many characters on one line (no control character).
    Line(usize),
    /// An id as [`limits::is_id`] takes it.
    Id,
    /// A client-chosen id: a UUID.
    Uuid,
    /// At most this many items.
    Items(usize),
    /// A whole number in this range, both ends included.
    Range(u64, u64),
    /// A date, `YYYY-MM-DD`; empty too when `true` (it clears the date).
    Date(bool),
    /// A local date and time, `YYYY-MM-DDTHH:MM` ([`penggerak_types::kinerja::is_local_datetime`]).
    LocalDateTime,
}

impl Bound {
    /// Adds the bound to a schema (a property's or a parameter's).
    fn apply(self, schema: &mut Value) {
        let fields: Vec<(&str, Value)> = match self {
            Bound::Text(max) => vec![("maxLength", max.into())],
            Bound::Filled(max) => {
                vec![("minLength", 1.into()), ("maxLength", max.into()), ("pattern", r"\S".into())]
            }
            Bound::Line(max) => vec![
                ("minLength", 1.into()),
                ("maxLength", max.into()),
                ("pattern", format!(r"^[^\u0000-\u001F\u007F-\u009F]{{1,{max}}}$").into()),
            ],
            Bound::Id => vec![
                ("minLength", 1.into()),
                ("maxLength", limits::ID.into()),
                ("pattern", format!("^[A-Za-z0-9_.:-]{{1,{}}}$", limits::ID).into()),
            ],
            Bound::Uuid => vec![("format", "uuid".into())],
            Bound::Items(max) => vec![("maxItems", max.into())],
            Bound::Range(min, max) => vec![("minimum", min.into()), ("maximum", max.into())],
            Bound::Date(empty) => {
                let date = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
                let pattern = if empty { format!("^({date})?$") } else { format!("^{date}$") };
                vec![("maxLength", 10.into()), ("pattern", pattern.into())]
            }
            Bound::LocalDateTime => vec![
                ("maxLength", 16.into()),
                (
                    "pattern",
                    "^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]$"
                        .into(),
                ),
            ],
        };
        let schema = schema.as_object_mut().expect("a schema is an object");
        for (key, value) in fields {
            schema.insert(key.to_owned(), value);
        }
    }
}

/// The request bodies' fields: (schema, property, bound). `property/items` is each item of an array.
const BODY_BOUNDS: &[(&str, &str, Bound)] = {
    use limits::*;
    use Bound::*;
    &[
        ("LoginRequest", "identifier", Line(IDENTIFIER)),
        ("LoginRequest", "password", Text(PASSWORD)),
        ("RefreshRequest", "refresh_token", Text(TOKEN)),
        ("NewPkbItem", "id", Uuid),
        ("NewPkbItem", "title", Line(TITLE)),
        ("NewPkbItem", "jp", Range(1, 200)),
        ("NewPkbItem", "target_date", Date(false)),
        ("NewPkbItem", "community_event_id", Id),
        ("PkbItemPatch", "title", Line(TITLE)),
        ("PkbItemPatch", "jp", Range(1, 200)),
        ("PkbItemPatch", "target_date", Date(true)),
        ("PkbItemPatch", "progress", Range(0, 100)),
        ("PkbItemPatch", "reflection", Text(REFLECTION)),
        ("PkbTarget", "target_jp", Range(1, 500)),
        ("PlanPatch", "results", Items(RESULTS_PER_PLAN)),
        ("PlanPatch", "reflection", Text(REFLECTION)),
        ("PlannedResult", "id", Id),
        ("PlannedResult", "text", Filled(TEXT)),
        ("PlannedResult", "indicators", Items(INDICATORS_PER_RESULT)),
        ("PlannedResult", "indicators/items", Filled(TEXT)),
        ("PlanMove", "note", Text(NOTE)),
        ("PlanRating", "note", Text(NOTE)),
        ("NewObservation", "id", Uuid),
        ("NewObservation", "plan_id", Id),
        ("NewObservation", "scheduled_at", LocalDateTime),
        ("NewObservation", "class_name", Filled(CLASS)),
        ("NewObservation", "focus", Text(TEXT)),
        ("NewFeedback", "id", Uuid),
        ("NewFeedback", "plan_id", Id),
        ("NewFeedback", "text", Filled(TEXT)),
        ("ObservationPatch", "scheduled_at", LocalDateTime),
        ("ObservationPatch", "class_name", Filled(CLASS)),
        ("ObservationPatch", "focus", Text(REFLECTION)),
        ("ObservationPatch", "preparation", Text(REFLECTION)),
        ("ObservationPatch", "record", Text(REFLECTION)),
        ("ObservationPatch", "follow_up", Text(REFLECTION)),
    ]
};

/// Query parameters: (path, parameter, bound). Every path parameter is an [`Bound::Id`] unless
/// [`UUID_PATHS`] says it is a UUID.
const PARAM_BOUNDS: &[(&str, &str, Bound)] = {
    use limits::*;
    use Bound::*;
    &[
        ("/api/v1/communities", "q", Text(SEARCH)),
        ("/api/v1/communities", "topic", Text(FILTER)),
        ("/api/v1/communities", "jenjang", Text(FILTER)),
        ("/api/v1/communities", "province", Text(FILTER)),
        ("/api/v1/materials", "q", Text(SEARCH)),
        ("/api/v1/materials", "topic", Text(FILTER)),
        ("/api/v1/materials", "jenjang", Text(FILTER)),
        ("/api/v1/sync", "cursor", Text(CURSOR)),
        ("/api/v1/sync", "limit", Range(1, SYNC_PAGE_RECORDS_MAX as u64)),
        ("/api/v1/kinerja/evidence/{id}", "plan_id", Id),
        ("/api/v1/kinerja/evidence/{id}", "title", Line(TITLE)),
        ("/api/v1/kinerja/evidence/{id}", "file_name", Line(FILE_NAME)),
        ("/api/v1/kinerja/evidence/{id}", "result_id", Id),
    ]
};

/// The paths whose `{id}` a client chose: a UUID.
const UUID_PATHS: &[&str] = &[
    "/api/v1/pkb/items/{id}",
    "/api/v1/kinerja/observations/{id}",
    "/api/v1/kinerja/evidence/{id}",
    "/api/v1/kinerja/evidence/{id}/file",
];

/// The operation `method path` of the document.
fn operation<'a>(json: &'a mut Value, method: &str, path: &str) -> &'a mut Value {
    json["paths"]
        .get_mut(path)
        .and_then(|item| item.get_mut(method))
        .unwrap_or_else(|| panic!("{method} {path} is not an operation of the document"))
}

/// Adds [`BODY_BOUNDS`], [`PARAM_BOUNDS`] and the path ids' bound. Panics (so `tests/openapi.rs` fails)
/// when an entry names a schema, a property or a parameter the document does not have.
fn declare_bounds(json: &mut Value) {
    for &(schema, property, bound) in BODY_BOUNDS {
        let mut at = &mut json["components"]["schemas"][schema]["properties"];
        for step in property.split('/') {
            at = &mut at[step];
        }
        assert!(at.is_object(), "{schema}.{property} is not in the document");
        bound.apply(at);
    }
    for &(path, name, bound) in PARAM_BOUNDS {
        let mut found = false;
        let item = json["paths"].get_mut(path).and_then(Value::as_object_mut);
        for op in item.into_iter().flat_map(|item| item.values_mut()) {
            let params = op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten();
            for p in params.filter(|p| p["name"] == name && p["in"] == "query") {
                bound.apply(&mut p["schema"]);
                found = true;
            }
        }
        assert!(found, "the query parameter {name} of {path} is not in the document");
    }
    for (path, item) in json["paths"].as_object_mut().expect("paths is an object") {
        let id = if UUID_PATHS.contains(&path.as_str()) { Bound::Uuid } else { Bound::Id };
        for op in item.as_object_mut().expect("a path item is an object").values_mut() {
            let params = op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten();
            for p in params.filter(|p| p["in"] == "path") {
                let bound = if p["name"] == "id" { id } else { Bound::Id };
                bound.apply(&mut p["schema"]);
            }
        }
    }
    // The evidence upload's body is the file's bytes, not a JSON array of numbers.
    let upload = operation(json, "put", "/api/v1/kinerja/evidence/{id}");
    upload["requestBody"]["content"]["application/octet-stream"]["schema"] =
        serde_json::json!({"type": "string", "format": "binary"});
}

/// A link from the answer `status` of one operation to another operation (by `operationId`):
/// parameters and body fields taken from the answer by runtime expressions.
struct Link {
    from: (&'static str, &'static str, &'static str),
    name: &'static str,
    to: &'static str,
    parameters: &'static [(&'static str, &'static str)],
    body: &'static [(&'static str, &'static str)],
}

/// The first record of a `Changed` answer: its id and version.
const CHANGED_ID: (&str, &str) = ("id", "$response.body#/records/0/id");
const CHANGED_VERSION: (&str, &str) = ("base_version", "$response.body#/records/0/version");

/// From the operations that create, change or list records to those that use them.
const LINKS: &[Link] = &[
    Link {
        from: ("post", "/api/v1/auth/login", "200"),
        name: "Refresh",
        to: "refresh",
        parameters: &[],
        body: &[("refresh_token", "$response.body#/tokens/refresh_token")],
    },
    Link {
        from: ("post", "/api/v1/auth/login", "200"),
        name: "Logout",
        to: "logout",
        parameters: &[],
        body: &[("refresh_token", "$response.body#/tokens/refresh_token")],
    },
    Link {
        from: ("post", "/api/v1/auth/refresh", "200"),
        name: "Logout",
        to: "logout",
        parameters: &[],
        body: &[("refresh_token", "$response.body#/tokens/refresh_token")],
    },
    Link {
        from: ("get", "/api/v1/sync", "200"),
        name: "NextPage",
        to: "sync",
        parameters: &[("cursor", "$response.body#/cursor")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/communities", "200"),
        name: "Community",
        to: "community",
        parameters: &[("id", "$response.body#/0/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/communities", "200"),
        name: "Join",
        to: "join",
        parameters: &[("id", "$response.body#/0/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/communities", "200"),
        name: "Leave",
        to: "leave",
        parameters: &[("id", "$response.body#/0/id")],
        body: &[],
    },
    Link {
        from: ("post", "/api/v1/communities/{id}/join", "200"),
        name: "Leave",
        to: "leave",
        parameters: &[("id", "$request.path.id")],
        body: &[],
    },
    Link {
        from: ("post", "/api/v1/communities/{id}/leave", "200"),
        name: "Join",
        to: "join",
        parameters: &[("id", "$request.path.id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/programmes", "200"),
        name: "Programme",
        to: "programme",
        parameters: &[("id", "$response.body#/0/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/me/participations", "200"),
        name: "Progress",
        to: "progress",
        parameters: &[("id", "$response.body#/0/id"), ("item_id", "$response.body#/0/items/0/item_id")],
        body: &[],
    },
    Link {
        from: ("post", "/api/v1/participations/{id}/items/{item_id}/progress", "200"),
        name: "Progress",
        to: "progress",
        parameters: &[("id", "$request.path.id"), ("item_id", "$request.path.item_id")],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("get", "/api/v1/materials", "200"),
        name: "Material",
        to: "material",
        parameters: &[("id", "$response.body#/0/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/materials", "200"),
        name: "Content",
        to: "content",
        parameters: &[("id", "$response.body#/0/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/materials", "200"),
        name: "File",
        to: "file",
        parameters: &[("id", "$response.body#/0/id"), ("file_id", "$response.body#/0/files/0/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/school/staff", "200"),
        name: "Person",
        to: "one",
        parameters: &[("id", "$response.body#/0/person/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/pkb", "200"),
        name: "EditItem",
        to: "edit_item",
        parameters: &[("id", "$response.body#/items/0/id")],
        body: &[],
    },
    Link {
        from: ("post", "/api/v1/pkb/items", "200"),
        name: "EditItem",
        to: "edit_item",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("post", "/api/v1/pkb/items", "200"),
        name: "DeleteItem",
        to: "delete_item",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("patch", "/api/v1/pkb/items/{id}", "200"),
        name: "EditItem",
        to: "edit_item",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("patch", "/api/v1/pkb/items/{id}", "200"),
        name: "DeleteItem",
        to: "delete_item",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("put", "/api/v1/pkb/target", "200"),
        name: "SetTarget",
        to: "set_target",
        parameters: &[],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("get", "/api/v1/kinerja", "200"),
        name: "Plan",
        to: "plan",
        parameters: &[("id", "$response.body#/plan/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/kinerja", "200"),
        name: "EditPlan",
        to: "edit_plan",
        parameters: &[("id", "$response.body#/plan/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/kinerja", "200"),
        name: "Download",
        to: "download",
        parameters: &[("id", "$response.body#/evidence/0/id")],
        body: &[],
    },
    Link {
        from: ("get", "/api/v1/kinerja", "200"),
        name: "EditObservation",
        to: "edit_observation",
        parameters: &[("id", "$response.body#/observations/0/id")],
        body: &[],
    },
    Link {
        from: ("patch", "/api/v1/kinerja/plans/{id}", "200"),
        name: "EditPlan",
        to: "edit_plan",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("patch", "/api/v1/kinerja/plans/{id}", "200"),
        name: "MovePlan",
        to: "move_plan",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("patch", "/api/v1/kinerja/plans/{id}", "200"),
        name: "Upload",
        to: "upload",
        parameters: &[("plan_id", "$response.body#/records/0/id")],
        body: &[],
    },
    Link {
        from: ("post", "/api/v1/kinerja/plans/{id}/status", "200"),
        name: "MovePlan",
        to: "move_plan",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("post", "/api/v1/kinerja/plans/{id}/status", "200"),
        name: "RatePlan",
        to: "rate_plan",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("post", "/api/v1/kinerja/plans/{id}/status", "200"),
        name: "Schedule",
        to: "schedule",
        parameters: &[],
        body: &[("plan_id", "$response.body#/records/0/id")],
    },
    Link {
        from: ("post", "/api/v1/kinerja/observations", "200"),
        name: "EditObservation",
        to: "edit_observation",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("patch", "/api/v1/kinerja/observations/{id}", "200"),
        name: "EditObservation",
        to: "edit_observation",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
    Link {
        from: ("put", "/api/v1/kinerja/evidence/{id}", "200"),
        name: "Download",
        to: "download",
        parameters: &[CHANGED_ID],
        body: &[],
    },
    Link {
        from: ("put", "/api/v1/kinerja/evidence/{id}", "200"),
        name: "DeleteEvidence",
        to: "delete_evidence",
        parameters: &[CHANGED_ID],
        body: &[CHANGED_VERSION],
    },
];

/// Adds [`LINKS`]; panics when one names an operation or answer the document does not have.
fn declare_links(json: &mut Value) {
    let ids: Vec<String> = json["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|item| item.as_object().into_iter().flat_map(|ops| ops.values()))
        .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
        .collect();
    for link in LINKS {
        assert!(ids.contains(&link.to.to_owned()), "link {}: no operation {}", link.name, link.to);
        let (method, path, status) = link.from;
        let answer = &mut operation(json, method, path)["responses"][status];
        assert!(answer.is_object(), "link {}: {method} {path} has no {status} answer", link.name);
        // utoipa 5 names a link's fields in snake case (`operation_id`, `request_body`, and `parameters`
        // is required): written so here, renamed in [`document_json`].
        let mut value = serde_json::json!({
            "operation_id": link.to,
            "parameters": link.parameters.iter().map(|&(k, v)| (k.to_owned(), Value::from(v))).collect::<Value>(),
        });
        if !link.body.is_empty() {
            value["request_body"] = link.body.iter().map(|&(k, v)| (k.to_owned(), Value::from(v))).collect();
        }
        answer["links"][link.name] = value;
    }
}

/// Examples naming demo records (`penggerak-server --demo`), per operation: (method, path, parameter or
/// `body`, example). A parameter may have several: each is tried.
const EXAMPLES: &[(&str, &str, &str, &str)] = &[
    (
        "post",
        "/api/v1/auth/login",
        "body",
        r#"{"identifier": "3471765432100001", "password": "penggerak2026"}"#,
    ),
    ("get", "/api/v1/communities/{id}", "id", r#""kom-01""#),
    ("post", "/api/v1/communities/{id}/join", "id", r#""kom-20""#),
    ("post", "/api/v1/communities/{id}/leave", "id", r#""kom-01""#),
    ("get", "/api/v1/programmes/{id}", "id", r#""guru-penggerak""#),
    (
        "post",
        "/api/v1/participations/{id}/items/{item_id}/progress",
        "id",
        r#""kepemimpinan-pembelajaran:kepsek-bambang""#,
    ),
    ("post", "/api/v1/participations/{id}/items/{item_id}/progress", "item_id", r#""pkp-modul-2""#),
    (
        "post",
        "/api/v1/participations/{id}/items/{item_id}/progress",
        "body",
        r#"{"base_version": 1, "done": 2}"#,
    ),
    (
        "post",
        "/api/v1/pkb/items",
        "body",
        r#"{"id": "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "kind": "lainnya", "title": "Webinar literasi numerasi", "jp": 2, "target_date": "2026-12-20"}"#,
    ),
    ("patch", "/api/v1/pkb/items/{id}", "id", r#""00000000-0000-4000-8000-000000000003""#),
    ("patch", "/api/v1/pkb/items/{id}", "id", r#""00000000-0000-4000-8000-000001000002""#),
    ("patch", "/api/v1/pkb/items/{id}", "body", r#"{"base_version": 1, "progress": 50}"#),
    ("delete", "/api/v1/pkb/items/{id}", "id", r#""00000000-0000-4000-8000-000000000002""#),
    ("delete", "/api/v1/pkb/items/{id}", "id", r#""00000000-0000-4000-8000-000001000001""#),
    ("delete", "/api/v1/pkb/items/{id}", "body", r#"{"base_version": 1}"#),
    ("put", "/api/v1/pkb/target", "body", r#"{"base_version": 1, "target_jp": 40}"#),
    ("get", "/api/v1/kinerja/plans/{id}", "id", r#""skp:kinerja-2026:guru-siti""#),
    ("get", "/api/v1/kinerja/plans/{id}", "id", r#""skp:kinerja-2026:guru-007""#),
    ("patch", "/api/v1/kinerja/plans/{id}", "id", r#""skp:kinerja-2026:guru-siti""#),
    (
        "patch",
        "/api/v1/kinerja/plans/{id}",
        "body",
        r#"{"base_version": 1, "reflection": "Refleksi awal siklus."}"#,
    ),
    // The teacher submits her plan after the edit above (version 2); the principal approves another.
    ("post", "/api/v1/kinerja/plans/{id}/status", "id", r#""skp:kinerja-2026:guru-siti""#),
    ("post", "/api/v1/kinerja/plans/{id}/status", "id", r#""skp:kinerja-2026:guru-007""#),
    ("post", "/api/v1/kinerja/plans/{id}/status", "body", r#"{"base_version": 2, "to": "perlu_disetujui"}"#),
    ("post", "/api/v1/kinerja/plans/{id}/status", "body", r#"{"base_version": 1, "to": "disetujui"}"#),
    ("put", "/api/v1/kinerja/plans/{id}/predikat", "id", r#""skp:kinerja-2026:guru-003""#),
    (
        "put",
        "/api/v1/kinerja/plans/{id}/predikat",
        "body",
        r#"{"base_version": 1, "predikat": "baik", "note": "Konsisten dan reflektif."}"#,
    ),
    (
        "post",
        "/api/v1/kinerja/observations",
        "body",
        r#"{"id": "0b7e1d2c-3a4f-4e5d-9c8b-7a6f5e4d3c2b", "plan_id": "skp:kinerja-2026:guru-002", "scheduled_at": "2026-12-15T08:00", "class_name": "VIII B — Matematika", "focus": "Umpan balik"}"#,
    ),
    ("patch", "/api/v1/kinerja/observations/{id}", "id", r#""00000000-0000-4000-9000-000000000004""#),
    (
        "patch",
        "/api/v1/kinerja/observations/{id}",
        "body",
        r#"{"base_version": 1, "focus": "Diferensiasi konten"}"#,
    ),
    ("put", "/api/v1/kinerja/evidence/{id}", "id", r#""5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a""#),
    ("put", "/api/v1/kinerja/evidence/{id}", "plan_id", r#""skp:kinerja-2026:guru-siti""#),
    ("put", "/api/v1/kinerja/evidence/{id}", "title", r#""Modul ajar""#),
    ("put", "/api/v1/kinerja/evidence/{id}", "file_name", r#""modul-ajar.pdf""#),
    ("put", "/api/v1/kinerja/evidence/{id}", "result_id", r#""rhk-1""#),
    // The file the teacher uploads above, once it is there.
    ("get", "/api/v1/kinerja/evidence/{id}/file", "id", r#""5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a""#),
    ("delete", "/api/v1/kinerja/evidence/{id}", "id", r#""5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a""#),
    ("delete", "/api/v1/kinerja/evidence/{id}", "body", r#"{"base_version": 1}"#),
    ("put", "/api/v1/kinerja/evidence/{id}", "body", r#""%PDF-1.4\n%demo\n""#),
    ("get", "/api/v1/materials/{id}", "id", r#""materi-01""#),
    ("get", "/api/v1/materials/{id}/content", "id", r#""materi-01""#),
    ("get", "/api/v1/materials/{id}/files/{file_id}", "id", r#""materi-01""#),
    ("get", "/api/v1/materials/{id}/files/{file_id}", "file_id", r#""modul-lengkap""#),
    ("get", "/api/v1/school/staff/{id}", "id", r#""guru-siti""#),
];

/// Adds [`EXAMPLES`]: to the `examples` list of a parameter's schema (utoipa keeps no named examples on
/// a parameter), or as named `examples` of the body's media types.
fn declare_examples(json: &mut Value) {
    for &(method, path, name, example) in EXAMPLES {
        let op = operation(json, method, path);
        let example: Value = serde_json::from_str(example).expect("an example is JSON");
        if name == "body" {
            let content = op["requestBody"]["content"].as_object_mut();
            for media in content.expect("the operation takes a body").values_mut() {
                let n = media["examples"].as_object().map_or(0, |e| e.len()) + 1;
                media["examples"][format!("demo{n}")] = serde_json::json!({ "value": example });
            }
            continue;
        }
        let param = op["parameters"]
            .as_array_mut()
            .and_then(|ps| ps.iter_mut().find(|p| p["name"] == name))
            .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"));
        match param["schema"]["examples"].as_array_mut() {
            Some(list) => list.push(example),
            None => param["schema"]["examples"] = Value::Array(vec![example]),
        }
    }
}

/// The document as committed in `openapi.json`: pretty JSON with a trailing newline.
pub fn document_json() -> String {
    let json = document().to_pretty_json().expect("an OpenAPI document always serialises");
    // utoipa 5 serialises a link's `operationId` and `requestBody` in snake case, which no tool reads.
    let mut json = json
        .replace(r#""operation_id": "#, r#""operationId": "#)
        .replace(r#""request_body": "#, r#""requestBody": "#);
    json.push('\n');
    json
}

/// `GET /api/v1/openapi.json`.
pub(super) async fn serve() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document_json())
}
