//! The OpenAPI document: the committed `openapi.json` at the workspace root is what the code generates, and
//! the running server serves exactly that document at `/api/v1/openapi.json`.

use penggerak_server::openapi;
use penggerak_testkit::TestServer;
use penggerak_types::route;
use std::path::PathBuf;

/// Every route of the server with its methods, per area (the templates are named once, in
/// [`penggerak_types::route`]).
const CORE: &[(&str, &str)] = &[
    (route::HEALTH, "get"),
    (route::HEALTH_LIVE, "get"),
    (route::HEALTH_READY, "get"),
    (route::LOGIN, "post"),
    (route::REFRESH, "post"),
    (route::LOGOUT, "post"),
    (route::ME, "get"),
    (route::SYNC, "get"),
    (route::COMMUNITIES, "get"),
    (route::COMMUNITY, "get"),
    (route::COMMUNITY_JOIN, "post"),
    (route::COMMUNITY_LEAVE, "post"),
    (route::EVENT_ATTEND, "post"),
    (route::EVENT_UNATTEND, "post"),
];
const PROGRAMMES: &[(&str, &str)] = &[
    (route::PROGRAMMES, "get"),
    (route::PROGRAMME, "get"),
    (route::MY_PARTICIPATIONS, "get"),
    (route::PARTICIPATION_PROGRESS, "post"),
];
const PKB: &[(&str, &str)] = &[
    (route::PKB, "get"),
    (route::PKB_ITEMS, "post"),
    (route::PKB_ITEM, "patch"),
    (route::PKB_ITEM, "delete"),
    (route::PKB_TARGET, "put"),
];
const KINERJA: &[(&str, &str)] = &[
    (route::KINERJA, "get"),
    (route::KINERJA_PLAN, "get"),
    (route::KINERJA_PLAN, "patch"),
    (route::KINERJA_PLAN_STATUS, "post"),
    (route::KINERJA_PLAN_PREDIKAT, "put"),
    (route::KINERJA_OBSERVATIONS, "post"),
    (route::KINERJA_OBSERVATION, "patch"),
    (route::KINERJA_FEEDBACK, "post"),
    (route::KINERJA_EVIDENCE, "put"),
    (route::KINERJA_EVIDENCE, "delete"),
    (route::KINERJA_EVIDENCE_FILE, "get"),
];
const MATERIALS: &[(&str, &str)] = &[
    (route::MATERIALS, "get"),
    (route::MATERIAL, "get"),
    (route::MATERIAL_CONTENT, "get"),
    (route::MATERIAL_FILE, "get"),
];
const UPDATES: &[(&str, &str)] = &[(route::APP_UPDATE, "get"), (route::APP_UPDATE_FILE, "get")];
const SCHOOL: &[(&str, &str)] = &[
    (route::SCHOOL_STAFF, "get"),
    (route::SCHOOL_STAFF_MEMBER, "get"),
    (route::SUPERVISION_SCHOOLS, "get"),
    (route::SUPERVISION_SCHOOL_STAFF, "get"),
];

fn routes() -> Vec<(&'static str, &'static str)> {
    [CORE, PROGRAMMES, PKB, KINERJA, MATERIALS, SCHOOL, UPDATES].concat()
}

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi.json")
}

#[test]
fn committed_openapi_json_matches_the_code() {
    let generated = openapi::document_json();
    let path = committed_path();
    if std::env::var_os("PENGGERAK_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("writing openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is not what the code generates: the API contract changed without its document. Review the change, \
         then regenerate it with\n\n    PENGGERAK_UPDATE_OPENAPI=1 cargo test -p penggerak-server --test openapi\n\n\
         and commit the new openapi.json.",
        path.display()
    );
}

