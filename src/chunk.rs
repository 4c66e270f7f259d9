//! Code the release build cuts out of the main wasm (`--cfg liseuse_split`, see the Makefile
//! and scripts/split/): fetched the first time it is needed, then kept by the service worker.
//! A fetch can fail (offline before the worker kept the chunk, or a new build replaced it on
//! the server): callers get [`ChunkMissing`] and say so, instead of the wasm stopping.

/// A chunk of code that could not be fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkMissing;

#[cfg(liseuse_split)]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkMissing
    }
}

/// `split_point! { chunk_name; fn name(arg: Type) -> Output { body } }` declares
/// `async fn name(arg: Type) -> Result<Output, ChunkMissing>`, whose body (and the code only
/// it reaches) is the chunk `chunk_name` in the release build. Elsewhere (`cargo test`, a
/// plain `trunk build`) it is an ordinary async function that always succeeds.
///
/// With `preload name;` before the `fn`, it also declares `async fn name()`, which fetches the
/// chunk without running anything (when the reader shows the intent to use it); its `Err` can
/// be ignored: the chunk is fetched again when it is needed.
#[macro_export]
macro_rules! split_point {
    ($chunk:ident; preload $preload:ident; $(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => {
        $crate::split_point! { @split [$chunk, preload($preload)] $(#[$attr])* $vis fn $($rest)* }

        #[cfg(not(liseuse_split))]
        $vis async fn $preload() -> Result<(), $crate::chunk::ChunkMissing> {
            Ok(())
        }
    };
    ($chunk:ident; $(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => {
        $crate::split_point! { @split [$chunk] $(#[$attr])* $vis fn $($rest)* }
    };
    (@split [$chunk:ident $($option:tt)*] $(#[$attr:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $body:block) => {
        #[cfg(liseuse_split)]
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible $($option)*)]
        $(#[$attr])*
        $vis fn $name($($arg: $ty),*) -> Result<$out, $crate::chunk::ChunkMissing> {
            let output: $out = $body;
            Ok(output)
        }

        #[cfg(not(liseuse_split))]
        $(#[$attr])*
        $vis async fn $name($($arg: $ty),*) -> Result<$out, $crate::chunk::ChunkMissing> {
            let output: $out = $body;
            Ok(output)
        }
    };
}
