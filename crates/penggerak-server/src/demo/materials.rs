//! Demo: 30 learning materials in Bahasa Indonesia (modules, perangkat ajar, readings, videos) with text
//! in sections and PDF attachments generated here, at seed time — one of them, the complete module on
//! differentiated learning, is over 5 MB, so resumable downloads have something to resume.

use super::Ctx;
use crate::domain::materials::publish;
use penggerak_types::material::{Material, MaterialContent, MaterialFile, MaterialKind, Section};
use sqlx::AnyConnection;

/// (topic, paragraphs about it)
const TOPICS: &[(&str, &[&str])] = &[
    (
        "Pembelajaran Berdiferensiasi",
        &[
            "Pembelajaran berdiferensiasi adalah upaya guru menyesuaikan proses belajar di kelas untuk memenuhi \
             kebutuhan belajar setiap murid. Guru tidak membuat rencana yang berbeda untuk tiap anak, melainkan \
             menyiapkan beberapa jalur yang dapat dipilih atau ditetapkan berdasarkan kesiapan belajar, minat \
             dan profil belajar murid.",
            "Diferensiasi dapat dilakukan pada konten (apa yang dipelajari), proses (bagaimana murid memahami \
             konten), produk (bagaimana murid menunjukkan pemahaman) dan lingkungan belajar. Guru memulai dari \
             satu aspek saja, misalnya proses, lalu menambah aspek lain setelah terbiasa.",
            "Pemetaan kebutuhan belajar menjadi dasar diferensiasi. Hasil asesmen diagnostik, catatan \
             pengamatan dan percakapan singkat dengan murid membantu guru mengelompokkan murid secara luwes; \
             kelompok dapat berubah dari satu pertemuan ke pertemuan berikutnya.",
        ],
    ),
    (
        "Asesmen",
        &[
            "Asesmen formatif dilakukan selama proses pembelajaran untuk memberi umpan balik kepada murid dan \
             guru. Hasilnya tidak harus berupa nilai; yang penting adalah informasi tentang apa yang sudah \
             dipahami murid dan langkah apa yang perlu diambil berikutnya.",
            "Asesmen diagnostik di awal pembelajaran membantu guru mengenali kesiapan belajar murid. Asesmen \
             ini dapat berupa pertanyaan pemantik, kuis singkat tanpa nilai, atau tugas sederhana yang \
             memperlihatkan cara berpikir murid.",
            "Umpan balik yang baik bersifat spesifik, tepat waktu dan dapat ditindaklanjuti. Daripada menulis \
             'bagus', guru menuliskan bagian mana yang sudah tepat dan satu hal yang dapat diperbaiki murid \
             pada tugas berikutnya.",
        ],
    ),
    (
        "Disiplin Positif",
        &[
            "Disiplin positif menumbuhkan motivasi intrinsik murid untuk berperilaku baik, bukan karena takut \
             hukuman atau mengharap hadiah. Guru membantu murid memahami nilai-nilai kebajikan yang mereka \
             yakini bersama.",
            "Keyakinan kelas disusun bersama murid dalam kalimat positif, misalnya 'kita saling menghargai \
             pendapat', lalu dipajang dan dibahas secara berkala. Keyakinan kelas berbeda dari peraturan: ia \
             menjelaskan mengapa suatu perilaku penting.",
            "Ketika murid melanggar kesepakatan, guru menggunakan segitiga restitusi: menstabilkan identitas \
             murid, memvalidasi kebutuhan di balik perilakunya, dan menanyakan keyakinan kelas yang ingin ia \
             jalankan. Tujuannya memperbaiki kesalahan, bukan mempermalukan.",
        ],
    ),
    (
        "Literasi dan Numerasi",
        &[
            "Kemampuan literasi dasar mencakup membaca lancar, memahami isi bacaan dan menuliskan gagasan \
             secara runtut. Di kelas awal, kegiatan membaca bersama, membaca berpasangan dan membaca mandiri \
             dilakukan setiap hari dalam waktu singkat.",
            "Numerasi bukan sekadar berhitung, melainkan kemampuan memakai konsep matematika untuk memecahkan \
             masalah sehari-hari. Soal cerita dari kehidupan murid, seperti berbelanja di pasar atau membagi \
             hasil panen, membuat numerasi bermakna.",
            "Bahan bacaan perlu dipilih sesuai jenjang kemampuan membaca murid. Sudut baca kelas dengan buku \
             berjenjang membantu setiap murid menemukan bacaan yang menantang tetapi masih dapat dipahaminya.",
        ],
    ),
    (
        "Projek Penguatan Profil Pelajar Pancasila",
        &[
            "Projek penguatan profil pelajar Pancasila memberi kesempatan murid mempelajari isu nyata di \
             sekitarnya, seperti sampah plastik atau kearifan lokal, dan berkontribusi sesuai tahap \
             perkembangannya.",
            "Projek dirancang dalam beberapa tahap: pengenalan, kontekstualisasi, aksi dan refleksi. Guru \
             menjadi fasilitator yang membantu murid merumuskan pertanyaan, mencari informasi dan bekerja sama.",
            "Penilaian projek menitikberatkan perkembangan dimensi profil, misalnya gotong royong dan bernalar \
             kritis, yang diamati melalui jurnal, presentasi dan catatan guru selama projek berlangsung.",
        ],
    ),
    (
        "Coaching dan Supervisi Akademik",
        &[
            "Coaching adalah percakapan yang membantu rekan sejawat menemukan sendiri jalan keluar atas \
             tantangannya. Coach lebih banyak bertanya dan mendengarkan daripada memberi saran.",
            "Alur TIRTA (Tujuan, Identifikasi, Rencana aksi, Tanggung jawab) memandu percakapan coaching agar \
             terarah. Pertanyaan terbuka seperti 'apa yang ingin Ibu capai dari pertemuan ini?' membuka ruang \
             refleksi.",
            "Supervisi akademik dengan paradigma berpikir coaching dilakukan dalam tiga tahap: pra-observasi, \
             observasi dan pasca-observasi. Fokusnya adalah pertumbuhan guru, bukan mencari kesalahan.",
        ],
    ),
    (
        "Pembelajaran Sosial dan Emosional",
        &[
            "Pembelajaran sosial dan emosional membantu murid mengenali dan mengelola emosi, berempati, \
             membangun hubungan yang sehat dan mengambil keputusan yang bertanggung jawab.",
            "Teknik STOP (Stop, Take a breath, Observe, Proceed) dapat dilatihkan di awal pelajaran untuk \
             menumbuhkan kesadaran penuh. Satu menit hening sebelum memulai kegiatan sering kali membuat kelas \
             lebih tenang.",
            "Guru yang menjadi teladan dalam mengelola emosi memberi contoh nyata bagi murid. Mengakui ketika \
             guru sendiri sedang lelah atau kecewa, lalu menunjukkan cara menenangkan diri, adalah pelajaran \
             yang berharga.",
        ],
    ),
    (
        "Teknologi dalam Pembelajaran",
        &[
            "Teknologi membantu pembelajaran bila dipilih sesuai tujuan. Video singkat dapat memperkenalkan \
             konsep, sedangkan lembar kerja digital memudahkan guru memeriksa pemahaman murid dengan cepat.",
            "Di sekolah dengan koneksi terbatas, guru dapat mengunduh materi saat ada sinyal dan memakainya \
             tanpa internet di kelas. Satu perangkat dan proyektor sederhana sudah cukup untuk kegiatan \
             bersama.",
            "Keamanan digital juga perlu diajarkan: menjaga kata sandi, mengenali berita bohong, dan bersikap \
             santun di ruang digital merupakan bagian dari literasi digital murid.",
        ],
    ),
];

