fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(liseuse::app::App);
    // The reader page ends the static copy of an article once drawn; this is the backstop
    // should it never be (e.g. the route is not the reader's).
    leptos::prelude::set_timeout(
        liseuse::browser::end_prerender,
        std::time::Duration::from_secs(3),
    );
}
