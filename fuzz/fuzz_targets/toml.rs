//! The TOML model loader on arbitrary text: never a panic; a model it accepts is valid
//! and reads back equal from the TOML it writes (when its counts fit TOML's integers).
#![no_main]

use covalence::Model;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(model) = Model::from_toml_str(text) {
        assert!(model.validate().is_ok(), "a loaded model is valid");
        match model.to_toml_string() {
            Ok(written) => {
                let again = Model::from_toml_str(&written).expect("a written model loads");
                assert!(again == model, "TOML round trip");
            }
            Err(e) => assert_eq!(
                e.kind(),
                covalence::ErrorKind::InvalidValue,
                "only counts beyond TOML's integers: {e}"
            ),
        }
    }
});
