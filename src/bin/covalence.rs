//! `covalence`: a strategic review of a relationship-value model, and the analyses
//! behind it, from the command line. Exit codes: 0 ok, 1 bad input, 2 usage.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use covalence::{
    CompareOptions, DiscountRate, Error, Hops, LedgerOptions, Model, Money, PlanOptions, ProjectionOptions,
    ReachOptions, ReviewOptions, Scenario,
};
use rust_decimal::Decimal;

/// Relationship-value modeling: what an organization's relationships create, cost and
/// return, and how much of it rests on platforms it does not control.
#[derive(Parser)]
#[command(name = "covalence", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Markdown,
    Json,
}

/// Projection settings shared by the subcommands that project.
#[derive(clap::Args, Clone)]
struct Projecting {
    /// Periods to project (1 to 1,000).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    horizon: u32,
    /// Discount rate per period, as a decimal fraction above -1 (0.035 for 3.5%).
    #[arg(long, default_value = "0.035", value_parser = rate, allow_negative_numbers = true)]
    rate: Decimal,
}

#[derive(Subcommand)]
enum Command {
    /// The strategic review: the six questions and the commons question.
    Review {
        /// A model file (.json or .toml); the embedded sample model when omitted.
        file: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Write the review as a self-contained HTML page, with charts, to this file
        /// instead of printing it.
        #[arg(long, value_name = "OUT.html", conflicts_with = "format")]
        html: Option<PathBuf>,
        /// Budget of the recommended plan, in the model's currency (default: every
        /// candidate's cost).
        #[arg(long, value_parser = amount)]
        budget: Option<Decimal>,
        /// Share of effective reach or returns one commercial platform may carry (0 to 1).
        #[arg(long, default_value_t = 0.25, value_parser = share)]
        threshold: f64,
        #[command(flatten)]
        projecting: Projecting,
    },
    /// Check a model file; print what it holds.
    Check {
        /// The model file.
        file: PathBuf,
    },
    /// Each constituent group's trust in the focal organization.
    Trust {
        /// A model file; the sample when omitted.
        file: Option<PathBuf>,
        /// A trust context (default: absolute trust).
        #[arg(long)]
        context: Option<String>,
    },
    /// Raw, expected and effective reach, and what depends on each channel.
    Reach {
        /// A model file; the sample when omitted.
        file: Option<PathBuf>,
        /// Hop limit.
        #[arg(long, default_value_t = 2)]
        hops: u32,
        /// Travel channels only (broadcast), not word of mouth.
        #[arg(long)]
        channels_only: bool,
    },
    /// The focal organization's returns and costs per period, by counterparty.
    Returns {
        /// A model file; the sample when omitted.
        file: Option<PathBuf>,
    },
    /// The projection: values and investment per period, PV, NPV, SROI, payback.
    Project {
        /// A model file; the sample when omitted.
        file: Option<PathBuf>,
        #[command(flatten)]
        projecting: Projecting,
    },
    /// Compare a scenario file with the model as it is.
    Compare {
        /// The model file.
        file: PathBuf,
        /// The scenario file (JSON: {"name": ..., "edits": [...]}).
        scenario: PathBuf,
        #[command(flatten)]
        projecting: Projecting,
    },
    /// Choose the candidate interventions that gain the most within a budget.
    Plan {
        /// A model file; the sample when omitted.
        file: Option<PathBuf>,
        /// The budget, in the model's currency.
        #[arg(long, value_parser = amount)]
        budget: Decimal,
        #[command(flatten)]
        projecting: Projecting,
    },
    /// Draw the value network as Graphviz DOT or Mermaid.
    Export {
        /// A model file; the sample when omitted.
        file: Option<PathBuf>,
        /// Graphviz DOT.
        #[arg(long, conflicts_with = "mermaid", required_unless_present = "mermaid")]
        dot: bool,
        /// Mermaid.
        #[arg(long)]
        mermaid: bool,
    },
    /// Print the JSON Schema of model files.
    Schema,
    /// Build a model file from a relationship network in CSV.
    ImportCsv {
        /// Edges: `source,target,trust` rows.
        edges: PathBuf,
        /// Groups: `key,members` rows.
        members: PathBuf,
        /// The key of the focal organization.
        #[arg(long)]
        focal: String,
        /// ISO 4217 code of the model's currency.
        #[arg(long, default_value = "USD")]
        currency: String,
        /// Write the model here (JSON, or TOML by a `.toml` extension) instead of to
        /// standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

/// A failure to report: the message (naming the file, line and field) and exit code 1.
struct Failure(String);

impl Failure {
    fn at(file: &str, e: Error) -> Failure {
        Failure(format!("{file}: {e}"))
    }
}

fn load(file: Option<&Path>) -> Result<(Model, String), Failure> {
    let Some(path) = file else {
        return Ok((Model::sample(), "the sample model".to_string()));
    };
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Failure(format!("{name}: cannot read: {e}")))?;
    let is_toml = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("toml"));
    let model = if is_toml {
        let text = String::from_utf8(bytes).map_err(|_| Failure(format!("{name}: not UTF-8")))?;
        Model::from_toml_str(&text)
    } else {
        Model::from_json_slice(&bytes)
    }
    .map_err(|e| Failure::at(&name, e))?;
    Ok((model, name))
}

