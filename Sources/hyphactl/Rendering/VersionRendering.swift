// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import RDKafka

/// What `version` prints: hyphactl's version and the loaded librdkafka's. Whether
/// that librdkafka suits a broker shows when they meet (`doctor`, or the failure
/// line naming the fix), not from the version number alone.
enum VersionRendering {
    static func text() -> String {
        "hyphactl \(HyphaCtlVersion.current)\n"
            + "librdkafka \(LibrdkafkaVersion.loaded) (loaded; built against \(LibrdkafkaVersion.builtAgainst))\n"
    }
}