/// (title, kind, topic index, jenjang)
const CATALOGUE: &[(&str, MaterialKind, usize, &[&str])] = &[
    ("Modul Lengkap Pembelajaran Berdiferensiasi", MaterialKind::Modul, 0, &[]),
    ("Memetakan Kebutuhan Belajar Murid", MaterialKind::Bacaan, 0, &[]),
    ("Contoh Modul Ajar Berdiferensiasi IPA SMP", MaterialKind::PerangkatAjar, 0, &["SMP"]),
    ("Video: Diferensiasi Proses di Kelas IV", MaterialKind::Video, 0, &["SD"]),
    ("Asesmen Diagnostik di Awal Semester", MaterialKind::Modul, 1, &[]),
    ("Bank Soal Asesmen Formatif Matematika", MaterialKind::PerangkatAjar, 1, &["SMP", "SMA"]),
    ("Memberi Umpan Balik yang Bermakna", MaterialKind::Bacaan, 1, &[]),
    ("Video: Rubrik Penilaian Bersama Murid", MaterialKind::Video, 1, &["SMA"]),
    ("Disiplin Positif dan Keyakinan Kelas", MaterialKind::Modul, 2, &[]),
    ("Segitiga Restitusi dalam Praktik", MaterialKind::Bacaan, 2, &[]),
    ("Lembar Kerja Menyusun Keyakinan Kelas", MaterialKind::PerangkatAjar, 2, &["SD"]),
    ("Video: Posisi Kontrol Guru", MaterialKind::Video, 2, &[]),
    ("Membaca Lancar di Kelas Awal", MaterialKind::Modul, 3, &["SD"]),
    ("Numerasi dari Pasar Tradisional", MaterialKind::PerangkatAjar, 3, &["SD"]),
    ("Buku Berjenjang dan Sudut Baca Kelas", MaterialKind::Bacaan, 3, &["SD", "SMP"]),
    ("Video: Membaca Berpasangan", MaterialKind::Video, 3, &["SD"]),
    ("Merancang Projek Profil Pelajar Pancasila", MaterialKind::Modul, 4, &[]),
    ("Projek Gaya Hidup Berkelanjutan: Sampah Plastik", MaterialKind::PerangkatAjar, 4, &["SMP"]),
    ("Kearifan Lokal Subak sebagai Tema Projek", MaterialKind::PerangkatAjar, 4, &["SD", "SMP"]),
    ("Menilai Perkembangan Dimensi Profil", MaterialKind::Bacaan, 4, &[]),
    ("Coaching untuk Supervisi Akademik", MaterialKind::Modul, 5, &[]),
    ("Alur TIRTA dalam Percakapan Coaching", MaterialKind::Bacaan, 5, &[]),
    ("Video: Pra-observasi dengan Paradigma Coaching", MaterialKind::Video, 5, &[]),
    ("Pembelajaran Sosial dan Emosional di Kelas", MaterialKind::Modul, 6, &[]),
    ("Teknik STOP untuk Memulai Pelajaran", MaterialKind::PerangkatAjar, 6, &["SD", "SMP", "SMA"]),
    ("Guru sebagai Teladan Mengelola Emosi", MaterialKind::Bacaan, 6, &[]),
    ("Memilih Teknologi Sesuai Tujuan Belajar", MaterialKind::Modul, 7, &[]),
    ("Belajar Tanpa Internet: Materi Luring di Kelas", MaterialKind::Bacaan, 7, &[]),
    ("Literasi Digital untuk Murid SMA", MaterialKind::PerangkatAjar, 7, &["SMA", "SMK"]),
    ("Video: Satu Proyektor untuk Satu Kelas", MaterialKind::Video, 7, &[]),
];