/// A discount rate: a decimal above -1.
fn rate(text: &str) -> Result<Decimal, String> {
    let r: Decimal = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a decimal number"))?;
    if r <= Decimal::NEGATIVE_ONE {
        return Err(format!("a rate must be above -1, got {r}"));
    }
    Ok(r)
}

/// An amount of money: a decimal at least 0.
fn amount(text: &str) -> Result<Decimal, String> {
    let a: Decimal = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a decimal number"))?;
    if a.is_sign_negative() && !a.is_zero() {
        return Err(format!("an amount must be at least 0, got {a}"));
    }
    Ok(a)
}

/// A share: a number from 0 to 1.
fn share(text: &str) -> Result<f64, String> {
    let x: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if !(0.0..=1.0).contains(&x) {
        return Err(format!("a share must be from 0 to 1, got {x}"));
    }
    Ok(x)
}

fn projection_options(p: &Projecting) -> Result<ProjectionOptions, Failure> {
    Ok(ProjectionOptions::new()
        .horizon(p.horizon)
        .rate(DiscountRate::Constant(p.rate)))
}

/// A spinner on standard error while `work` runs, when standard error is a terminal.
fn with_progress<T>(what: &str, work: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    let out = work();
    bar.finish_and_clear();
    out
}

/// Rows aligned in columns, numbers (columns in `right`) to the right.
fn print_table(headers: &[&str], right: &[usize], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::new();
        for (i, w) in widths.iter().enumerate() {
            let c = cells.get(i).map_or("", String::as_str);
            if i > 0 {
                l.push_str("  ");
            }
            if right.contains(&i) {
                l.push_str(&format!("{c:>w$}"));
            } else {
                l.push_str(&format!("{c:<w$}"));
            }
        }
        l.trim_end().to_string() + "\n"
    };
    let mut out = line(&headers.iter().map(|h| (*h).to_string()).collect::<Vec<_>>());
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

