mod survey {
    cozegen_macros::import_workflow!("workflows/survey.json", deny_warnings = true);
}

fn main() {}
