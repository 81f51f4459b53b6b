//! The serving settings a link carries (`sv.` keys beside the scenario's), read and written
//! as plain data: [`from_query`] turns the link's pairs into [`ServeSettings`] and the
//! problems found (each naming its key, with the default taken), [`ServeSettings::to_query`]
//! writes back only what differs from the defaults, and [`ServeSettings::input`] builds the
//! [`ServeInput`] for a scenario (whose own checks, [`super::check`], still apply: lengths
//! against the model's context window).
//!
//! | key | meaning | default |
//! |---|---|---|
//! | `sv.arr` | `poisson` (open loop) or `closed` (clients) | `poisson` |
//! | `sv.rate` | Poisson requests per second | 1 |
//! | `sv.clients` | closed-loop clients | 8 |
//! | `sv.n` | requests simulated | 500 |
//! | `sv.len` | `fixed`, `uniform` or `lognormal` lengths around the scenario's | `fixed` |
//! | `sv.spread` | uniform: half-width as a share of the length; lognormal: σ of the log | 0.5 |
//! | `sv.ttft`, `sv.tpot` | SLOs, seconds | 2, 0.05 |
//! | `sv.tok` | scheduler tokens per step | 8192 |
//! | `sv.run` | requests running at once | 256 |
//! | `sv.pre` | prefix-cache share of each prompt, 0–1 | 0 |
//! | `sv.mem` | GPU memory utilization, (0, 1] | 0.9 |
//! | `sv.price` | price per GPU-hour (no built-in prices) | none |
//! | `sv.target` | target requests per second (replicas) | none |

use super::{
    Arrivals, Lengths, ServeInput, Slo, DEFAULT_GPU_MEMORY_UTILIZATION, DEFAULT_MAX_BATCH_TOKENS,
    DEFAULT_MAX_RUNNING, DEFAULT_TPOT_SLO, DEFAULT_TTFT_SLO, MAX_BATCH_TOKENS_CAP, MAX_CLIENTS,
    MAX_RATE, MAX_REQUESTS, MAX_RUNNING_CAP, MAX_SIM_TIME, MIN_RATE,
};
use crate::query::Problem;
use crate::scenario::Scenario;

/// Every `sv.` key, in the order links write them.
pub const SERVE_KEYS: &[&str] = &[
    "sv.arr",
    "sv.rate",
    "sv.clients",
    "sv.n",
    "sv.len",
    "sv.spread",
    "sv.ttft",
    "sv.tpot",
    "sv.tok",
    "sv.run",
    "sv.pre",
    "sv.mem",
    "sv.price",
    "sv.target",
];

/// Closed-loop clients when the link names none: a setting, not a published figure.
pub const DEFAULT_CLIENTS: u32 = 8;
/// The spread when the link names none (see [`ServeSettings::spread`]).
pub const DEFAULT_SPREAD: f64 = 0.5;
/// Requests per second and dollars per GPU-hour accepted for the capacity figures.
pub const MAX_TARGET_RATE: f64 = 1e9;
pub const MAX_PRICE: f64 = 1e6;

/// Open or closed loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrivalKind {
    Poisson,
    Closed,
}

/// The shape of the length distributions (prompt and output alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LengthKind {
    Fixed,
    Uniform,
    LogNormal,
}

impl LengthKind {
    pub fn key(self) -> &'static str {
        match self {
            LengthKind::Fixed => "fixed",
            LengthKind::Uniform => "uniform",
            LengthKind::LogNormal => "lognormal",
        }
    }
}

/// What the serving section's controls hold; every field valid once [`from_query`] has read it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServeSettings {
    pub arrivals: ArrivalKind,
    /// Poisson requests per second.
    pub rate: f64,
    pub clients: u32,
    pub requests: u32,
    pub lengths: LengthKind,
    /// Uniform: lengths over `len × (1 ± spread)` (spread < 1); lognormal: σ of the
    /// logarithm (0–4) with the scenario's length as the mean.
    pub spread: f64,
    pub slo: Slo,
    pub max_batch_tokens: u32,
    pub max_running: u32,
    pub prefix_share: f64,
    pub gpu_memory_utilization: f64,
    /// Dollars (or any currency) per GPU-hour; `None`: no cost shown.
    pub price_per_gpu_hour: Option<f64>,
    /// Requests per second to serve; `None`: no replica count.
    pub target_rate: Option<f64>,
}

