mod order {
    cozegen_macros::import_workflow!("workflows/no_such_workflow.json");
}

fn main() {}
