use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

pub fn self_update(url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let body = reqwest::blocking::get(url)?.bytes()?;
    let path = "/opt/passerelle/passerelle.new";
    fs::write(path, &body)?;
    // ruleid: SRC-018
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))?;
    Command::new(path).arg("--restart").status()?;
    Ok(())
}

pub fn update_sensor(client: &reqwest::blocking::Client, url: &str, port: &mut Port) -> Result<(), reqwest::Error> {
    let image = client.get(url).send()?.bytes()?;
    // ruleid: SRC-018
    port.flash_firmware(&image);
    Ok(())
}

pub struct Port;
impl Port {
    pub fn flash_firmware(&mut self, _image: &[u8]) {}
}
