//! "GPU architecture fundamentals": the chosen GPU's figures and its memory hierarchy.

use crate::state::use_state;
use leptos::prelude::*;
use ridgepoint::hardware::{HBM_CYCLES, SRAM_CYCLES};
use ridgepoint::units::{sig3, Unit};
use ridgepoint::Precision;

/// On-chip sizes in binary units, as vendors quote them (192 KiB, 40 MiB).
fn binary(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(b) if b >= 1024.0 * 1024.0 => format!("{} MiB", sig3(b / (1024.0 * 1024.0))),
        Some(b) => format!("{} KiB", sig3(b / 1024.0)),
    }
}

/// The GPU card: specs, peaks with their ridge points, and the memory hierarchy.
#[component]
pub fn GpuCard() -> impl IntoView {
    let st = use_state();
    let gpu = Memo::new(move |_| st.scenario.with(|s| s.gpu.clone()));
    let rows = move || {
        let g = gpu.get();
        let opt = |v: Option<f64>, u: Unit| v.map(|v| u.format(v)).unwrap_or_else(|| "—".into());
        let rows = vec![
            // Decimal GB like every other memory figure, then the binary GiB devices report.
            (
                "Memory",
                format!(
                    "{} ({} GiB)",
                    Unit::Bytes.format(g.memory.get()),
                    sig3(g.memory.get() / (1024.0 * 1024.0 * 1024.0))
                ),
            ),
            ("Bandwidth", Unit::BytesPerSec.format(g.bandwidth.get())),
            (
                "SMs / compute units",
                g.sms.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
            ),
            (
                "Tensor / matrix cores",
                match (g.tensor_cores, g.sms) {
                    (Some(t), Some(n)) if n > 0 => format!("{t} ({} per SM)", t / n),
                    _ => "—".into(),
                },
            ),
            (
                "On-chip SRAM per SM",
                opt(g.sram_per_sm.map(|b| b.get()), Unit::Bytes),
            ),
            (
                "On-chip SRAM, all SMs",
                opt(g.sram_total().map(|b| b.get()), Unit::Bytes),
            ),
            ("L2 cache", opt(g.l2.map(|b| b.get()), Unit::Bytes)),
            (
                "GPU link, each way",
                opt(g.interconnect.map(|b| b.get()), Unit::BytesPerSec),
            ),
            (
                "GPUs per node",
                g.node_gpus
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| format!("— (counted as {})", g.node())),
            ),
            (
                "Network per GPU, each way",
                g.network
                    .map(|b| Unit::BytesPerSec.format(b.get()))
                    .unwrap_or_else(|| {
                        format!(
                            "— (counted as {})",
                            Unit::BytesPerSec.format(g.network_bandwidth())
                        )
                    }),
            ),
        ];
        rows.into_iter()
            .map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> })
            .collect_view()
    };
    let peaks = move || {
        let g = gpu.get();
        [
            Precision::Fp32,
            Precision::Fp16,
            Precision::Fp8,
            Precision::Int8,
            Precision::Fp4,
        ]
        .into_iter()
        .filter_map(|p| Some((p, g.peak(p)?, g.ridge(p)?)))
        .map(|(p, f, ridge)| {
            let label = match p {
                Precision::Fp16 if g.bf16_tensor_cores => "FP16 / BF16",
                Precision::Fp16 => "FP16 (no BF16: emulated in FP32)",
                _ => p.label(),
            };
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td>{Unit::FlopsPerSec.format(f.get())}</td>
                    <td>{Unit::FlopPerByte.format(ridge.get())}</td>
                </tr>
            }
        })
        .collect_view()
    };
    let hierarchy = move || {
        let g = gpu.get();
        let sram = g.sram_total().map(|b| b.get());
        let hbm = g.memory.get();
        let levels: Vec<(&str, Option<f64>, String)> = vec![
            (
                "SRAM (shared memory / L1)",
                sram,
                format!("≈{SRAM_CYCLES:.0} cycles"),
            ),
            (
                "L2 cache",
                g.l2.map(|b| b.get()),
                "shared by all SMs".into(),
            ),
            (
                "HBM / device memory",
                Some(hbm),
                format!(
                    "{}, ≈{HBM_CYCLES:.0} cycles",
                    Unit::BytesPerSec.format(g.bandwidth.get())
                ),
            ),
        ];
        let label = format!(
            "Memory hierarchy of the {}: {}",
            g.name,
            levels
                .iter()
                .map(|(n, s, _)| format!(
                    "{n} {}",
                    s.map(|v| Unit::Bytes.format(v))
                        .unwrap_or_else(|| "not known".into())
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let max = hbm.log10();
        let min = 6.0f64;
        let ratio = g.memory_to_sram();
        view! {
            <div class="hierarchy" role="img" aria-label=label>
                {levels.into_iter().map(|(name, size, note)| {
                    let width = size.map(|s| ((s.log10() - min) / (max - min) * 100.0).clamp(4.0, 100.0)).unwrap_or(0.0);
                    view! {
                        <div class="level">
                            <div class="level-name">{name}</div>
                            <div class="level-bar"><span style=format!("width:{width:.1}%")></span></div>
                            <div class="level-size">{if size == Some(hbm) { Unit::Bytes.format(hbm) } else { binary(size) }}</div>
                            <div class="level-note">{note}</div>
                        </div>
                    }
                }).collect_view()}
                <p class="ratio">
                    {match ratio {
                        Some(r) => format!(
                            "HBM is {}× larger than all on-chip SRAM, and about {}× slower to reach ({HBM_CYCLES:.0} vs {SRAM_CYCLES:.0} cycles). Weights live in HBM: every decode step streams them through that pipe.",
                            sig3(r), sig3(HBM_CYCLES / SRAM_CYCLES)),
                        None => "On-chip SRAM size is not known for this GPU; weights live in device memory and every decode step streams them through its bandwidth.".to_string(),
                    }}
                </p>
            </div>
        }
    };
    view! {
        <section class="card" id="sec-gpu" aria-labelledby="gpu-h">
            <h2 id="gpu-h">{move || gpu.with(|g| g.name.clone())}</h2>
            <div class="gpu-grid">
                <table class="specs">
                    <caption>"Specifications"</caption>
                    <tbody>{rows}</tbody>
                </table>
                <table class="specs">
                    <caption>"Dense peaks and ridge points"</caption>
                    <thead><tr><th scope="col">"Format"</th><th scope="col">"Peak"</th><th scope="col">"Ridge"</th></tr></thead>
                    <tbody>{peaks}</tbody>
                </table>
            </div>
            <h3>"Memory hierarchy"</h3>
            {hierarchy}
            <details class="source">
                <summary>"Source"</summary>
                <p>{move || gpu.with(|g| g.source.clone())}</p>
            </details>
        </section>
    }
}
