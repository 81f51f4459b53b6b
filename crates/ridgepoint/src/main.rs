//! `ridgepoint`: the estimation engine on the command line.

use ridgepoint::{catalog, estimate, Spec};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gpus") => {
            for g in catalog::gpus() {
                println!("{:<20} {}", g.id, g.name);
            }
        }
        Some("models") => {
            for m in catalog::models() {
                println!("{:<20} {}", m.id, m.name);
            }
        }
        Some("explain") => {
            let (spec, problems) = Spec::from_query(args.get(1).map(String::as_str).unwrap_or(""));
            for p in &problems {
                eprintln!("warning: {p}");
            }
            let e = estimate(&spec.scenario());
            for d in &e.derivations {
                println!("{}", d.render());
            }
        }
        _ => {
            eprintln!("usage: ridgepoint gpus | models | explain [QUERY]");
            std::process::exit(2);
        }
    }
}
