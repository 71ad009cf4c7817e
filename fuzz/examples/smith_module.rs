//! Writes the module that `wasmc_fuzz::smith::module` (the compile target's) or, with
//! `--differential`, `wasmc_fuzz::differential::module` makes of an input:
//! `cargo run -p wasmc-fuzz --example smith_module -- [--differential] INPUT OUT.wasm`.

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let differential = args.first().is_some_and(|a| a == "--differential");
    if differential {
        args.remove(0);
    }
    let data = std::fs::read(&args[0]).expect("read input");
    let wasm = if differential {
        wasmc_fuzz::differential::module(&mut arbitrary::Unstructured::new(&data)).ok()
    } else {
        wasmc_fuzz::smith::module(&data)
    };
    std::fs::write(&args[1], wasm.expect("the input makes a module")).expect("write module");
}
