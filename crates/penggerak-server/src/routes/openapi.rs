//! The OpenAPI 3 document of the HTTP API, generated from the routes' `#[utoipa::path]` annotations and the
//! `penggerak-types` schemas. Served at `GET /api/v1/openapi.json`; a copy is committed as `openapi.json`
//! at the workspace root, and `tests/openapi.rs` fails when the two differ.
//!
//! Never: describe a route by hand here. A route is documented where it is defined.

use axum::http::header;
use axum::response::IntoResponse;
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
    paths(super::health, super::auth::login, super::auth::refresh, super::auth::logout, super::me::me),
    modifiers(&BearerAuth),
    tags(
        (name = "server", description = "Server status"),
        (name = "auth", description = "Sign-in, token refresh and sign-out"),
        (name = "profile", description = "The signed-in user"),
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

/// The document, as generated from the code.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as committed in `openapi.json`: pretty JSON with a trailing newline.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().expect("an OpenAPI document always serialises");
    json.push('\n');
    json
}

/// `GET /api/v1/openapi.json`.
pub(super) async fn serve() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document_json())
}
