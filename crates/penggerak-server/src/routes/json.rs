//! `ApiJson<T>`: axum's `Json` extractor with its rejections answered as `{code: "bad_request", message}`.

use crate::error::ServerError;
use axum::extract::{FromRequest, Request};
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
            Err(rejection) => Err(ServerError::new(
                ErrorCode::BadRequest,
                format!("Permintaan tidak valid: {}", rejection.body_text()),
            )),
        }
    }
}
