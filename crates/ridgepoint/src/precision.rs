//! Number formats for weights, KV cache and the matmuls.

use serde::{Deserialize, Serialize};

/// A storage or compute number format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Fp32,
    Fp16,
    Bf16,
    Fp8,
    Int8,
    Int4,
    /// NVFP4: 4-bit E2M1 values with an FP8 (E4M3) scale per block of 16.
    Fp4,
    /// MXFP4 (OCP microscaling): 4-bit E2M1 values with an 8-bit power-of-two (E8M0) scale
    /// per block of 32 — gpt-oss's experts.
    Mxfp4,
    /// FP8 (E4M3) with an FP32 scale per 128 × 128 weight block (DeepSeek-V3, Kimi K2).
    Fp8Block,
    /// GGUF Q8_0: blocks of 32 INT8 values with an FP16 scale.
    #[serde(rename = "q8_0")]
    Q8_0,
    /// GGUF Q4_K_M: a mix of 4- and 6-bit k-quants, ≈ 4.85 bits per weight overall.
    #[serde(rename = "q4_k_m")]
    Q4KM,
    /// GGUF Q4_0: blocks of 32 4-bit values with an FP16 scale.
    #[serde(rename = "q4_0")]
    Q4_0,
}

impl Precision {
    /// Every precision, widest first (ids in URLs never change; new formats are appended to
    /// their width group).
    pub const ALL: [Precision; 12] = [
        Precision::Fp32,
        Precision::Fp16,
        Precision::Bf16,
        Precision::Fp8,
        Precision::Fp8Block,
        Precision::Int8,
        Precision::Int4,
        Precision::Fp4,
        Precision::Mxfp4,
        Precision::Q8_0,
        Precision::Q4KM,
        Precision::Q4_0,
    ];

    /// The formats the fit matrix compares (one per storage width).
    pub const COMMON: [Precision; 5] = [
        Precision::Fp16,
        Precision::Fp8,
        Precision::Int8,
        Precision::Int4,
        Precision::Fp4,
    ];

    /// Stable lowercase id used in URLs and on the command line.
    pub const fn id(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Fp16 => "fp16",
            Precision::Bf16 => "bf16",
            Precision::Fp8 => "fp8",
            Precision::Int8 => "int8",
            Precision::Int4 => "int4",
            Precision::Fp4 => "fp4",
            Precision::Mxfp4 => "mxfp4",
            Precision::Fp8Block => "fp8_block",
            Precision::Q8_0 => "q8_0",
            Precision::Q4KM => "q4_k_m",
            Precision::Q4_0 => "q4_0",
        }
    }

    /// Display label.
    pub const fn label(self) -> &'static str {
        match self {
            Precision::Fp32 => "FP32",
            Precision::Fp16 => "FP16",
            Precision::Bf16 => "BF16",
            Precision::Fp8 => "FP8",
            Precision::Int8 => "INT8",
            Precision::Int4 => "INT4",
            Precision::Fp4 => "NVFP4",
            Precision::Mxfp4 => "MXFP4",
            Precision::Fp8Block => "FP8 (128² blocks)",
            Precision::Q8_0 => "Q8_0 (GGUF)",
            Precision::Q4KM => "Q4_K_M (GGUF)",
            Precision::Q4_0 => "Q4_0 (GGUF)",
        }
    }

    /// Parses an id as produced by [`Precision::id`] (case-insensitive).
    pub fn from_id(s: &str) -> Option<Precision> {
        Precision::ALL
            .into_iter()
            .find(|p| p.id().eq_ignore_ascii_case(s.trim()))
    }

    /// Stored bits per element, including the quantization scales that travel with the
    /// values: INT4 is group-128 with an FP16 scale and an FP16 zero point per group
    /// (4 + 32/128 = 4.25 bits, as AWQ/GPTQ store it); FP4 is NVFP4, an FP8 scale per
    /// 16 values (4 + 8/16 = 4.5 bits). INT8 and FP8 use per-channel/per-tensor scales,
    /// which are negligible.
    pub const fn bits(self) -> f64 {
        match self {
            Precision::Fp32 => 32.0,
            Precision::Fp16 | Precision::Bf16 => 16.0,
            Precision::Fp8 | Precision::Int8 => 8.0,
            Precision::Int4 => 4.25,
            Precision::Fp4 => 4.5,
            Precision::Mxfp4 => 4.25,
            // 8 + 32 / (128 × 128)
            Precision::Fp8Block => 8.0 + 32.0 / 16384.0,
            Precision::Q8_0 => 8.5,
            Precision::Q4KM => 4.85,
            Precision::Q4_0 => 4.5,
        }
    }

    /// Stored bytes per element (see [`Precision::bits`]).
    pub fn bytes(self) -> f64 {
        self.bits() / 8.0
    }

    /// What the stored bits per element include, for derivations.
    pub const fn bits_note(self) -> &'static str {
        match self {
            Precision::Fp32 => "32 bits",
            Precision::Fp16 | Precision::Bf16 => "16 bits",
            Precision::Fp8 | Precision::Int8 => "8 bits (per-channel scales negligible)",
            Precision::Int4 => "4 bits + FP16 scale and zero per group of 128 = 4.25 bits",
            Precision::Fp4 => "4 bits + FP8 scale per block of 16 (NVFP4) = 4.5 bits",
            Precision::Mxfp4 => "4 bits + 8-bit E8M0 scale per block of 32 (MXFP4) = 4.25 bits",
            Precision::Fp8Block => "8 bits + FP32 scale per 128 × 128 block = 8.002 bits",
            Precision::Q8_0 => "8 bits + FP16 scale per block of 32 = 8.5 bits",
            Precision::Q4KM => "4- and 6-bit k-quant blocks with scales: ≈ 4.85 bits on average (llama.cpp model sizes)",
            Precision::Q4_0 => "4 bits + FP16 scale per block of 32 = 4.5 bits",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for p in Precision::ALL {
            assert_eq!(Precision::from_id(p.id()), Some(p));
        }
        assert_eq!(Precision::from_id("FP16"), Some(Precision::Fp16));
        assert_eq!(Precision::from_id("fp12"), None);
    }

    #[test]
    fn quantized_formats_carry_their_scales() {
        assert_eq!(Precision::Int4.bits(), 4.25);
        assert_eq!(Precision::Fp4.bits(), 4.5);
        assert_eq!(Precision::Fp16.bytes(), 2.0);
    }
}