fn run(cli: Cli) -> Result<String, Failure> {
    match cli.command {
        Command::Review {
            file,
            format,
            html,
            budget,
            threshold,
            projecting,
        } => {
            let (model, name) = load(file.as_deref())?;
            let mut options = ReviewOptions::new()
                .projection(projection_options(&projecting)?)
                .platform_threshold(threshold);
            if let Some(b) = budget {
                options = options.budget(Money::new(b, model.settings().currency));
            }
            let review =
                with_progress("reviewing", || model.review(&options)).map_err(|e| Failure::at(&name, e))?;
            if let Some(path) = html {
                return write_to(&path, &review.to_html());
            }
            match format {
                Format::Markdown => Ok(review.to_markdown()),
                Format::Json => review
                    .to_json_string()
                    .map(|s| s + "\n")
                    .map_err(|e| Failure::at(&name, e)),
            }
        }
        Command::Check { file } => {
            let (model, name) = load(Some(&file))?;
            model.validate().map_err(|e| Failure::at(&name, e))?;
            Ok(format!(
                "{name}: ok: {} organizations, {} constituent groups, {} channels, {} activities, {} relationships, {} flows, {} presences, {} observations, {} interventions\n",
                model.organizations().count(),
                model.constituents().count(),
                model.channels().count(),
                model.activities().count(),
                model.relationship_count(),
                model.flows().count(),
                model.presences().count(),
                model.observations().count(),
                model.interventions().count()
            ))
        }
        Command::Trust { file, context } => {
            let (model, name) = load(file.as_deref())?;
            let focal = model.focal().into();
            let mut rows = Vec::new();
            for (id, c) in model.constituents() {
                let t = model
                    .trust(id.into(), focal, context.as_deref())
                    .map_err(|e| Failure::at(&name, e))?;
                rows.push(vec![
                    c.key.clone(),
                    t.opinion
                        .map_or("unknown".into(), |o| format!("{:.3}", o.projected())),
                    format!("{:?}", t.source).to_lowercase(),
                    if t.contextual { "contextual" } else { "absolute" }.into(),
                ]);
            }
            Ok(print_table(&["group", "trust", "from", "kind"], &[1], &rows))
        }
        Command::Reach {
            file,
            hops,
            channels_only,
        } => {
            let (model, name) = load(file.as_deref())?;
            let mut options = ReachOptions::new().max_hops(hops);
            if channels_only {
                options = options.hops(Hops::Channels);
            }
            let reach =
                with_progress("reach", || model.reach(&options)).map_err(|e| Failure::at(&name, e))?;
            let mut out = format!(
                "raw {} people, expected {:.0}, effective {:.0} ({:.0}% of the scale is value); {:.1}% of effective reach depends on rented channels\n\n",
                reach.raw,
                reach.expected,
                reach.effective,
                100.0 * reach.scale_vs_value.unwrap_or(0.0),
                100.0 * reach.rented_effective_dependency
            );
            let rows: Vec<Vec<String>> = reach
                .channels
                .iter()
                .map(|c| {
                    vec![
                        model
                            .channel(c.channel)
                            .map(|c| c.key.clone())
                            .unwrap_or_default(),
                        format!("{:?}", c.ownership)
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .to_lowercase(),
                        format!("{:.1}%", 100.0 * c.exposure_share),
                        c.unique_reach.to_string(),
                        format!("{:.1}%", 100.0 * c.effective_dependency),
                    ]
                })
                .collect();
            out.push_str(&print_table(
                &[
                    "channel",
                    "ownership",
                    "exposure",
                    "only here",
                    "effective lost without",
                ],
                &[2, 3, 4],
                &rows,
            ));
            Ok(out)
        }
        Command::Returns { file } => {
            let (model, name) = load(file.as_deref())?;
            let ledger = model
                .ledger(&LedgerOptions::new())
                .map_err(|e| Failure::at(&name, e))?;
            let mut out = format!(
                "per {}: returns {}, costs {}, net {}, ROI {}\n\n",
                ledger.period.name(),
                ledger.returns,
                ledger.costs,
                ledger.net,
                ledger.roi.map_or("-".into(), |r| format!("{:.4}", r.round_dp(4)))
            );
            let rows: Vec<Vec<String>> = ledger
                .by_counterparty
                .iter()
                .map(|l| {
                    vec![
                        l.key
                            .and_then(|p| model.party_key(p).ok())
                            .unwrap_or("(unattributed)")
                            .to_string(),
                        l.returns.to_string(),
                        l.costs.to_string(),
                    ]
                })
                .collect();
            out.push_str(&print_table(
                &["counterparty", "returns", "costs"],
                &[1, 2],
                &rows,
            ));
            Ok(out)
        }
        Command::Project { file, projecting } => {
            let (model, name) = load(file.as_deref())?;
            let p = model
                .projection(&projection_options(&projecting)?)
                .map_err(|e| Failure::at(&name, e))?;
            let mut out = format!(
                "{} periods ({}): PV {}, investment {}, NPV {}, SROI {}, discounted payback {}\n\n",
                p.horizon,
                p.timing,
                p.present_value,
                p.present_investment,
                p.npv,
                p.sroi.map_or("-".into(), |s| format!("{:.4}", s.round_dp(4))),
                p.payback
                    .discounted
                    .map_or("beyond the horizon".into(), |k| format!("period {k}"))
            );
            let rows: Vec<Vec<String>> = (0..p.horizon as usize)
                .map(|k| {
                    vec![
                        (k + 1).to_string(),
                        p.value_per_period
                            .get(k)
                            .map(Money::to_string)
                            .unwrap_or_default(),
                        p.investment_per_period
                            .get(k)
                            .map(Money::to_string)
                            .unwrap_or_default(),
                        p.discount_factors
                            .get(k)
                            .map(|f| format!("{:.6}", f.round_dp(6)))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            out.push_str(&print_table(
                &["period", "value", "investment", "discount factor"],
                &[0, 1, 2, 3],
                &rows,
            ));
            Ok(out)
        }
        Command::Compare {
            file,
            scenario,
            projecting,
        } => {
            let (model, name) = load(Some(&file))?;
            let scenario_name = scenario.display().to_string();
            let text = std::fs::read_to_string(&scenario)
                .map_err(|e| Failure(format!("{scenario_name}: cannot read: {e}")))?;
            let scenario = Scenario::from_json_str(&text).map_err(|e| Failure::at(&scenario_name, e))?;
            let options = CompareOptions::new().projection(projection_options(&projecting)?);
            let c = with_progress("comparing", || model.compare_with(&scenario, &options))
                .map_err(|e| Failure::at(&format!("{name} with {scenario_name}"), e))?;
            Ok(c.to_string())
        }
        Command::Plan {
            file,
            budget,
            projecting,
        } => {
            let (model, name) = load(file.as_deref())?;
            let budget = Money::new(budget, model.settings().currency);
            let options = PlanOptions::new(budget)
                .compare(CompareOptions::new().projection(projection_options(&projecting)?));
            let plan =
                with_progress("planning", || model.plan(&options)).map_err(|e| Failure::at(&name, e))?;
            Ok(plan.to_string())
        }
        Command::Export {
            file,
            dot,
            mermaid: _,
        } => {
            let (model, name) = load(file.as_deref())?;
            if dot { model.to_dot() } else { model.to_mermaid() }.map_err(|e| Failure::at(&name, e))
        }
        Command::Schema => Ok(covalence::json_schema()),
        Command::ImportCsv {
            edges,
            members,
            focal,
            currency,
            out,
        } => {
            let open = |p: &Path| {
                std::fs::File::open(p)
                    .map(std::io::BufReader::new)
                    .map_err(|e| Failure(format!("{}: cannot read: {e}", p.display())))
            };
            let currency =
                covalence::Currency::new(&currency).map_err(|e| Failure(format!("--currency: {e}")))?;
            let options = covalence::CsvOptions::new(focal)
                .settings(covalence::Settings::new(covalence::Period::Year, currency));
            let model = with_progress("importing", || {
                Model::from_csv(open(&edges)?, open(&members)?, &options).map_err(|e| {
                    let file = if e.path() == Some("members") {
                        &members
                    } else {
                        &edges
                    };
                    Failure::at(&file.display().to_string(), e)
                })
            })?;
            let is_toml = out
                .as_deref()
                .and_then(Path::extension)
                .is_some_and(|x| x.eq_ignore_ascii_case("toml"));
            let text = if is_toml {
                model.to_toml_string()
            } else {
                model.to_json_string().map(|t| t + "\n")
            }
            .map_err(|e| Failure(e.to_string()))?;
            match out {
                Some(path) => write_to(&path, &text),
                None => Ok(text),
            }
        }
    }
}

/// Writes `text` to `path`; nothing is left to print.
fn write_to(path: &Path, text: &str) -> Result<String, Failure> {
    std::fs::write(path, text).map_err(|e| Failure(format!("{}: cannot write: {e}", path.display())))?;
    Ok(String::new())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()) {
                // A closed pipe (`covalence review | head`) is the reader's choice.
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("covalence: cannot write the output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(Failure(message)) => {
            eprintln!("covalence: {message}");
            ExitCode::from(1)
        }
    }
}
