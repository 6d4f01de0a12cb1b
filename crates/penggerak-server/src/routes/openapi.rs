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
    paths(
        super::health,
        super::auth::login,
        super::auth::refresh,
        super::auth::logout,
        super::me::me,
        super::sync::sync,
        super::communities::list,
        super::communities::detail,
        super::communities::join,
        super::communities::leave,
    ),
    components(schemas(
        penggerak_types::api::Person,
        penggerak_types::api::Community,
        penggerak_types::api::CommunityEventRecord,
        penggerak_types::api::Membership,
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

/// The document, as generated from the code: the core routes above, each area's own `Doc`, and the
/// `Idempotency-Key` header on every mutating route.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(super::programmes::Doc::openapi());
    doc.merge(super::pkb::Doc::openapi());
    doc.merge(super::kinerja::Doc::openapi());
    doc.merge(super::materials::Doc::openapi());
    doc.merge(super::school::Doc::openapi());
    declare_idempotency_key(&mut doc);
    doc
}

/// Every mutating route outside `/auth/` goes through `crate::idempotency`: declare its header and the
/// answers it adds, in one place, so no route can forget them.
fn declare_idempotency_key(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
    use utoipa::openapi::{ContentBuilder, Ref, Required, ResponseBuilder};
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
            let error = |text: &str| {
                ResponseBuilder::new()
                    .description(text)
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build(),
                    )
                    .build()
            };
            let responses = &mut op.responses.responses;
            for (status, text) in [
                ("400", "`bad_request`: no `Idempotency-Key`, or not a UUID, or a malformed body"),
                ("409", "`conflict`: a request with this key is still running, or the record changed since `base_version` (`current` holds the server copy)"),
                ("422", "`validation`: this key was used for a different request, or the body is invalid"),
            ] {
                responses.entry(status.to_owned()).or_insert_with(|| error(text).into());
            }
        }
    }
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
