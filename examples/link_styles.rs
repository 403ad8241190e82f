//! Prints the computed style of every link of each HTML file given, one JSON object a line
//! (file, link index, text, colour, font size, nearest background, hidden, unsure), for
//! comparing the cascade with a browser's (`benches/chromium-styles.sh`).
//!
//!     cargo run --example link_styles -- FILE.html...

use campaign_lint::campaign::html::reduce;

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(html) = std::fs::read_to_string(&path) else {
            eprintln!("{path}: not readable as UTF-8, skipped");
            continue;
        };
        for (i, link) in reduce(&html, 0).links.iter().enumerate() {
            let Some(style) = &link.style else { continue };
            let line = serde_json::json!({
                "file": path,
                "i": i,
                "text": link.text,
                "color": style.color.hex(),
                "px": style.font_px,
                "bg": style.background.map_or_else(|| "image".to_owned(), campaign_lint::campaign::css::Rgba::hex),
                "hidden": style.hidden.is_some(),
                "unsure": style.unsure,
            });
            println!("{line}");
        }
    }
}
