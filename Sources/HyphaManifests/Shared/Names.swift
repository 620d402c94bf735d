// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import HyphaYAML

/// Names of generated objects: every one starts with the deployment's name.
struct Names {
    let deployment: String

    init(_ deployment: HyphaDeployment) { self.deployment = deployment.name }

    var hyphaBase: String { "\(deployment)-hypha" }
    var hyphaHeadless: String { "\(deployment)-hypha-headless" }
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
        return Base64.encodeURLSafeUnpadded(bytes)
    }
}

/// `python -m hypha.server …` for one server.
enum HyphaCommand {
    /// The command: our flags, `--public-base-url`, a flag for each `HYPHA_*` variable
    /// that names a server option (`reference` gives its value, nil to leave the flag
    /// out: the server ignores such variables without `--from-env`), the file's args,
    /// then `extra`.
    static func arguments(
        _ hypha: HyphaServers, bootstrap: String, extra: [String] = [],
        reference: (_ name: String, _ value: String?) -> String?
    ) -> [String] {
        var arguments = [
            "python", "-m", "hypha.server", "--host=0.0.0.0", "--port=\(hypha.port)", "--kafka-uri=\(bootstrap)",
        ]
        if let url = hypha.publicBaseURL { arguments.append("--public-base-url=\(url)") }
        arguments += optionVariables(hypha).compactMap { option in
            reference(option.name, option.value).map { "\(option.flag)=\($0)" }
        }
        return arguments + hypha.args + extra
    }

    /// The `HYPHA_*` variables of `env` (with their value) and `secretEnv` (value
    /// nil) that name an option taking one value, with that option's flag.
    static func optionVariables(_ hypha: HyphaServers) -> [(flag: String, name: String, value: String?)] {
        let plain: [(String, String?)] = hypha.env.map { ($0.name, $0.value) }
        let secret: [(String, String?)] = hypha.secretEnv.map { ($0.name, nil) }
        return (plain + secret).compactMap { name, value in
            guard let flag = HyphaServerOptions.flag(forEnvironmentName: name),
                HyphaServerOptions.valued.contains(flag)
            else { return nil }
            return (flag, name, value)
        }
    }

    /// Whether the file sets `flag` itself, in args or through a variable.
    static func sets(_ flag: String, _ hypha: HyphaServers) -> Bool {
        hypha.args.contains { $0 == flag || $0.hasPrefix("\(flag)=") }
            || optionVariables(hypha).contains { $0.flag == flag }
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

/// What tells that a Hypha server is up, for probes and healthchecks.
///
/// Not `/health/readiness` nor `/health/liveness`: on the Kafka branch (pull request
/// 767) both call `_check_pubsub_health()`, which its `KafkaEventBus` does not
/// define, so both always answer 503: pods would never be Ready (a rollout with
/// `maxUnavailable: 0` stalls) and the liveness probe would restart every server.
/// `/assets/config.json` answers 200 only once the server's start-up (its store,
/// its event bus) has finished, since uvicorn serves nothing before then.
enum HyphaProbe {
    static let path = "/assets/config.json"

    /// The path under the server's `--base-path` (from hypha.args or a plain
    /// `HYPHA_BASE_PATH`), as Hypha's `norm_url` joins them.
    static func path(_ hypha: HyphaServers) -> String {
        var base = hypha.env.last { $0.name == "HYPHA_BASE_PATH" }?.value ?? ""
        for (index, arg) in hypha.args.enumerated() {
            if arg.hasPrefix("--base-path=") {
                base = String(arg.dropFirst("--base-path=".count))
            } else if arg == "--base-path", index + 1 < hypha.args.count {
                base = hypha.args[index + 1]
            }
        }
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// The same reason, as a comment at the top of a generated file.
    static let reason = """
        # Hypha is probed on \(path), not /health/*: on the Kafka branch (amun-ai/hypha
        # pull request 767) /health/readiness and /health/liveness call _check_pubsub_health(),
        # which its KafkaEventBus does not define, so both always answer 503. \(path)
        # answers once the server has started (uvicorn serves nothing before its start-up ends).

        """
    static let composeComment = "# Generated by hyphactl generate compose.\n" + reason
    static let kubernetesComment = "# Generated by hyphactl generate k8s.\n" + reason
}
