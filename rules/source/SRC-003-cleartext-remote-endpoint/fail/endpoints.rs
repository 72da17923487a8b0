// ruleid: SRC-003
const PLATFORM: &str = "http://plateforme.belvezet.fr/api/v1/mesures";

fn broker() -> MqttOptions {
    // ruleid: SRC-003
    let url = "mqtt://broker.belvezet.fr:1883";
    // ruleid: SRC-003
    let ws = connect("ws://10.20.0.5:9001/stream");
    MqttOptions::parse_url(url).unwrap()
}
