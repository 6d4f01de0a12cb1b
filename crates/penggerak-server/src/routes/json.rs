//! Extractors whose rejections are answered as `{code, message}` in the API's words: `ApiJson<T>` (axum's
//! `Json`: bad JSON or a missing `Content-Type` is `400 bad_request`, a body over the route's limit `413
//! payload_too_large`, a body too slow to arrive `408 request_timeout`), `ApiQuery<T>` and `ApiPath<T>`
//! (axum's `Query` and `Path`: `400 bad_request` naming the parameter when serde says which). Never shows
//! a Rust type or serde's English to the user.

use crate::error::{body_read_error, too_large, ServerError};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use penggerak_types::ErrorCode;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ServerError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(bad_request("Isi permintaan harus berupa JSON (Content-Type: application/json).".into()))
            }
            Err(JsonRejection::JsonSyntaxError(_)) => {
                Err(bad_request("Isi permintaan bukan JSON yang sah.".into()))
            }
            Err(JsonRejection::JsonDataError(e)) => Err(bad_request(format!(
                "Isi permintaan tidak sesuai bentuk yang diminta{}.",
                field_of(&e.body_text())
            ))),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large(None)),
            Err(rejection) => Err(body_read_error(&rejection, None)),
        }
    }
}

/// Query-string parameters, with a refusal in the API's shape.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(bad_request(format!("Parameter alamat tidak valid{}.", field_of(&e.body_text()))))
            }
            Err(_) => Err(bad_request("Parameter alamat tidak valid.".into())),
        }
    }
}

/// Path parameters, with a refusal in the API's shape.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => {
                Err(bad_request("Bagian alamat tidak valid (harus teks UTF-8 yang sah).".into()))
            }
            Err(_) => {
                Err(ServerError::Internal(anyhow::anyhow!("path parameters asked of a route without them")))
            }
        }
    }
}

fn bad_request(message: String) -> ServerError {
    ServerError::new(ErrorCode::BadRequest, message)
}

/// ` (kolom `name`)` when serde's text names the field or parameter at fault, else nothing. serde writes
/// `name: reason` for a bad value and "missing field `name`" for an absent one; only the name is kept.
fn field_of(serde_text: &str) -> String {
    let missing = serde_text.split("missing field `").nth(1).and_then(|r| r.split('`').next());
    let at_path = serde_text
        .rsplit_once(": ")
        .map(|(head, _)| head.rsplit(": ").next().unwrap_or(head).trim())
        .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c)));
    match missing.or(at_path) {
        Some(name) => format!(" (kolom `{name}`)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn only_the_field_name_of_serdes_text_is_kept() {
        assert_eq!(
            field_of("Failed to deserialize query string: limit: invalid digit found in string"),
            " (kolom `limit`)"
        );
        assert_eq!(
            field_of("Failed to deserialize the JSON body into the target type: missing field `password` at line 1 column 2"),
            " (kolom `password`)"
        );
        assert_eq!(field_of("something else entirely"), "", "nothing named: nothing said");
    }
}
