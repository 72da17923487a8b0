fn main() {
    println!("passerelle");
}
