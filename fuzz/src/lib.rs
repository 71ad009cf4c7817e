//! Fuzzing oracles of wasmc (STYLE.md: "fuzzing oracles are library code"), shared by the
//! cargo-fuzz targets and the stable corpus-replay tests.
//!
//! Not implemented yet: the differential, spiller and compile oracles arrive with the
//! fuzzing milestone.

#![deny(missing_docs)]
