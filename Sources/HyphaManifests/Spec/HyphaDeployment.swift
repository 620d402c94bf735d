// SPDX-License-Identifier: Apache-2.0
/// A whole Hypha-on-Kafka deployment, as `hypha.yaml` describes it (docs/deploy.md).
package struct HyphaDeployment: Sendable, Equatable {
    /// DNS-1123 label; prefixes every generated object.
    package var name: String
    /// Kubernetes namespace; nil: the objects carry none.
    package var namespace: String?
    /// The Hypha servers.
    package var hypha: HyphaServers
    /// The Kafka they share.
    package var kafka: KafkaCluster
}

/// The Hypha servers of a deployment.
package struct HyphaServers: Sendable, Equatable {
    /// Image with a tag (never `latest`).
    package var image: String
    /// How many servers (each its own server id and consumer group).
    package var replicas: Int
    /// The HTTP port.
    package var port: Int
    /// `--public-base-url`, if set.
    var publicBaseURL: String?
    /// Further `python -m hypha.server` arguments.
    package var args: [String]
    /// Plain environment variables, in file order.
    package var env: [(name: String, value: String)]
    /// Environment variables from secrets, in file order.
    package var secretEnv: [(name: String, secret: String, key: String)]
    /// Kubernetes resources: `requests`/`limits` → `cpu`/`memory` → quantity.
    var resources: [(String, [(String, String)])]

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.image == rhs.image && lhs.replicas == rhs.replicas && lhs.port == rhs.port
            && lhs.publicBaseURL == rhs.publicBaseURL && lhs.args == rhs.args
            && lhs.env.map { [$0.name, $0.value] } == rhs.env.map { [$0.name, $0.value] }
            && lhs.secretEnv.map { [$0.name, $0.secret, $0.key] } == rhs.secretEnv.map { [$0.name, $0.secret, $0.key] }
            && lhs.resources.map { "\($0.0)=\($0.1.map { "\($0.0):\($0.1)" })" }
                == rhs.resources.map { "\($0.0)=\($0.1.map { "\($0.0):\($0.1)" })" }
    }
}

/// The Kafka a deployment uses.
package enum KafkaCluster: Sendable, Equatable {
    /// Kafka generated with the deployment.
    case bundled(BundledKafka)
    /// An existing cluster.
    case external(bootstrapServers: [String])
}

/// Kafka generated with the deployment.
package struct BundledKafka: Sendable, Equatable {
    /// KRaft (apache/kafka) or ZooKeeper (the cp-kafka 7.4 layout Kafka-mode Hypha was written against).
    package enum Flavor: String, Sendable, CaseIterable { case kraft, zookeeper }

    package var flavor: Flavor
    package var image: String
    /// 1, 3 or 5.
    package var brokers: Int
    /// Kubernetes volume size per broker.
    var storage: String
    /// `num.partitions`.
    package var partitions: Int
    /// `default.replication.factor`.
    package var replicationFactor: Int
    /// `min.insync.replicas`.
    package var minInsyncReplicas: Int
    /// `compression.type`.
    package var compression: String
    /// The ZooKeeper image (flavour zookeeper only): `kafka.zookeeperImage`, or the
    /// Kafka image's own registry, path and tag with `cp-zookeeper` for `cp-kafka`.
    package var zookeeperImage: String?
    /// The StorageClass of every claim; nil: the cluster's default.
    package var storageClassName: String?
}

/// Reserved by the generator: these are set per replica.
enum ReservedSettings {
    static let args = ["--host", "--port", "--kafka-uri", "--server-id"]
    static let env = ["HYPHA_HOST", "HYPHA_PORT", "HYPHA_KAFKA_URI", "HYPHA_SERVER_ID"]
}

/// The options of `python -m hypha.server` on the Kafka branch (amun-ai/hypha pull
/// request 767), as its argument parser declares them.
///
/// The server reads `HYPHA_<OPTION>` only under `--from-env`, which then replaces
/// every flag; without it an option set as an environment variable is silently
/// ignored. So a `HYPHA_*` variable that names an option is passed as its flag too.
enum HyphaServerOptions {
    /// Options that take one value: `HYPHA_DATABASE_URI` becomes `--database-uri=…`.
    static let valued: Set<String> = [
        "--allow-origins", "--base-path", "--public-base-url", "--triton-servers", "--s3-admin-type",
        "--endpoint-url", "--endpoint-url-public", "--region-name", "--access-key-id", "--secret-access-key",
        "--ollama-host", "--openai-base-url", "--openai-api-key", "--database-uri", "--migrate-database",
        "--workspace-bucket", "--executable-path", "--cache-dir", "--minio-workdir", "--minio-port",
        "--minio-root-user", "--minio-root-password", "--minio-version", "--mc-version",
    ]
    /// Switches and lists: no single value to pass, they belong in `hypha.args`.
    static let switchesAndLists: Set<String> = [
        "--reset-redis", "--enable-server-apps", "--enable-s3", "--in-docker", "--enable-s3-proxy",
        "--enable-service-search", "--enable-a2a", "--interactive", "--enable-server", "--start-minio-server",
        "--minio-file-system-mode", "--static-mounts", "--startup-functions",
    ]

    /// `HYPHA_DATABASE_URI` → `--database-uri`; nil for a name that is no `HYPHA_*` variable.
    static func flag(forEnvironmentName name: String) -> String? {
        guard name.hasPrefix("HYPHA_"), name.count > 6 else { return nil }
        return "--" + name.dropFirst(6).lowercased().replacingOccurrences(of: "_", with: "-")
    }
}
