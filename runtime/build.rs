fn main() {
    println!("cargo:rerun-if-changed=csrc/unwind.c");
    cc::Build::new().file("csrc/unwind.c").compile("wasmc_unwind");
}