impl Default for ServeSettings {
    fn default() -> ServeSettings {
        ServeSettings {
            arrivals: ArrivalKind::Poisson,
            rate: 1.0,
            clients: DEFAULT_CLIENTS,
            requests: 500,
            lengths: LengthKind::Fixed,
            spread: DEFAULT_SPREAD,
            slo: Slo {
                ttft_s: DEFAULT_TTFT_SLO,
                tpot_s: DEFAULT_TPOT_SLO,
            },
            max_batch_tokens: DEFAULT_MAX_BATCH_TOKENS,
            max_running: DEFAULT_MAX_RUNNING,
            prefix_share: 0.0,
            gpu_memory_utilization: DEFAULT_GPU_MEMORY_UTILIZATION,
            price_per_gpu_hour: None,
            target_rate: None,
        }
    }
}

fn lengths(kind: LengthKind, spread: f64, len: u32) -> Lengths {
    match kind {
        LengthKind::Fixed => Lengths::Fixed,
        LengthKind::Uniform => {
            let l = len.max(1) as f64;
            let s = spread.clamp(0.0, 0.99);
            let lo = ((l * (1.0 - s)).round() as u32).max(1);
            let hi = ((l * (1.0 + s)).round() as u32).max(lo);
            Lengths::Uniform { lo, hi }
        }
        LengthKind::LogNormal => Lengths::LogNormal {
            mean: len.max(1) as f64,
            spread,
        },
    }
}

impl ServeSettings {
    /// The run these settings describe around `scenario` (its prompt and output lengths the
    /// centre of the distributions). Check it with [`super::check`] before simulating.
    pub fn input(&self, scenario: &Scenario) -> ServeInput {
        let mut i = ServeInput::new(scenario.clone());
        i.arrivals = match self.arrivals {
            ArrivalKind::Poisson => Arrivals::Poisson { rate: self.rate },
            ArrivalKind::Closed => Arrivals::Closed {
                clients: self.clients,
            },
        };
        i.requests = self.requests;
        i.prompt = lengths(self.lengths, self.spread, scenario.prompt);
        i.output = lengths(self.lengths, self.spread, scenario.output);
        i.slo = self.slo;
        i.max_batch_tokens = self.max_batch_tokens;
        i.max_running = self.max_running;
        i.prefix_share = self.prefix_share;
        i.gpu_memory_utilization = self.gpu_memory_utilization;
        i
    }

    /// The `sv.` pairs that differ from the defaults, form-encoded and joined with `&`
    /// (empty for the defaults); [`from_query`] reads them back to the same settings.
    pub fn to_query(&self) -> String {
        let d = ServeSettings::default();
        let mut out = form_urlencoded::Serializer::new(String::new());
        let mut put = |k: &str, v: String| {
            out.append_pair(k, &v);
        };
        if self.arrivals != d.arrivals {
            put("sv.arr", "closed".into());
        }
        if self.rate != d.rate {
            put("sv.rate", num(self.rate));
        }
        if self.clients != d.clients {
            put("sv.clients", self.clients.to_string());
        }
        if self.requests != d.requests {
            put("sv.n", self.requests.to_string());
        }
        if self.lengths != d.lengths {
            put("sv.len", self.lengths.key().into());
        }
        if self.spread != d.spread {
            put("sv.spread", num(self.spread));
        }
        if self.slo.ttft_s != d.slo.ttft_s {
            put("sv.ttft", num(self.slo.ttft_s));
        }
        if self.slo.tpot_s != d.slo.tpot_s {
            put("sv.tpot", num(self.slo.tpot_s));
        }
        if self.max_batch_tokens != d.max_batch_tokens {
            put("sv.tok", self.max_batch_tokens.to_string());
        }
        if self.max_running != d.max_running {
            put("sv.run", self.max_running.to_string());
        }
        if self.prefix_share != d.prefix_share {
            put("sv.pre", num(self.prefix_share));
        }
        if self.gpu_memory_utilization != d.gpu_memory_utilization {
            put("sv.mem", num(self.gpu_memory_utilization));
        }
        if let Some(p) = self.price_per_gpu_hour {
            put("sv.price", num(p));
        }
        if let Some(t) = self.target_rate {
            put("sv.target", num(t));
        }
        out.finish()
    }
}

