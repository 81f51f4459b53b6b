//! Shared by the test files that start from a catalog scenario at the roofline floor.

use ridgepoint::scenario::DEFAULT_OVERHEAD;
use ridgepoint::{catalog, Efficiency, Precision, Scenario};

/// `batch` requests of `prompt` + `output` tokens of catalog model `model` on one catalog GPU
/// `gpu`, FP16 weights and KV cache, at 100% of peak (the floor the seed computes).
pub fn floor_scenario(gpu: &str, model: &str, batch: u32, prompt: u32, output: u32) -> Scenario {
    Scenario {
        gpu: catalog::gpu(gpu).unwrap(),
        model: catalog::model(model).unwrap(),
        weights: Precision::Fp16,
        formats: Default::default(),
        kv: Precision::Fp16,
        batch,
        prompt,
        output,
        gpus: 1,
        efficiency: Efficiency::PEAK,
        overhead: DEFAULT_OVERHEAD,
        speculative: None,
        parallel: Default::default(),
        kv_budget: ridgepoint::profile::KvBudget::Remaining,
    }
}
