//! Runs the three oracles on the given input files and prints each verdict:
//! `cargo run -p wasmc-fuzz --example replay_one -- FILE...` (for minimising a fuzz finding).

fn main() {
    for f in std::env::args().skip(1) {
        let data = std::fs::read(&f).expect("read input");
        println!("{f}");
        println!("  compile:      {:?}", wasmc_fuzz::compile::run(&data));
        println!("  spiller:      {:?}", wasmc_fuzz::spiller::run(&data));
        println!("  differential: {:?}", wasmc_fuzz::differential::run(&data));
    }
}
