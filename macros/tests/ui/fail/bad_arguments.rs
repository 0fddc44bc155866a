mod a {
    cozegen_macros::import_workflow!();
}
mod b {
    cozegen_macros::import_workflow!(workflow);
}
mod c {
    cozegen_macros::import_workflow!("workflows/order_intake.json", typename = "X");
}
mod d {
    cozegen_macros::import_workflow!("workflows/order_intake.json", derive = [Eq, "Hash"]);
}
mod e {
    cozegen_macros::import_workflow!("workflows/order_intake.json", output_type_name = "Out");
}
mod f {
    cozegen_macros::import_workflow!("workflows/order_intake.json", node = middle);
}
mod g {
    cozegen_macros::import_workflow!("workflows/order_intake.json", type_name = "A", type_name = "B");
}
mod h {
    cozegen_macros::import_workflow!("workflows/order_intake.json", type_name = "not a name");
}
mod i {
    cozegen_macros::import_workflow!("workflows/order_intake.json" type_name = "X");
}

fn main() {}
