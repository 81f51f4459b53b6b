//! Transformer shapes, and the parameter, FLOP and KV-cache counts that follow from them.

use crate::scenario::Group;
use serde::{Deserialize, Serialize};

/// The feed-forward block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mlp {
    /// Gate, up and down projections (SwiGLU/GeGLU: Llama, Mistral, Qwen, Gemma).
    Gated,
    /// Up and down projections (GELU/ReLU: GPT-3, OPT, Falcon, GPT-J).
    Plain,
}

impl Mlp {
    /// Weight matrices of `hidden × intermediate` in one MLP.
    pub const fn matrices(self) -> u64 {
        match self {
            Mlp::Gated => 3,
            Mlp::Plain => 2,
        }
    }
}

/// Mixture of experts in the feed-forward blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moe {
    /// Routed experts per MoE layer.
    pub experts: u64,
    /// Routed experts each token uses.
    pub active: u64,
    /// Shared experts every token uses.
    pub shared: u64,
    /// Intermediate size of one expert.
    pub expert_intermediate: u64,
    /// Leading layers with a dense MLP of `Model::intermediate` instead of experts.
    pub dense_layers: u64,
}

/// Multi-head latent attention (DeepSeek-V2/V3): K and V are rebuilt from one cached latent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mla {
    /// Rank of the query compression (0 = queries are not compressed).
    pub q_lora_rank: u64,
    pub kv_lora_rank: u64,
    pub qk_nope_head_dim: u64,
    pub qk_rope_head_dim: u64,
    pub v_head_dim: u64,
}

/// A decoder-only transformer's shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Stable kebab-case id (`llama-2-7b`).
    pub id: String,
    pub name: String,
    pub hidden: u64,
    /// Dense MLP intermediate size.
    pub intermediate: u64,
    pub layers: u64,
    /// Query heads.
    pub heads: u64,
    /// Key/value heads (= heads for MHA, 1 for MQA, in between for GQA).
    pub kv_heads: u64,
    /// Per-head dimension; not always hidden / heads (Gemma-2, Qwen3).
    pub head_dim: u64,
    pub vocab: u64,
    /// Input embedding and LM head share one matrix.
    pub tied_embeddings: bool,
    /// Biases on the Q, K and V projections (Qwen2).
    pub qkv_bias: bool,
    pub mlp: Mlp,
    pub moe: Option<Moe>,
    pub mla: Option<Mla>,
    /// Sliding-window attention: (window in tokens, number of layers that use it).
    pub sliding_window: Option<(u64, u64)>,
    /// Chunked local attention (Llama 4): (chunk in tokens, number of layers that use it); a
    /// token attends only to the earlier tokens of its own chunk.
    #[serde(default)]
    pub chunked: Option<(u64, u64)>,
    /// Learned absolute position embeddings (GPT-3, OPT); 0 for rotary models.
    pub position_embeddings: u64,
    pub max_context: u64,
    pub source: String,
}

/// Parameter counts split the way memory traffic and FLOPs need them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamCounts {
    /// Everything stored: what has to fit in memory.
    pub total: f64,
    /// What one token touches (MoE: shared plus `active` routed experts).
    pub active: f64,
    /// Input embedding table (and learned positions): gathered, not multiplied.
    pub embedding: f64,
    /// LM head matrix (the embedding again when tied).
    pub lm_head: f64,
    /// Attention projections, all layers.
    pub attention: f64,
    /// Dense MLPs and all experts, all layers.
    pub mlp_total: f64,
    /// Dense MLPs and the experts one token uses, all layers.
    pub mlp_active: f64,
    /// Routed experts, all layers (in `mlp_total`; 0 without MoE).
    pub experts_total: f64,
    /// The routed experts one token uses, all layers (in `mlp_active`).
    pub experts_active: f64,
    /// Norm weights and biases.
    pub other: f64,
    /// The LM head is the embedding matrix (stored once).
    pub tied: bool,
}

impl ParamCounts {
    /// Parameters stored in tensor group `g`: the dense group holds dense MLPs, shared experts
    /// and routers; a tied LM head stores none of its own. Norms (`other`) belong to no group.
    pub fn stored(&self, g: Group) -> f64 {
        match g {
            Group::Attention => self.attention,
            Group::Mlp => self.mlp_total - self.experts_total,
            Group::Experts => self.experts_total,
            Group::Embedding => self.embedding,
            Group::LmHead if self.tied => 0.0,
            Group::LmHead => self.lm_head,
        }
    }

    /// Parameters one token multiplies in tensor group `g` (the embedding is gathered, not
    /// multiplied: none).
    pub fn per_token(&self, g: Group) -> f64 {
        match g {
            Group::Attention => self.attention,
            Group::Mlp => self.mlp_active - self.experts_active,
            Group::Experts => self.experts_active,
            Group::Embedding => 0.0,
            Group::LmHead => self.lm_head,
        }
    }
}

/// Matmul weights one forward step reads, by tensor group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reads {
    pub attention: f64,
    /// Dense MLPs, shared experts and routers.
    pub dense: f64,
    /// The routed experts the step's tokens reach.
    pub experts: f64,
    pub lm_head: f64,
}

