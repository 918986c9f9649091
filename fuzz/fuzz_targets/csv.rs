//! The CSV importer on arbitrary bytes, split into the edges file and the members file
//! at the first NUL byte: never a panic; an imported model is valid, and its focal
//! organization is the key asked for.
#![no_main]

use covalence::{CsvOptions, Model};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (edges, members) = data.split_at(split);
    let members = members.get(1..).unwrap_or_default();
    if let Ok(model) = Model::from_csv(edges, members, &CsvOptions::new("0")) {
        assert!(model.validate().is_ok(), "an imported model is valid");
        assert_eq!(
            model.organization(model.focal()).map(|o| o.key.as_str()).ok(),
            Some("0")
        );
    }
});
