//! A large relationship network, from CSV to trust, reputation and reach, timed step
//! by step as `../shared/bench/peer.py` times its peers, with the same checks:
//!
//! ```sh
//! python3 gen.py 1000000 8000000 DIR      # the benchmark network
//! cargo run --release --example large_network -- DIR
//! ```
//!
//! `DIR` holds `edges.csv` (`source,target,trust`) and `members.csv` (`key,members`);
//! key `0` is the focal organization. One line per step, `name seconds check=...`:
//!
//! - `load`: read both files and build the model (with a second core, the import lays
//!   out the analysis snapshot beside it, in the same time); check = directed trust
//!   edges loaded;
//! - `reputation`: EigenTrust with key 0 pre-trusted, a = 0.15, tolerance 1e-9 on the
//!   L1 change; check = the score of key 0;
//! - `inferred_trust`: the most certain path from key 0 to every party; check = parties
//!   with a path, key 0 included;
//! - `reach3`: raw reach within 3 hops over relationships; check = people, key 0's own
//!   excluded.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use covalence::{CsvOptions, Hops, Model, PartyId, ReachOptions, ReputationOptions, TrustOptions};

/// One figure, as the peer script prints it; an error if stdout is closed.
fn line(name: &str, seconds: f64, check: impl std::fmt::Display) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(
        std::io::stdout().lock(),
        "{name:14} {seconds:9.3} s   check={check}"
    )
}

fn run(dir: PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    let open = |name: &str| -> Result<BufReader<File>, Box<dyn std::error::Error>> {
        let path = dir.join(name);
        let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(BufReader::with_capacity(1 << 20, file))
    };

    let t = Instant::now();
    let model = Model::from_csv(open("edges.csv")?, open("members.csv")?, &CsvOptions::new("0"))?;
    let seconds = t.elapsed().as_secs_f64();
    let directed: usize = model
        .relationships()
        .map(|(_, r)| r.trust.iter().filter(|t| t.absolute.is_some()).count())
        .sum();
    line("load", seconds, directed)?;

    let focal: PartyId = model.focal().into();
    let t = Instant::now();
    let score = model
        .reputation(&ReputationOptions::new().alpha(0.15).tolerance(1e-9))?
        .score(focal)
        .unwrap_or(0.0);
    line("reputation", t.elapsed().as_secs_f64(), format!("{score:.6}"))?;

    let t = Instant::now();
    let reached = model.trust_paths(focal, &TrustOptions::new())?.reached();
    line("inferred_trust", t.elapsed().as_secs_f64(), reached)?;

    let t = Instant::now();
    let people = model.raw_reach(&ReachOptions::new().max_hops(3).hops(Hops::Relationships))?;
    line("reach3", t.elapsed().as_secs_f64(), people)?;
    Ok(())
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: large_network DIR (with DIR/edges.csv and DIR/members.csv)");
        return ExitCode::from(2);
    };
    match run(dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("large_network: {e}");
            ExitCode::from(1)
        }
    }
}
