//! Response bodies come compressed (the client asks for zstd, br or gzip) and are inflated here rather than
//! inside reqwest, so the [`crate::meter`] sees the bytes that really crossed the network.

use std::io::Read;

/// What the client tells the server it can read, best first.
pub(crate) const ACCEPTED: &str = "zstd, br, gzip";

/// No answer of this API inflates beyond this; a body that does is refused rather than filling memory.
pub(crate) const MAX_INFLATED: u64 = 64 * 1024 * 1024;
/// Nor is any this large on the wire (compressed or not): a body past it is refused as it arrives.
pub(crate) const MAX_RAW: u64 = MAX_INFLATED;

/// The body of a response sent with `Content-Encoding: content_encoding`, inflated.
pub(crate) fn inflate(content_encoding: Option<&str>, body: Vec<u8>) -> Result<Vec<u8>, String> {
    let coding = content_encoding.map(|c| c.trim().to_ascii_lowercase());
    if body.is_empty() {
        // Nothing to inflate (a server may label even an empty answer with its encoding).
        return Ok(body);
    }
    let reader: Box<dyn Read + '_> = match coding.as_deref() {
        None | Some("") | Some("identity") => return Ok(body),
        Some("gzip") | Some("x-gzip") => Box::new(flate2::read::GzDecoder::new(&body[..])),
        Some("br") => Box::new(brotli_decompressor::Decompressor::new(&body[..], 8 * 1024)),
        Some("zstd") => Box::new(zstd::stream::read::Decoder::new(&body[..]).map_err(|e| e.to_string())?),
        Some(other) => return Err(format!("a body in an encoding the client did not ask for: {other}")),
    };
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(MAX_INFLATED as usize));
    reader
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("a {} body that does not inflate: {e}", coding.as_deref().unwrap_or("")))?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(format!("a body larger than {} MiB once inflated", MAX_INFLATED / 1024 / 1024));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const TEXT: &[u8] =
        b"{\"records\":[{\"kind\":\"komunitas\",\"id\":\"k-1\"},{\"kind\":\"komunitas\",\"id\":\"k-2\"}]}";

    #[test]
    fn each_accepted_encoding_inflates_to_the_original() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(TEXT).unwrap();
        let gz = gz.finish().unwrap();
        let zst = zstd::stream::encode_all(TEXT, 3).unwrap();
        let br = {
            let mut out = Vec::new();
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
            w.write_all(TEXT).unwrap();
            drop(w);
            out
        };
        for (coding, body) in [("gzip", gz), ("zstd", zst), ("br", br), ("identity", TEXT.to_vec())] {
            assert_eq!(inflate(Some(coding), body).unwrap(), TEXT, "{coding} gives back what was sent");
        }
        assert_eq!(inflate(None, TEXT.to_vec()).unwrap(), TEXT, "no encoding is the body itself");
        assert!(inflate(Some("br"), Vec::new()).unwrap().is_empty(), "an empty body stays empty");
    }

    #[test]
    fn bad_or_unasked_encodings_are_errors_not_garbage() {
        let err = inflate(Some("gzip"), b"not gzip at all".to_vec()).unwrap_err();
        assert!(err.contains("does not inflate"), "{err}");
        let err = inflate(Some("compress"), TEXT.to_vec()).unwrap_err();
        assert!(err.contains("did not ask for: compress"), "{err}");
    }

    #[test]
    fn a_body_that_inflates_past_the_limit_is_refused() {
        // 65 MiB of zeros compresses to a few KiB: the classic way to exhaust a phone's memory.
        let bomb = zstd::stream::encode_all(std::io::repeat(0).take(MAX_INFLATED + 1024 * 1024), 3).unwrap();
        assert!(bomb.len() < 64 * 1024, "the test's bomb is small on the wire ({} B)", bomb.len());
        let err = inflate(Some("zstd"), bomb).unwrap_err();
        assert!(err.contains("larger than 64 MiB"), "{err}");
    }
}