#[tokio::test]
async fn the_server_serves_the_generated_document_with_every_route() {
    let s = TestServer::start();
    let r = reqwest::get(format!("{}/api/v1/openapi.json", s.base_url())).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK, "the document is public: no sign-in needed to read it");
    assert_eq!(
        r.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "tools fetch the document as JSON"
    );
    let served: serde_json::Value = r.json().await.expect("the served document is JSON");
    let generated: serde_json::Value = serde_json::from_str(&openapi::document_json()).unwrap();
    assert_eq!(served, generated, "the server serves the document the code generates, not a stale copy");
    assert!(
        served["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "it is an OpenAPI 3 document, got {:?}",
        served["openapi"]
    );
    let routes = routes();
    for &(path, method) in &routes {
        let op = &served["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is a route of the server, so the document must describe it");
        // Liveness is the one route that cannot answer an error: it asks nothing of anyone.
        assert!(
            path == route::HEALTH_LIVE
                || op["responses"]
                    .as_object()
                    .is_some_and(|r| r.keys().any(|status| !status.starts_with('2'))),
            "{method} {path} can fail, so the document must list its error responses"
        );
        let mutating = matches!(method, "post" | "put" | "patch" | "delete");
        let declares_key = op["parameters"].as_array().is_some_and(|ps| {
            ps.iter().any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header" && p["required"] == true)
        });
        assert_eq!(
            declares_key,
            mutating && !path.contains("/auth/"),
            "{method} {path}: every mutating route outside sign-in declares the Idempotency-Key header"
        );
    }
    let documented: usize = served["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| {
            ["get", "post", "put", "patch", "delete"].iter().filter(|m| item[**m].is_object()).count()
        })
        .sum();
    assert_eq!(
        documented,
        routes.len(),
        "the document lists exactly the API's routes (the document itself is not an API route)"
    );
    let mut paths: Vec<&str> = served["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    let mut named: Vec<&str> = route::ALL.iter().copied().filter(|r| *r != route::OPENAPI).collect();
    paths.sort_unstable();
    named.sort_unstable();
    assert_eq!(
        paths, named,
        "every route named in penggerak_types::route is served and documented, and no other"
    );
}

/// The unbounded strings and arrays a client may send, as `at` names them below: none.
const UNBOUNDED: &[&str] = &[];

/// Adds to `out` every string without `maxLength` (or an enum, or a UUID or binary format) and every array
/// without `maxItems` in `schema`, following `$ref`s into the components.
fn unbounded(doc: &serde_json::Value, schema: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        return unbounded(doc, &doc["components"]["schemas"][name], at, out);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for sub in schema[key].as_array().into_iter().flatten() {
            unbounded(doc, sub, at, out);
        }
    }
    let is = |t: &str| {
        schema["type"] == t || schema["type"].as_array().is_some_and(|ts| ts.iter().any(|x| x == t))
    };
    let bounded_string = schema.get("maxLength").is_some()
        || schema.get("enum").is_some()
        || matches!(schema["format"].as_str(), Some("uuid" | "binary"));
    if is("string") && !bounded_string {
        out.push(at.to_owned());
    }
    if is("array") {
        if schema.get("maxItems").is_none() {
            out.push(at.to_owned());
        }
        unbounded(doc, &schema["items"], &format!("{at}/items"), out);
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        unbounded(doc, property, &format!("{at}.{name}"), out);
    }
}

#[test]
fn every_input_the_document_describes_is_bounded() {
    let doc: serde_json::Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                // Headers and cookies are bounded by the server's header limits, not per field.
                if p["in"] == "query" || p["in"] == "path" {
                    let at = format!(
                        "{method} {path} {}.{}",
                        p["in"].as_str().unwrap(),
                        p["name"].as_str().unwrap()
                    );
                    unbounded(&doc, &p["schema"], &at, &mut found);
                }
            }
            for media in op["requestBody"]["content"].as_object().into_iter().flat_map(|c| c.values()) {
                unbounded(&doc, &media["schema"], &format!("{method} {path} body"), &mut found);
            }
        }
    }
    found.sort();
    assert_eq!(
        found, UNBOUNDED,
        "every field and parameter a client sends states its bound from penggerak_types::limits in the \
         document (routes/openapi.rs), so that clients and fuzzers know what the server accepts"
    );
}

#[test]
fn every_link_leads_to_an_operation_of_the_document() {
    let doc: serde_json::Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let ops: Vec<&serde_json::Value> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .collect();
    let ids: Vec<&str> = ops.iter().filter_map(|op| op["operationId"].as_str()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        ids.len(),
        "links name operations by operationId, so each must be unique: {ids:?}"
    );
    let mut links = 0;
    for op in &ops {
        for answer in op["responses"].as_object().unwrap().values() {
            for (name, link) in answer["links"].as_object().into_iter().flatten() {
                links += 1;
                let to = link["operationId"].as_str();
                assert!(
                    to.is_some_and(|to| ids.contains(&to)),
                    "link {name} of {} must name an operation by `operationId` (the OpenAPI spelling, which \
                     tools read), got {link}",
                    op["operationId"]
                );
            }
        }
    }
    assert!(links > 0, "the operations that create or list records link to those that use them");
}
