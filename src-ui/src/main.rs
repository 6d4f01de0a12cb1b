fn main() {
    penggerak_ui::start();
}
