//! Learning materials: the catalogue (a public `material` record per material, small enough to sync to
//! every device), the text content in sections (fetched on demand, with an `ETag`), and attached files
//! with their size and SHA-256 (downloaded with `Range`, so a broken download resumes where it stopped).

use serde::{Deserialize, Serialize};

/// What a material is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MaterialKind {
    /// A training module.
    Modul,
    /// Teaching material: modul ajar, lesson plans, assessments (perangkat ajar).
    PerangkatAjar,
    /// A reading.
    Bacaan,
    /// A short video.
    Video,
}

/// An attached file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialFile {
    /// Unique within the material.
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the file: the client checks a finished download against it.
    pub sha256: String,
}

/// The `material` record: a catalogue entry. Public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Material {
    pub id: String,
    pub title: String,
    pub kind: MaterialKind,
    pub topic: String,
    /// `SD`, `SMP`, `SMA`, `SMK`…; empty for every level.
    pub jenjang: Vec<String>,
    pub summary: String,
    /// `YYYY-MM-DD`.
    pub updated: String,
    /// Bytes of the text content as served uncompressed.
    pub content_size: u64,
    /// The content's `ETag`: a client holding this version need not fetch it again. Its form is `"` + the
    /// first 32 hex digits (lowercase) of the SHA-256 of the content as served (the uncompressed JSON
    /// body) + `"`, so a device can check a copy a colleague's device gives it (Berbagi di sekolah,
    /// [`crate::peer`]); a copy that does not match is not used.
    pub content_etag: String,
    pub files: Vec<MaterialFile>,
}

impl Material {
    /// Everything a full download takes: content and files.
    pub fn download_size(&self) -> u64 {
        self.content_size + self.files.iter().map(|f| f.size).sum::<u64>()
    }
}

/// One section of a material's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    pub heading: String,
    /// Paragraphs.
    pub paragraphs: Vec<String>,
}

/// `GET /api/v1/materials/{id}/content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialContent {
    pub material_id: String,
    pub sections: Vec<Section>,
}

/// `GET /api/v1/materials` filters; all optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MaterialQuery {
    /// Words in the title, topic or summary (case-insensitive).
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub kind: Option<MaterialKind>,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub jenjang: Option<String>,
}

impl MaterialQuery {
    /// Whether `m` passes these filters.
    pub fn matches(&self, m: &Material) -> bool {
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
        q.is_none_or(|q| {
            q.split_whitespace().all(|w| {
                m.title.to_lowercase().contains(w)
                    || m.topic.to_lowercase().contains(w)
                    || m.summary.to_lowercase().contains(w)
            })
        }) && self.kind.is_none_or(|k| m.kind == k)
            && self.topic.as_deref().is_none_or(|t| m.topic.eq_ignore_ascii_case(t))
            && self
                .jenjang
                .as_deref()
                .is_none_or(|j| m.jenjang.is_empty() || m.jenjang.iter().any(|x| x.eq_ignore_ascii_case(j)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_combine_and_search_every_word() {
        let m = Material {
            id: "m".into(),
            title: "Asesmen Diagnostik di Kelas".into(),
            kind: MaterialKind::Modul,
            topic: "Asesmen".into(),
            jenjang: vec!["SD".into()],
            summary: "Mengenali kesiapan belajar murid".into(),
            updated: "2026-01-01".into(),
            content_size: 10,
            content_etag: "\"x\"".into(),
            files: vec![],
        };
        let q = |q: &str| MaterialQuery { q: Some(q.into()), ..Default::default() };
        assert!(q("asesmen murid").matches(&m), "words may come from title and summary");
        assert!(!q("asesmen video").matches(&m), "every word must match");
        assert!(MaterialQuery { jenjang: Some("sd".into()), ..Default::default() }.matches(&m));
        assert!(!MaterialQuery { jenjang: Some("SMA".into()), ..Default::default() }.matches(&m));
        assert!(!MaterialQuery { kind: Some(MaterialKind::Video), ..Default::default() }.matches(&m));
        assert_eq!(m.download_size(), 10);
    }
}
