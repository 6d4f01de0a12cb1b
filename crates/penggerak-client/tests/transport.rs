//! What the client refuses from a server that misbehaves on the wire: a redirect (it would resend the
//! password, perhaps to plain http) and a body larger than any answer of the API. The "server" is a
//! loopback socket answering raw HTTP, as a hostile or broken one would.

use penggerak_client::{ApiClient, ClientError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A listener that answers every connection with `answer(head)` after reading its request head, and
/// counts the connections.
async fn raw_server(answer: impl Fn() -> Vec<Vec<u8>> + Send + Sync + 'static) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&seen);
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let answer = Arc::clone(&answer);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tcp.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                for part in answer() {
                    if tcp.write_all(&part).await.is_err() {
                        return; // the client hung up
                    }
                }
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn a_redirect_is_refused_and_the_password_not_resent() {
    let (elsewhere, reached) =
        raw_server(|| vec![b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".to_vec()]).await;
    let target = format!("{elsewhere}/api/v1/auth/login");
    let (server, _) = raw_server(move || {
        vec![format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n")
            .into_bytes()]
    })
    .await;
    let e = ApiClient::new(&server).unwrap().login("guru@example.id", "rahasia-sekali").await.unwrap_err();
    assert!(
        matches!(&e, ClientError::Redirected { status: 307, .. }),
        "a redirect is not the contract: {e:?}"
    );
    assert_eq!(
        e.to_api_error().reason,
        Some(penggerak_types::Reason::ServerRedirects),
        "said by its reason (the app words it), not by the client's English"
    );
    assert_eq!(reached.load(Ordering::SeqCst), 0, "the sign-in (and its password) went nowhere else");
}

#[tokio::test]
async fn a_raw_body_larger_than_any_answer_is_refused_while_it_arrives() {
    const MIB: usize = 1024 * 1024;
    // Chunked, so no Content-Length gives it away: 100 MiB of uncompressed bytes, unless the client
    // hangs up first.
    let (server, _) = raw_server(|| {
        let mut parts =
            vec![b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec()];
        let chunk = [format!("{:x}\r\n", MIB).into_bytes(), vec![b' '; MIB], b"\r\n".to_vec()].concat();
        parts.extend(std::iter::repeat_n(chunk, 100));
        parts.push(b"0\r\n\r\n".to_vec());
        parts
    })
    .await;
    let e = ApiClient::new(&server).unwrap().health().await.unwrap_err();
    assert!(
        matches!(&e, ClientError::Protocol(m) if m.contains("larger than")),
        "a body past the limit is refused as too large: {e:?}"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_the_apis_is_said_by_its_reason() {
    // A network's sign-in page (or another site) where the server should be: HTML, not the API's JSON.
    let (server, _) = raw_server(|| {
        vec![b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 27\r\n\r\n<html>Masuk ke Wi-Fi</html>"
            .to_vec()]
    })
    .await;
    let e = ApiClient::new(&server).unwrap().health().await.unwrap_err();
    assert!(matches!(&e, ClientError::NotTheApi(_)), "{e:?}");
    assert_eq!(
        e.to_api_error().reason,
        Some(penggerak_types::Reason::AnswerNotUnderstood),
        "said by its reason, which the app words; the JSON parser's English stays in the log"
    );
}
