//! The whole estimate as JSON: what `ridgepoint estimate --json` prints and the page's
//! "Estimate (JSON)" download writes.

use crate::estimate::{Estimate, KneeCause, Phase};
use crate::json::Json;
use crate::json_obj;
use crate::query::Spec;
use crate::scenario::Scenario;

pub fn phase_json(p: &Phase) -> Json {
    json_obj! {
        "tokens" => p.tokens,
        "flops" => p.flops.get(),
        "bytes" => p.bytes.get(),
        "intensity" => p.intensity.get(),
        "compute_time_s" => p.compute_time.get(),
        "memory_time_s" => p.memory_time.get(),
        "comm_time_s" => p.comm_time.get(),
        "time_floor_s" => p.time.get(),
        "time_s" => p.calibrated_time.get(),
        "bound" => match p.bound {
            crate::Bound::Memory => "memory",
            crate::Bound::Compute => "compute",
        },
        "attained_flops_per_s" => p.attained.get(),
    }
    .into()
}

/// Every figure of `e`, the scenario it answers, and each derivation.
pub fn estimate_json(spec: &Spec, s: &Scenario, e: &Estimate) -> Json {
    let m = &e.memory;
    json_obj! {
        "scenario" => json_obj! {
            "gpu" => s.gpu.id.as_str(),
            "gpu_name" => s.gpu.name.as_str(),
            "model" => s.model.id.as_str(),
            "model_name" => s.model.name.as_str(),
            "weights" => s.weights.id(),
            "formats" => {
                let mut o = crate::json::obj();
                for g in crate::scenario::Group::ALL {
                    o = o.put(g.label(), s.format(g).id());
                }
                o
            },
            "kv" => s.kv.id(),
            "batch" => s.batch,
            "prompt" => s.prompt,
            "output" => s.output,
            "gpus" => s.gpus,
            "query" => spec.to_query(),
        },
        "efficiency" => json_obj! {
            "bandwidth" => s.efficiency.bandwidth,
            "compute" => s.efficiency.compute,
            "layer_overhead_s" => s.efficiency.layer_overhead.get(),
        },
        "params" => json_obj! {
            "total" => e.params.total,
            "active" => e.params.active,
            "embedding" => e.params.embedding,
            "lm_head" => e.params.lm_head,
            "attention" => e.params.attention,
            "mlp_total" => e.params.mlp_total,
            "mlp_active" => e.params.mlp_active,
        },
        "compute_precision" => e.compute_precision.id(),
        "peak_flops_per_s" => e.peak.get(),
        "bandwidth_bytes_per_s" => e.bandwidth.get(),
        "ridge_flop_per_byte" => e.ridge.get(),
        "weights_all_gpus_bytes" => e.weights.get(),
        "kv_per_token_bytes" => e.kv_per_token.get(),
        "decode_context" => e.decode_context,
        "memory" => json_obj! {
            "weights_bytes" => m.weights.get(),
            "kv_cache_bytes" => m.kv_cache.get(),
            "activations_bytes" => m.activations.get(),
            "overhead_bytes" => m.overhead.get(),
            "total_bytes" => m.total.get(),
            "capacity_bytes" => m.capacity.get(),
            "fits" => m.fits,
        },
        "max_batch" => e.max_batch,
        "max_context" => e.max_context,
        "kv_crossover_batch" => e.kv_crossover_batch,
        "knee" => json_obj! {
            "batch" => e.knee.batch,
            "cause" => match e.knee.cause {
                KneeCause::Compute => "compute",
                KneeCause::KvCache => "kv_cache",
            },
        },
        "decode" => phase_json(&e.decode),
        "prefill" => phase_json(&e.prefill),
        "ttft_s" => e.calibrated.ttft.get(),
        "ttft_floor_s" => e.floor.ttft.get(),
        "tpot_s" => e.calibrated.tpot.get(),
        "tpot_floor_s" => e.floor.tpot.get(),
        "request_latency_s" => e.calibrated.request_latency.get(),
        "request_latency_floor_s" => e.floor.request_latency.get(),
        "throughput_tokens_per_s" => e.calibrated.throughput,
        "throughput_floor_tokens_per_s" => e.floor.throughput,
        "speculative" => e.speculative.map(|sp| json_obj! {
            "tokens_per_step" => sp.tokens_per_step,
            "step_time_s" => sp.step_time.get(),
            "step_time_floor_s" => sp.step_time_floor.get(),
        }),
        "derivations" => e.derivations.iter().map(|d| json_obj! {
            "key" => d.key,
            "label" => d.label,
            "formula" => format!("{} = {}", d.symbol, d.expr),
            "substituted" => d.substituted(),
            "value" => d.value,
            "result" => d.result_text(),
        }).collect::<Vec<_>>(),
    }
    .into()
}
