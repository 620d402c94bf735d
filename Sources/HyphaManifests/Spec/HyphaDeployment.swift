// SPDX-License-Identifier: Apache-2.0
/// A whole Hypha-on-Kafka deployment, as `hypha.yaml` describes it (deploy.md).
public struct HyphaDeployment: Sendable, Equatable {
    /// DNS-1123 label; prefixes every generated object.
    public var name: String
    /// Kubernetes namespace; nil: the objects carry none.
    public var namespace: String?
    /// The Hypha servers.
    public var hypha: HyphaServers
    /// The Kafka they share.
    public var kafka: KafkaCluster
}

/// The Hypha servers of a deployment.
public struct HyphaServers: Sendable, Equatable {
    /// Image with a tag (never `latest`).
    public var image: String
    /// How many servers (each its own server id and consumer group).
    public var replicas: Int
    /// The HTTP port.
    public var port: Int
    /// `--public-base-url`, if set.
    public var publicBaseURL: String?
    /// Further `python -m hypha.server` arguments.
    public var args: [String]
    /// Plain environment variables, in file order.
    public var env: [(name: String, value: String)]
    /// Environment variables from secrets, in file order.
    public var secretEnv: [(name: String, secret: String, key: String)]
    /// Kubernetes resources: `requests`/`limits` → `cpu`/`memory` → quantity.
    public var resources: [(String, [(String, String)])]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.image == rhs.image && lhs.replicas == rhs.replicas && lhs.port == rhs.port
            && lhs.publicBaseURL == rhs.publicBaseURL && lhs.args == rhs.args
            && lhs.env.map { [$0.name, $0.value] } == rhs.env.map { [$0.name, $0.value] }
            && lhs.secretEnv.map { [$0.name, $0.secret, $0.key] } == rhs.secretEnv.map { [$0.name, $0.secret, $0.key] }
            && lhs.resources.map { "\($0.0)=\($0.1.map { "\($0.0):\($0.1)" })" }
                == rhs.resources.map { "\($0.0)=\($0.1.map { "\($0.0):\($0.1)" })" }
    }
}

/// The Kafka a deployment uses.
public enum KafkaCluster: Sendable, Equatable {
    /// Kafka generated with the deployment.
    case bundled(BundledKafka)
    /// An existing cluster.
    case external(bootstrapServers: [String])
}

/// Kafka generated with the deployment.
public struct BundledKafka: Sendable, Equatable {
    /// KRaft (apache/kafka) or ZooKeeper (the cp-kafka 7.4 layout Kafka-mode Hypha was written against).
    public enum Flavor: String, Sendable, CaseIterable { case kraft, zookeeper }

    public var flavor: Flavor
    public var image: String
    /// 1, 3 or 5.
    public var brokers: Int
    /// Kubernetes volume size per broker.
    public var storage: String
    /// `num.partitions`.
    public var partitions: Int
    /// `default.replication.factor`.
    public var replicationFactor: Int
    /// `min.insync.replicas`.
    public var minInsyncReplicas: Int
    /// `compression.type`.
    public var compression: String

    /// The ZooKeeper image that goes with a cp-kafka image (same Confluent version).
    public var zookeeperImage: String {
        let tag = image.split(separator: ":").last.map(String.init) ?? "7.4.0"
        return "confluentinc/cp-zookeeper:\(tag)"
    }
}

/// Reserved by the generator: these are set per replica.
enum ReservedSettings {
    static let args = ["--host", "--port", "--kafka-uri", "--server-id"]
    static let env = ["HYPHA_HOST", "HYPHA_PORT", "HYPHA_KAFKA_URI", "HYPHA_SERVER_ID"]
}
