// The warnings reach the compiler as warnings: denied, they fail the build and say what they are.
#![deny(warnings)]

mod survey {
    cozegen_macros::import_workflow!("workflows/survey.json");
}

fn main() {}