/// Shortest decimal that reads back to the same f64.
fn num(v: f64) -> String {
    format!("{v}")
}

/// What a stranger typed, shortened and quoted before it is echoed.
fn shown(s: &str) -> String {
    let mut t: String = s.chars().filter(|c| !c.is_control()).take(40).collect();
    if s.chars().count() > 40 {
        t.push('…');
    }
    format!("\u{201c}{t}\u{201d}")
}

struct Reader<'a> {
    pairs: Vec<(&'a str, &'a str)>,
    problems: Vec<Problem>,
}

impl<'a> Reader<'a> {
    /// The last value given for `key` (a later pair wins, as in a browser's query), trimmed.
    fn get(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.trim())
    }

    fn bad(&mut self, field: &'static str, message: String) {
        self.problems.push(Problem {
            field,
            message: format!("{field}: {message}"),
        });
    }

    /// A number in `lo..=hi` (`lo` excluded when `open`); otherwise `default` and a problem
    /// saying why in `what`'s words.
    fn f64(
        &mut self,
        field: &'static str,
        (lo, open, hi): (f64, bool, f64),
        what: &str,
        default: f64,
    ) -> f64 {
        let Some(s) = self.get(field) else {
            return default;
        };
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && (if open { v > lo } else { v >= lo }) && v <= hi => v,
            Ok(v) if v.is_finite() => {
                let range = if open {
                    format!("more than {lo} and at most {hi}")
                } else {
                    format!("{lo} to {hi}")
                };
                self.bad(
                    field,
                    format!("{} is not {what} ({range}); using {default}", shown(s)),
                );
                default
            }
            _ => {
                self.bad(
                    field,
                    format!("{} is not a number; using {default}", shown(s)),
                );
                default
            }
        }
    }

    fn count(&mut self, field: &'static str, hi: u32, what: &str, default: u32) -> u32 {
        let Some(s) = self.get(field) else {
            return default;
        };
        match s.parse::<u64>() {
            Ok(v) if (1..=hi as u64).contains(&v) => v as u32,
            Ok(_) => {
                self.bad(
                    field,
                    format!(
                        "{} is not a number of {what} from 1 to {hi}; using {default}",
                        shown(s)
                    ),
                );
                default
            }
            Err(_) => {
                self.bad(
                    field,
                    format!(
                        "{} is not a whole number of {what}; using {default}",
                        shown(s)
                    ),
                );
                default
            }
        }
    }

    /// Empty or absent: `None`.
    fn optional(&mut self, field: &'static str, hi: f64, what: &str) -> Option<f64> {
        let s = self.get(field).filter(|s| !s.is_empty())?;
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 && v <= hi => Some(v),
            _ => {
                self.bad(
                    field,
                    format!(
                        "{} is not {what} (more than 0, at most {hi}); left out",
                        shown(s)
                    ),
                );
                None
            }
        }
    }
}

