//! The version of this build, as the browser sees it: the page carries it in
//! `<meta name="app-version">`, every response in the `x-app-version` header, and a page whose
//! version differs from the server's reloads (`public/offline.js`), so old WASM never talks to
//! a new server.

use std::sync::OnceLock;

use leptos::config::LeptosOptions;

/// `<package version>+<hash of the WASM>` when cargo-leptos hashed the assets
/// (`hash-files`), else the package version alone. Read once per process.
pub fn app_version(options: &LeptosOptions) -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let package = env!("CARGO_PKG_VERSION");
        match options.hash_files.then(|| wasm_hash(options)).flatten() {
            Some(hash) => format!("{package}+{hash}"),
            None => package.to_owned(),
        }
    })
}

/// The WASM file's hash from the hash file cargo-leptos writes next to the server binary.
fn wasm_hash(options: &LeptosOptions) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let hashes = std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()?;
    hashes.lines().find_map(|line| line.strip_prefix("wasm:").map(|h| h.trim().to_owned()))
}