impl Reads {
    pub fn total(&self) -> f64 {
        self.attention + self.dense + self.experts + self.lm_head
    }
}

/// A model's layers by how far back they attend (counts as f64 for the arithmetic).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerSplit {
    /// Layers that attend to the whole context.
    pub full: f64,
    /// Sliding-window layers and their window (∞ when there are none).
    pub sliding: f64,
    pub window: f64,
    /// Chunked-attention layers and their chunk (∞ when there are none).
    pub chunked: f64,
    pub chunk: f64,
}

impl LayerSplit {
    /// Tokens cached (or attended to, one query at the end of `context`), summed over layers:
    /// full × ctx + sliding × min(ctx, window) + chunked × min(ctx, chunk).
    pub fn cached_tokens(&self, context: f64) -> f64 {
        self.full * context
            + self.sliding * context.min(self.window)
            + self.chunked * context.min(self.chunk)
    }

    /// (query, key) pairs of causal attention over a prompt of `n` tokens, summed over layers.
    pub fn causal_pairs(&self, n: f64) -> f64 {
        let triangle = |k: f64| k * (k + 1.0) / 2.0;
        let windowed = if n <= self.window {
            triangle(n)
        } else {
            triangle(self.window) + (n - self.window) * self.window
        };
        let chunked = if n <= self.chunk {
            triangle(n)
        } else {
            let whole = (n / self.chunk).floor();
            whole * triangle(self.chunk) + triangle(n - whole * self.chunk)
        };
        self.full * triangle(n) + self.sliding * windowed + self.chunked * chunked
    }

    /// Whether every layer attends to the whole context.
    pub fn all_full(&self) -> bool {
        self.sliding == 0.0 && self.chunked == 0.0
    }
}

impl Model {
    /// Q, K, V and output projection weights (plus QKV bias) of one layer.
    pub fn attention_params_per_layer(&self) -> f64 {
        let h = self.hidden as f64;
        let n = self.heads as f64;
        if let Some(m) = self.mla {
            let qk = (m.qk_nope_head_dim + m.qk_rope_head_dim) as f64;
            let q = if m.q_lora_rank > 0 {
                let r = m.q_lora_rank as f64;
                h * r + r + r * n * qk
            } else {
                h * n * qk
            };
            let kv_a = h * (m.kv_lora_rank + m.qk_rope_head_dim) as f64 + m.kv_lora_rank as f64;
            let kv_b = m.kv_lora_rank as f64 * n * (m.qk_nope_head_dim + m.v_head_dim) as f64;
            let o = n * m.v_head_dim as f64 * h;
            return q + kv_a + kv_b + o;
        }
        let d = self.head_dim as f64;
        let kv = self.kv_heads as f64;
        let proj = h * n * d + 2.0 * h * kv * d + n * d * h;
        let bias = if self.qkv_bias {
            (n + 2.0 * kv) * d
        } else {
            0.0
        };
        proj + bias
    }

    /// Parameters of one expert (or one dense MLP of `inter`).
    fn mlp_params(&self, inter: u64) -> f64 {
        (self.mlp.matrices() * self.hidden * inter) as f64
    }

    /// The parameter counts, from the shapes alone.
    pub fn params(&self) -> ParamCounts {
        let h = self.hidden as f64;
        let layers = self.layers as f64;
        let embedding = (self.vocab * self.hidden + self.position_embeddings * self.hidden) as f64;
        let lm_head = (self.vocab * self.hidden) as f64;
        let attention = layers * self.attention_params_per_layer();
        let (mlp_total, mlp_active, experts_total, experts_active) = match self.moe {
            None => {
                let p = layers * self.mlp_params(self.intermediate);
                (p, p, 0.0, 0.0)
            }
            Some(moe) => {
                let dense = moe.dense_layers.min(self.layers) as f64;
                let moe_layers = layers - dense;
                let expert = self.mlp_params(moe.expert_intermediate);
                let router = h * moe.experts as f64;
                let dense_p = dense * self.mlp_params(self.intermediate);
                let total =
                    dense_p + moe_layers * ((moe.experts + moe.shared) as f64 * expert + router);
                let active =
                    dense_p + moe_layers * ((moe.active + moe.shared) as f64 * expert + router);
                let routed = moe_layers * moe.experts as f64 * expert;
                let routed_active = moe_layers * moe.active as f64 * expert;
                (total, active, routed, routed_active)
            }
        };
        // Two norms per layer and a final norm.
        let other = (2.0 * layers + 1.0) * h;
        let head = if self.tied_embeddings { 0.0 } else { lm_head };
        let shared = embedding + head + attention + other;
        ParamCounts {
            total: shared + mlp_total,
            active: shared + mlp_active,
            embedding,
            lm_head,
            attention,
            mlp_total,
            mlp_active,
            experts_total,
            experts_active,
            other,
            tied: self.tied_embeddings,
        }
    }

