//! `ridgepoint serve` (placeholder until the command lands; it refuses, exit 2).

use crate::args::{usage_error, Fail};

pub(crate) const HELP: &str = "ridgepoint serve — not built yet\n";

pub(crate) fn run(_args: &[String]) -> Result<(), Fail> {
    Err(usage_error("ridgepoint serve is not built yet"))
}
