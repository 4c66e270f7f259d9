//! Build script: compiles `content/*.md` into typed Rust data (see `build/pipeline.rs`).

#[path = "pipeline.rs"]
mod pipeline;

use std::{
    env, fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build");
    // Another content folder can be compiled in instead, e.g. generated articles for benchmarks.
    println!("cargo:rerun-if-env-changed=LISEUSE_CONTENT_DIR");
    let content = match env::var_os("LISEUSE_CONTENT_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(&env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("content"),
    };
    println!("cargo:rerun-if-changed={}", content.display());
    match compile(&content) {
        Ok(code) => {
            let out = Path::new(&env::var("OUT_DIR").expect("set by cargo")).join("articles.rs");
            fs::write(&out, code).expect("OUT_DIR is writable");
            ExitCode::SUCCESS
        }
        Err(error) => {
            // Cargo shows a build script's stderr when it fails: name the file and the fault.
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn compile(dir: &Path) -> Result<String, pipeline::ContentError> {
    let unreadable = |file: &str, e: std::io::Error| pipeline::ContentError {
        file: file.to_string(),
        message: format!("cannot read: {e}"),
    };
    let mut files: Vec<_> = fs::read_dir(dir)
        .map_err(|e| unreadable("", e))?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .collect();
    files.sort();
    let mut articles = Vec::with_capacity(files.len());
    for file in &files {
        println!("cargo:rerun-if-changed={}", dir.join(file).display());
        let text = fs::read_to_string(dir.join(file)).map_err(|e| unreadable(file, e))?;
        articles.push(pipeline::parse_article(file, &text)?);
    }
    let articles = pipeline::check_collection(articles)?;
    Ok(pipeline::render_rust(&articles))
}