    /// KV-cache elements stored per token per layer: 2 × kv_heads × head_dim (K and V), or the
    /// MLA latent kv_lora_rank + qk_rope_head_dim (no factor 2).
    pub fn kv_elements_per_token_per_layer(&self) -> f64 {
        match self.mla {
            Some(m) => (m.kv_lora_rank + m.qk_rope_head_dim) as f64,
            None => (2 * self.kv_heads * self.head_dim) as f64,
        }
    }

    /// KV-cache elements of one sequence of `context` tokens over all layers; sliding-window
    /// layers keep at most `window` tokens, chunked layers at most one chunk.
    pub fn kv_elements(&self, context: f64) -> f64 {
        self.kv_elements_per_token_per_layer() * self.layer_split().cached_tokens(context)
    }

    /// The layers by how far back they attend.
    pub fn layer_split(&self) -> LayerSplit {
        let layers = self.layers as f64;
        let (sliding, window) = match self.sliding_window {
            Some((w, n)) => (n.min(self.layers) as f64, w as f64),
            None => (0.0, f64::INFINITY),
        };
        let (chunked, chunk) = match self.chunked {
            Some((c, n)) => ((n as f64).min(layers - sliding), c as f64),
            None => (0.0, f64::INFINITY),
        };
        LayerSplit {
            full: layers - sliding - chunked,
            sliding,
            window,
            chunked,
            chunk,
        }
    }

    /// Attention FLOPs for one query token against `context` keys, all layers: QKᵀ and
    /// scores × V, 2 FLOPs per multiply-add. Sliding layers see min(context, window) keys;
    /// chunked layers are counted at min(context, chunk), the most a token in a chunk sees
    /// (an upper bound: a token sees only the earlier tokens of its own chunk). MLA in decode runs absorbed (scores against the
    /// 576-wide latent, output in the 512-wide latent), as DeepSeek's inference does.
    pub fn attention_flops_per_token(&self, context: f64) -> f64 {
        let n = self.heads as f64;
        let per_pair = match self.mla {
            Some(m) => 2.0 * n * ((m.kv_lora_rank + m.qk_rope_head_dim) + m.kv_lora_rank) as f64,
            None => 4.0 * n * self.head_dim as f64,
        };
        per_pair * self.layer_split().cached_tokens(context)
    }

    /// Causal attention FLOPs for a prompt of `n` tokens, all layers: token i attends to
    /// i keys (min(i, window) on sliding-window layers, its position within its chunk on
    /// chunked layers), summed over i = 1..n. MLA in
    /// prefill runs un-absorbed: heads × (qk_nope + qk_rope) for scores, heads × v_head for
    /// the output.
    pub fn attention_flops_prefill(&self, n: f64) -> f64 {
        let heads = self.heads as f64;
        let per_pair = match self.mla {
            Some(m) => {
                2.0 * heads * (m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim) as f64
            }
            None => 4.0 * heads * self.head_dim as f64,
        };
        per_pair * self.layer_split().causal_pairs(n)
    }

    /// Width of the MLP activations one token holds in flight: the dense intermediate, or
    /// for MoE the active and shared experts side by side (the wider of that and the dense
    /// layers' intermediate when some layers are dense).
    pub fn activation_width(&self) -> f64 {
        match self.moe {
            Some(moe) => {
                let experts = (moe.active + moe.shared) as f64 * moe.expert_intermediate as f64;
                if moe.dense_layers > 0 {
                    experts.max(self.intermediate as f64)
                } else {
                    experts
                }
            }
            None => self.intermediate as f64,
        }
    }

    /// Expected routed experts read per MoE layer when `tokens` tokens each pick `active`
    /// of `experts` at random: E · (1 − (1 − k/E)^T). One token reads k; many read all E.
    pub fn experts_read(&self, tokens: f64) -> f64 {
        match self.moe {
            None => 0.0,
            Some(m) if m.experts == 0 => 0.0,
            Some(m) => {
                let e = m.experts as f64;
                let k = (m.active as f64).min(e);
                e * (1.0 - (1.0 - k / e).powf(tokens.max(1.0)))
            }
        }
    }

    /// Matmul weights read from memory by one forward step over `tokens` tokens: attention,
    /// dense MLPs, shared experts, the routed experts those tokens reach, and the LM head.
    /// The embedding table is not streamed (a gather of `tokens` rows).
    pub fn matmul_params_read(&self, tokens: f64) -> f64 {
        self.reads(tokens).total()
    }

    /// [`Model::matmul_params_read`] by tensor group.
    pub fn reads(&self, tokens: f64) -> Reads {
        let p = self.params();
        let (dense, experts) = match self.moe {
            None => (p.mlp_total, 0.0),
            Some(m) => {
                let dense = m.dense_layers.min(self.layers) as f64;
                let moe_layers = self.layers as f64 - dense;
                let expert = self.mlp_params(m.expert_intermediate);
                (
                    dense * self.mlp_params(self.intermediate)
                        + moe_layers
                            * (m.shared as f64 * expert + (self.hidden * m.experts) as f64),
                    moe_layers * self.experts_read(tokens) * expert,
                )
            }
        };
        Reads {
            attention: p.attention,
            dense,
            experts,
            lm_head: p.lm_head,
        }
    }
}