const GENERIC: &[(&str, &str)] = &[
    (
        "Langkah di kelas",
        "Mulailah dari satu kelas dan satu pertemuan. Tuliskan rencana singkat: tujuan belajar, kegiatan \
         pembuka, kegiatan inti dengan pilihan bagi murid, dan penutup berupa refleksi. Setelah pertemuan, \
         catat apa yang berjalan baik dan apa yang akan diubah.",
    ),
    (
        "Refleksi guru",
        "Gunakan pertanyaan berikut untuk refleksi: apa yang saya pelajari tentang murid saya hari ini? \
         Murid mana yang belum terlibat, dan mengapa? Apa satu hal kecil yang akan saya coba pada pertemuan \
         berikutnya? Bagikan refleksi ini di komunitas belajar sekolah.",
    ),
    (
        "Berbagi di komunitas belajar",
        "Praktik baik tumbuh ketika dibagikan. Bawa satu contoh hasil kerja murid ke pertemuan komunitas \
         belajar, ceritakan konteksnya, dan mintalah umpan balik dari rekan sejawat. Catat masukan yang \
         ingin dicoba dan laporkan hasilnya pada pertemuan berikutnya.",
    ),
];

/// A classroom example per topic (same order as [`TOPICS`]).
const EXAMPLES: &[&str] = &[
    "Bu Rina, guru kelas IV di Sleman, membagi murid menjadi tiga kelompok saat belajar pecahan. Kelompok \
     pertama memakai potongan kertas, kelompok kedua menggambar diagram, dan kelompok ketiga langsung \
     mengerjakan soal cerita. Di akhir pelajaran, setiap kelompok menjelaskan caranya kepada kelompok lain.",
    "Pak Made di Gianyar memulai setiap bab dengan tiga pertanyaan singkat tanpa nilai. Dari jawaban murid \
     ia tahu bahwa separuh kelas belum memahami konsep perbandingan, sehingga ia menambah satu pertemuan \
     dengan benda nyata sebelum melanjutkan ke soal-soal yang lebih sulit.",
    "Sebuah kelas VIII menyepakati keyakinan 'kita menjaga kelas tetap nyaman untuk belajar'. Ketika dua \
     murid bertengkar, guru tidak langsung menghukum, tetapi mengajak keduanya berbicara tentang keyakinan \
     itu dan bersama-sama memutuskan cara memperbaiki keadaan.",
    "Di sebuah SD di Sanur, setiap pagi dimulai dengan lima belas menit membaca. Murid memilih buku dari \
     sudut baca sesuai tingkatnya, lalu menceritakan isinya kepada teman sebangku. Dalam satu semester, \
     jumlah murid yang membaca lancar bertambah hampir dua kali lipat.",
    "Murid kelas V di Ubud mempelajari sistem subak. Mereka mewawancarai pekaseh, menggambar peta aliran \
     air, dan membuat pameran kecil untuk orang tua. Guru mencatat perkembangan gotong royong dan bernalar \
     kritis melalui jurnal harian murid.",
    "Kepala sekolah di Ngaglik memakai percakapan coaching sebelum observasi kelas. Guru menentukan sendiri \
     fokus yang ingin diamati, yaitu cara memberi pertanyaan, dan setelah observasi keduanya membahas data \
     yang terkumpul tanpa menilai benar atau salah.",
    "Seorang guru SMP memulai pelajaran dengan satu menit bernapas bersama. Ia juga menyediakan 'pojok \
     tenang' di kelas. Murid yang sedang kesal boleh duduk di sana sebentar, lalu kembali bergabung ketika \
     sudah siap.",
    "Sekolah dengan sinyal lemah mengunduh video pembelajaran di rumah guru yang memiliki Wi-Fi, lalu \
     menyimpannya di laptop sekolah. Di kelas, video diputar dengan proyektor dan dihentikan di beberapa \
     bagian untuk diskusi.",
];

