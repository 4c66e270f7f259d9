use liseuse::browser;

fn main() {
    // The wasm is fetched, compiled and instantiated: the benchmark times the steps of a visit.
    browser::mark("liseuse:wasm-started");
    // Development builds only: the release build aborts on a panic without a message (see the
    // Makefile), and assets/boot.js offers a reload.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // An article's page shows its static copy first (see `browser::end_prerender`): let it be
    // painted before the app builds its own page, which would otherwise delay that first paint
    // when the wasm is already compiled (a second visit). A hidden tab paints no frame: at once.
    if browser::has_prerender() && browser::is_visible() {
        browser::after_paint(start);
    } else {
        start();
    }
}

fn start() {
    leptos::mount::mount_to_body(liseuse::app::App);
    // The reader page ends the static copy of an article once drawn; this is the backstop
    // should it never be (e.g. the route is not the reader's).
    leptos::prelude::set_timeout(browser::end_prerender, std::time::Duration::from_secs(3));
}
