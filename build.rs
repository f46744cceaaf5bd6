//! Links GCC's unwinder statically on Linux with glibc (as `-static-libgcc`
//! does for C), so the loader does not map libgcc_s.so at every start: one
//! shared library fewer took `ghenv --version` from 1.7x to 1.4x the time
//! of `true` (bench/RESULTS.md). The archive comes before std's `-lgcc_s`
//! on the link line, so the unwinder's symbols resolve to it and
//! `--as-needed` drops libgcc_s. Without the archive (another C compiler),
//! nothing changes.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let crt_static = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" || crt_static {
        return;
    }
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_owned());
    let Ok(out) = Command::new(linker)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
    else {
        return;
    };
    let path = String::from_utf8_lossy(&out.stdout);
    if out.status.success()
        && Path::new(path.trim()).is_absolute()
        && Path::new(path.trim()).exists()
    {
        println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
    }
}
