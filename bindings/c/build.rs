//! Gives the shared library the soname it is installed under, so programs
//! linked against the installed `libhooksig.so` load the ABI they were built
//! for. A 0.x minor release may break the ABI, hence `0.minor` in the name.

fn main() {
    let major = env("CARGO_PKG_VERSION_MAJOR");
    let minor = env("CARGO_PKG_VERSION_MINOR");
    let abi = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    if env("CARGO_CFG_TARGET_OS") == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libhooksig.so.{abi}");
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}