/// Reads the `sv.` pairs of a link (other keys are ignored): the settings, each bad or
/// missing value replaced by its default, and one [`Problem`] per bad value naming its key.
pub fn from_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> (ServeSettings, Vec<Problem>) {
    let mut r = Reader {
        pairs: pairs
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .filter(|(k, _)| k.starts_with("sv."))
            .collect(),
        problems: Vec::new(),
    };
    let d = ServeSettings::default();
    let unknown: Vec<String> = r
        .pairs
        .iter()
        .filter(|(k, _)| !SERVE_KEYS.contains(k))
        .map(|(k, _)| shown(k))
        .collect();
    for k in unknown {
        r.problems.push(Problem {
            field: "sv",
            message: format!("{k} is not a serving setting; ignored"),
        });
    }
    let arrivals = match r.get("sv.arr").map(str::to_ascii_lowercase).as_deref() {
        None | Some("poisson") => ArrivalKind::Poisson,
        Some("closed") => ArrivalKind::Closed,
        Some(s) => {
            let m = format!(
                "{} is not an arrival process (poisson or closed); using poisson",
                shown(s)
            );
            r.bad("sv.arr", m);
            ArrivalKind::Poisson
        }
    };
    let lengths = match r.get("sv.len").map(str::to_ascii_lowercase).as_deref() {
        None | Some("fixed") => LengthKind::Fixed,
        Some("uniform") => LengthKind::Uniform,
        Some("lognormal") => LengthKind::LogNormal,
        Some(s) => {
            let m = format!(
                "{} is not a length distribution (fixed, uniform or lognormal); using fixed",
                shown(s)
            );
            r.bad("sv.len", m);
            LengthKind::Fixed
        }
    };
    let rate = r.f64(
        "sv.rate",
        (MIN_RATE, false, MAX_RATE),
        "a rate in requests per second",
        d.rate,
    );
    let clients = r.count("sv.clients", MAX_CLIENTS, "clients", d.clients);
    let requests = r.count("sv.n", MAX_REQUESTS, "requests", d.requests);
    // Uniform needs spread < 1 (no length below 0); lognormal σ up to 4, as `check` takes.
    let spread_hi = if lengths == LengthKind::Uniform {
        0.99
    } else {
        4.0
    };
    let spread = r.f64("sv.spread", (0.0, false, spread_hi), "a spread", d.spread);
    let ttft = r.f64(
        "sv.ttft",
        (0.0, true, MAX_SIM_TIME),
        "a TTFT SLO in seconds",
        d.slo.ttft_s,
    );
    let tpot = r.f64(
        "sv.tpot",
        (0.0, true, MAX_SIM_TIME),
        "a TPOT SLO in seconds",
        d.slo.tpot_s,
    );
    let max_batch_tokens = r.count(
        "sv.tok",
        MAX_BATCH_TOKENS_CAP,
        "tokens per step",
        d.max_batch_tokens,
    );
    let max_running = r.count("sv.run", MAX_RUNNING_CAP, "running requests", d.max_running);
    let prefix_share = r.f64(
        "sv.pre",
        (0.0, false, 1.0),
        "a prefix-cache share",
        d.prefix_share,
    );
    let gpu_memory_utilization = r.f64(
        "sv.mem",
        (0.0, true, 1.0),
        "a share of GPU memory",
        d.gpu_memory_utilization,
    );
    let price_per_gpu_hour = r.optional("sv.price", MAX_PRICE, "a price per GPU-hour");
    let target_rate = r.optional(
        "sv.target",
        MAX_TARGET_RATE,
        "a target rate in requests per second",
    );
    let s = ServeSettings {
        arrivals,
        rate,
        clients,
        requests,
        lengths,
        spread,
        slo: Slo {
            ttft_s: ttft,
            tpot_s: tpot,
        },
        max_batch_tokens,
        max_running,
        prefix_share,
        gpu_memory_utilization,
        price_per_gpu_hour,
        target_rate,
    };
    (s, r.problems)
}

/// [`from_query`] on a query string (`?` optional), form-decoded.
pub fn from_query_str(query: &str) -> (ServeSettings, Vec<Problem>) {
    let q = query.strip_prefix('?').unwrap_or(query);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes()).into_owned().collect();
    from_query(&pairs)
}
