mod broken {
    cozegen_macros::import_workflow!("workflows/broken.json");
}

fn main() {}
