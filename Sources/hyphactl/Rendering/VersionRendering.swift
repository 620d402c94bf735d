// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus

/// What `version` prints: hyphactl's version, the loaded librdkafka's, and a
/// note when that librdkafka cannot talk to brokers that send tagged fields.
enum VersionRendering {
    static func text() -> String {
        var text = "hyphactl \(HyphaCtlVersion.current)\n"
        text += "librdkafka \(LibrdkafkaVersion.loaded) (loaded; built against \(LibrdkafkaVersion.builtAgainst))\n"
        if LibrdkafkaVersion.misreadsTaggedFields {
            text +=
                "note: librdkafka before 2.2.0 cannot talk to brokers that send tagged fields "
                + "(KRaft-mode Kafka, Tansu); put a newer librdkafka.so.1 first on LD_LIBRARY_PATH\n"
        }
        return text
    }
}
