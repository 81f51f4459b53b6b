//! The step split into its operations, so each can sit on the roofline on its own.

use crate::scenario::{Group, Scenario};

/// Which step to split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// One decode step of the batch at the mean context.
    Decode,
    /// The batch's whole prefill.
    Prefill,
}

/// One operation of a step, summed over layers, per GPU.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    pub name: &'static str,
    pub flops: f64,
    pub bytes: f64,
}

impl Op {
    pub fn intensity(&self) -> f64 {
        self.flops / self.bytes
    }
}

/// FP16 activations.
const ACT: f64 = 2.0;

/// QKV projection, attention, output projection, MLP (or experts) and LM head of one step.
/// Weight bytes are read once per step; activations are read and written in FP16; attention
/// reads each sequence's KV cache (decode) or writes it and reads it once (prefill, fused).
pub fn ops(s: &Scenario, step: Step) -> Vec<Op> {
    let m = &s.model;
    let n = s.gpus.max(1) as f64;
    let wb = s.format(Group::Attention).bytes();
    let kvb = s.kv.bytes();
    let batch = s.batch.max(1) as f64;
    let prompt = s.prompt.max(1) as f64;
    let output = s.output.max(1) as f64;
    let layers = m.layers as f64;
    let h = m.hidden as f64;
    let heads = m.heads as f64;
    let p = m.params();

    let (tokens, head_tokens) = match step {
        Step::Decode => (batch, batch),
        Step::Prefill => (batch * prompt, batch),
    };
    let (q_width, o_in, o_weights) = match m.mla {
        Some(mla) => {
            let v = heads * mla.v_head_dim as f64;
            (
                heads * (mla.qk_nope_head_dim + mla.qk_rope_head_dim) as f64,
                v,
                v * h,
            )
        }
        None => {
            let d = m.head_dim as f64;
            (heads * d, heads * d, heads * d * h)
        }
    };
    let qkv_weights = p.attention / layers - o_weights;
    let kv_width = m.kv_elements_per_token_per_layer();
    let qkv = Op {
        name: "QKV projection",
        flops: 2.0 * tokens * qkv_weights * layers / n,
        bytes: (qkv_weights * wb + tokens * (h + q_width + kv_width) * ACT) * layers / n,
    };
    let (attn_flops, attn_bytes) = match step {
        Step::Decode => {
            let ctx = prompt + output / 2.0;
            (
                batch * m.attention_flops_per_token(ctx),
                batch * m.kv_elements(ctx) * kvb + tokens * (q_width + o_in) * ACT * layers,
            )
        }
        Step::Prefill => (
            batch * m.attention_flops_prefill(prompt),
            2.0 * batch * m.kv_elements(prompt) * kvb + tokens * (q_width + o_in) * ACT * layers,
        ),
    };
    let attention = Op {
        name: "Attention",
        flops: attn_flops / n,
        bytes: attn_bytes / n,
    };
    let out = Op {
        name: "Output projection",
        flops: 2.0 * tokens * o_weights * layers / n,
        bytes: (o_weights * wb + tokens * (o_in + h) * ACT) * layers / n,
    };
    let reads = m.reads(tokens);
    let mlp_bytes = reads.dense * s.format(Group::Mlp).bytes()
        + reads.experts * s.format(Group::Experts).bytes();
    let inter = match m.moe {
        Some(moe) => ((moe.active + moe.shared) * moe.expert_intermediate) as f64,
        None => m.intermediate as f64,
    };
    let mlp = Op {
        name: if m.moe.is_some() {
            "Experts (MoE)"
        } else {
            "MLP"
        },
        flops: 2.0 * tokens * p.mlp_active / n,
        bytes: (mlp_bytes + tokens * (2.0 * h + 2.0 * inter) * ACT * layers) / n,
    };
    let vocab = m.vocab as f64;
    let head = Op {
        name: "LM head",
        flops: 2.0 * head_tokens * p.lm_head / n,
        bytes: (p.lm_head * s.format(Group::LmHead).bytes()
            + head_tokens * (h * ACT + vocab * 4.0))
            / n,
    };
    vec![qkv, attention, out, mlp, head]
}