fn sections(title: &str, topic: usize, k: usize) -> Vec<Section> {
    let (name, paras) = TOPICS[topic];
    let mut out = vec![Section {
        heading: "Pendahuluan".into(),
        paragraphs: vec![
            format!(
                "Materi \"{title}\" membahas {} dan penerapannya di kelas. Materi ini dapat dibaca tanpa \
                 koneksi internet setelah diunduh.",
                name.to_lowercase()
            ),
            paras[k % paras.len()].into(),
        ],
    }];
    out.push(Section {
        heading: "Konsep utama".into(),
        paragraphs: paras.iter().map(|p| p.to_string()).collect(),
    });
    out.push(Section { heading: "Contoh dari kelas".into(), paragraphs: vec![EXAMPLES[topic].into()] });
    for (i, (h, p)) in GENERIC.iter().enumerate() {
        out.push(Section {
            heading: (*h).into(),
            paragraphs: vec![(*p).into(), paras[(k + i + 1) % paras.len()].into()],
        });
    }
    out.push(Section {
        heading: "Pertanyaan untuk didiskusikan".into(),
        paragraphs: vec![
            format!("1. Bagian mana dari {} yang sudah Anda terapkan, dan apa hasilnya bagi murid?", name.to_lowercase()),
            "2. Hambatan apa yang paling sering Anda temui, dan siapa di sekolah yang dapat membantu?".into(),
            "3. Apa satu langkah kecil yang akan Anda coba minggu depan, dan bagaimana Anda tahu langkah itu berhasil?".into(),
        ],
    });
    out
}

