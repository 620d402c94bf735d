// SPDX-License-Identifier: Apache-2.0
import HyphaYAML

/// Names of generated objects: every one starts with the deployment's name.
struct Names {
    let deployment: String

    init(_ deployment: HyphaDeployment) { self.deployment = deployment.name }

    var hyphaBase: String { "\(deployment)-hypha" }
    var kafkaBase: String { "\(deployment)-kafka" }
    var kafkaHeadless: String { "\(deployment)-kafka-headless" }
    var zookeeper: String { "\(deployment)-zookeeper" }
    var zookeeperHeadless: String { "\(deployment)-zookeeper-headless" }

    /// Compose service of one Hypha replica (also its server id).
    func hypha(_ replica: Int) -> String { "\(deployment)-hypha-\(replica)" }

    /// Compose service of one broker: `demo-kafka` alone, `demo-kafka-1`… when several.
    func kafka(_ broker: Int, of count: Int) -> String { count == 1 ? kafkaBase : "\(kafkaBase)-\(broker)" }

    /// A KRaft cluster id: 16 bytes as URL-safe base64 without padding, derived
    /// from the deployment's name so that the output is the same every time.
    var clusterID: String {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        var bytes: [UInt8] = []
        for round in 0..<16 {
            for byte in Array("\(deployment)#\(round)".utf8) {
                state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            bytes.append(UInt8(truncatingIfNeeded: state >> 24))
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var text = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                text.append(alphabet[Int((buffer >> UInt32(bits)) & 0x3f)])
            }
        }
        if bits > 0 { text.append(alphabet[Int((buffer << UInt32(6 - bits)) & 0x3f)]) }
        return text
    }
}

/// `python -m hypha.server …` for one server.
enum HyphaCommand {
    static func arguments(_ hypha: HyphaServers, bootstrap: String) -> [String] {
        var arguments = [
            "python", "-m", "hypha.server", "--host=0.0.0.0", "--port=\(hypha.port)", "--kafka-uri=\(bootstrap)",
        ]
        if let url = hypha.publicBaseURL { arguments.append("--public-base-url=\(url)") }
        return arguments + hypha.args
    }
}

/// Broker settings from the file, as the images' environment variables.
struct BrokerSettings {
    let environment: [(String, YAMLValue)]

    init(_ kafka: BundledKafka) {
        let internalReplication = String(kafka.replicationFactor)
        environment = [
            ("KAFKA_NUM_PARTITIONS", .string(String(kafka.partitions))),
            ("KAFKA_DEFAULT_REPLICATION_FACTOR", .string(internalReplication)),
            ("KAFKA_MIN_INSYNC_REPLICAS", .string(String(kafka.minInsyncReplicas))),
            ("KAFKA_COMPRESSION_TYPE", .string(kafka.compression)),
            ("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true"),
            ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", .string(internalReplication)),
            ("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", .string(internalReplication)),
            ("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", .string(String(kafka.minInsyncReplicas))),
            ("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
        ]
    }
}
