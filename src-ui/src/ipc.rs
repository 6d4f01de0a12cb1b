//! The only door to the Tauri shell: `window.__TAURI__.core.invoke`, bound with `catch` so a failed or
//! refused command is an `Err(ApiError)`, never a panic. Request and response types come from
//! `penggerak_types::ipc`; command names from `penggerak_types::ipc::cmd`.

use penggerak_types::ipc::{cmd, SessionState, SignInArgs, SignInRequest};
use penggerak_types::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

#[derive(Serialize)]
struct NoArgs {}

/// Turns whatever the shell rejected with into an [`ApiError`]: our commands reject with `{code, message}`;
/// Tauri itself rejects with a string (e.g. a command not allowed by the capability).
fn rejection(value: JsValue) -> ApiError {
    if let Ok(e) = serde_wasm_bindgen::from_value::<ApiError>(value.clone()) {
        return e;
    }
    let text = value.as_string().or_else(|| js_sys_message(&value)).unwrap_or_else(|| format!("{value:?}"));
    crate::view_model::shell_rejection(&text)
}

fn js_sys_message(value: &JsValue) -> Option<String> {
    value.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()))
}

async fn call<A: Serialize, R: DeserializeOwned>(command: &str, args: &A) -> Result<R, ApiError> {
    let args = serde_wasm_bindgen::to_value(args)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("argumen tidak valid: {e}")))?;
    let value = tauri_invoke(command, args).await.map_err(rejection)?;
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("jawaban aplikasi tidak dikenali: {e}")))
}

pub async fn session_state() -> Result<SessionState, ApiError> {
    call(cmd::SESSION_STATE, &NoArgs {}).await
}

pub async fn sign_in(request: SignInRequest) -> Result<SessionState, ApiError> {
    call(cmd::SIGN_IN, &SignInArgs { request }).await
}

pub async fn sign_out() -> Result<SessionState, ApiError> {
    call(cmd::SIGN_OUT, &NoArgs {}).await
}
