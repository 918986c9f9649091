//! The JSON model loader on arbitrary bytes: never a panic; a model it accepts is
//! valid, and writing it out and reading it back gives an equal model.
#![no_main]

use covalence::Model;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = Model::from_json_slice(data) {
        assert!(model.validate().is_ok(), "a loaded model is valid");
        let text = model.to_json_string().expect("a loaded model writes");
        let again = Model::from_json_str(&text).expect("a written model loads");
        assert!(again == model, "JSON round trip");
    }
});