/// A valid PDF with `pages` pages, each showing `lines` of text (Helvetica, uncompressed).
pub fn pdf(title: &str, lines: &[String], pages: usize) -> Vec<u8> {
    let escape = |s: &str| {
        s.chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
                _ => "?".into(),
            })
            .collect::<String>()
    };
    let mut objects: Vec<String> = Vec::new();
    // 1: catalog, 2: pages, 3: font, then (page, content) pairs.
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")));
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into());
    for i in 0..pages {
        let mut text = format!("BT /F1 14 Tf 50 800 Td ({}) Tj /F1 9 Tf 0 -22 Td 12 TL\n", escape(title));
        for n in 0..60 {
            let line = &lines[(i * 60 + n) % lines.len().max(1)];
            text.push_str(&format!("({}) '\n", escape(line)));
        }
        text.push_str(&format!("0 -14 Td (Halaman {} dari {pages}) ' ET", i + 1));
        objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>", 5 + 2 * i));
        objects.push(format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

/// `text` cut into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

pub async fn seed(tx: &mut AnyConnection, ctx: &Ctx) -> anyhow::Result<()> {
    let today = time::OffsetDateTime::from_unix_timestamp(ctx.now)?.date();
    for (k, (title, kind, topic, jenjang)) in CATALOGUE.iter().enumerate() {
        let id = format!("materi-{:02}", k + 1);
        let content = MaterialContent { material_id: id.clone(), sections: sections(title, *topic, k) };
        let lines: Vec<String> = content
            .sections
            .iter()
            .flat_map(|s| {
                std::iter::once(s.heading.to_uppercase())
                    .chain(s.paragraphs.iter().flat_map(|p| wrap(p, 100)))
            })
            .collect();
        // The first module is the big one; every other material has a short handout, and some none.
        let (files, bytes): (Vec<MaterialFile>, Vec<Vec<u8>>) = match k {
            0 => {
                let pages = 1_200; // ~5 KB a page: about 6 MB
                (
                    vec![file("modul-lengkap", "modul-lengkap-pembelajaran-berdiferensiasi.pdf")],
                    vec![pdf(title, &lines, pages)],
                )
            }
            k if k % 3 == 2 => (vec![], vec![]),
            _ => {
                let name = if *kind == MaterialKind::Video { "transkrip" } else { "ringkasan" };
                (
                    vec![file(name, &format!("{name}-materi-{:02}.pdf", k + 1))],
                    vec![pdf(title, &lines, 2 + k % 4)],
                )
            }
        };
        let updated = today - time::Duration::days((k * 11 % 200) as i64);
        let material = Material {
            id: id.clone(),
            title: (*title).into(),
            kind: *kind,
            topic: TOPICS[*topic].0.into(),
            jenjang: jenjang.iter().map(|j| j.to_string()).collect(),
            summary: TOPICS[*topic].1[k % 3]
                .split(". ")
                .next()
                .unwrap_or_default()
                .trim_end_matches('.')
                .to_owned()
                + ".",
            updated: format!("{:04}-{:02}-{:02}", updated.year(), updated.month() as u8, updated.day()),
            content_size: 0,
            content_etag: String::new(),
            files,
        };
        publish(tx, material, &content, &bytes).await?;
    }
    Ok(())
}

fn file(id: &str, name: &str) -> MaterialFile {
    MaterialFile {
        id: id.into(),
        name: name.into(),
        content_type: "application/pdf".into(),
        size: 0,
        sha256: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pdfs_have_a_correct_cross_reference_table() {
        let bytes = pdf("Judul (uji)", &["baris satu".into(), "baris dua".into()], 3);
        let text = String::from_utf8(bytes.clone()).expect("ASCII only");
        assert!(text.starts_with("%PDF-1.4") && text.ends_with("%%EOF\n"));
        let xref_at: usize =
            text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(text[xref_at..].starts_with("xref"), "startxref must point at the table");
        // Every xref entry must point at its object's header, or readers reject the file.
        for (i, line) in text[xref_at..].lines().skip(3).take(9).enumerate() {
            let off: usize = line[..10].parse().unwrap();
            assert!(text[off..].starts_with(&format!("{} 0 obj", i + 1)), "object {} at {off}", i + 1);
        }
    }

    #[test]
    fn lines_wrap_at_spaces() {
        assert_eq!(wrap("satu dua tiga empat", 9), vec!["satu dua", "tiga", "empat"]);
    }
}
