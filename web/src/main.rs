//! Entry point of the page: install the panic screen, mount the app.

fn main() {
    ridgepoint_web::panic_screen::install();
    leptos::mount::mount_to_body(ridgepoint_web::App);
}
