// SPDX-License-Identifier: Apache-2.0
import HyphaYAML

/// A Docker Compose file for a deployment: Kafka (bundled) with an internal
/// listener for Hypha and a host listener bound to 127.0.0.1, then one service
/// per Hypha replica with its own server id.
package enum ComposeManifest {
    /// The Compose file.
    package static func render(_ deployment: HyphaDeployment) -> String {
        HyphaProbe.composeComment + FirstApply.composeSteps(deployment) + YAMLWriter.document(document(deployment))
    }

    static func document(_ deployment: HyphaDeployment) -> YAMLValue {
        let names = Names(deployment)
        var services: [(String, YAMLValue)] = []
        var volumes: [(String, YAMLValue)] = []
        var kafkaServices: [String] = []
        let bootstrap: String
        switch deployment.kafka {
        case .external(let servers):
            bootstrap = servers.joined(separator: ",")
        case .bundled(let kafka):
            let brokers = BundledCompose(deployment: deployment, kafka: kafka, names: names)
            services += brokers.services
            volumes += brokers.volumes
            kafkaServices = brokers.brokerServices
            bootstrap = brokers.internalBootstrap
        }
        // No volume for Hypha: a named volume on a path the image lacks is root's
        // (0755), which the image's user 8877 cannot write; what Hypha must keep goes
        // to the database of --database-uri (HYPHA_DATABASE_URI in hypha.env).
        for replica in 1...deployment.hypha.replicas {
            let service = names.hypha(replica)
            services.append(
                (
                    service,
                    hyphaService(
                        deployment, service: service, replica: replica, bootstrap: bootstrap,
                        dependsOn: kafkaServices)
                ))
        }
        var document: [(String, YAMLValue)] = [("services", .mapping(services))]
        if !volumes.isEmpty { document.append(("volumes", .mapping(volumes))) }
        return .mapping(document)
    }

    private static func hyphaService(
        _ deployment: HyphaDeployment, service: String, replica: Int, bootstrap: String, dependsOn: [String]
    ) -> YAMLValue {
        let hypha = deployment.hypha
        var environment: [(String, YAMLValue)] = [("HYPHA_SERVER_ID", .string(service))]
        environment += hypha.env.map { ($0.name, .string(literal($0.value))) }
        // A plain value goes into its flag as it is; a secret is not in this file at all.
        let command = HyphaCommand.arguments(hypha, bootstrap: bootstrap) { _, value in value.map(literal) }
        var fields: [(String, YAMLValue)] = [
            ("image", .string(hypha.image)),
            ("command", .sequence(secretCommand(hypha, command).map(YAMLValue.string))),
            ("environment", .mapping(environment)),
            ("ports", .sequence([.string("127.0.0.1:\(hypha.port + replica - 1):\(hypha.port)")])),
            (
                "healthcheck",
                .mapping([
                    (
                        "test",
                        .sequence([
                            "CMD", "python", "-c",
                            .string(
                                "import urllib.request; urllib.request.urlopen('http://127.0.0.1:\(hypha.port)\(HyphaProbe.path(hypha))', timeout=3)"
                            ),
                        ])
                    ),
                    ("interval", "10s"), ("timeout", "5s"), ("retries", 6), ("start_period", "30s"),
                ])
            ),
            ("restart", "unless-stopped"),
        ]
        let secrets = FirstApply.secrets(hypha)
        if !secrets.isEmpty {
            fields.insert(("env_file", .sequence(secrets.map { .string(FirstApply.envFile($0.secret)) })), at: 3)
        }
        if !dependsOn.isEmpty {
            fields.insert(
                ("depends_on", .mapping(dependsOn.map { ($0, .mapping([("condition", "service_healthy")])) })), at: 1)
        }
        return .mapping(fields)
    }

    /// Compose has no secret store: each secret comes from an env file (one per
    /// Secret), read at `up` only, so that `down` and `logs` need nothing exported.
    /// A shell checks that each is set, then passes those that are options as flags
    /// (`$` doubled: Compose must leave them to the shell).
    private static func secretCommand(_ hypha: HyphaServers, _ command: [String]) -> [String] {
        guard !hypha.secretEnv.isEmpty else { return command }
        let checks = hypha.secretEnv.map { entry in
            ": \"$${\(entry.name):?set \(entry.name) in \(FirstApply.envFile(entry.secret)) (the Secret \(entry.secret), key \(entry.key))}\""
        }
        let flags = HyphaCommand.optionVariables(hypha).filter { $0.value == nil }.map { "\($0.flag)=\"$$\($0.name)\"" }
        let script = (checks + ["exec \"$$@\"" + flags.map { " \($0)" }.joined()]).joined(separator: "; ")
        return ["sh", "-c", script, "hypha"] + command
    }

    /// A value as Compose must see it to pass it unchanged: `$` doubled, so it is not interpolated.
    private static func literal(_ value: String) -> String {
        value.replacingOccurrences(of: "$", with: "$$")
    }
}

/// The bundled brokers of a Compose file.
private struct BundledCompose {
    /// As long as Kubernetes gives a broker (60 s): time to hand over its partitions
    /// and close its logs cleanly, where Compose's 10 s default kills it mid-way.
    static let stopGracePeriod = "60s"

    var services: [(String, YAMLValue)] = []
    var volumes: [(String, YAMLValue)] = []
    var brokerServices: [String] = []
    var internalBootstrap = ""

    init(deployment: HyphaDeployment, kafka: BundledKafka, names: Names) {
        let settings = BrokerSettings(kafka)
        switch kafka.flavor {
        case .zookeeper:
            let zookeeper = names.zookeeper
            services.append(
                (
                    zookeeper,
                    .mapping([
                        ("image", .string(kafka.zookeeperImage ?? "")),
                        (
                            "environment",
                            .mapping([("ZOOKEEPER_CLIENT_PORT", "2181"), ("ZOOKEEPER_TICK_TIME", "2000")])
                        ),
                        // Both of the image's volumes named: an anonymous transaction log is
                        // lost by `docker compose down`, and the brokers then refuse the new
                        // cluster id (InconsistentClusterIdException).
                        (
                            "volumes",
                            .sequence([
                                .string("\(zookeeper)-data:/var/lib/zookeeper/data"),
                                .string("\(zookeeper)-log:/var/lib/zookeeper/log"),
                            ])
                        ),
                        (
                            "healthcheck",
                            .mapping([
                                ("test", .sequence(["CMD-SHELL", "cub zk-ready localhost:2181 5"])),
                                ("interval", "10s"), ("timeout", "5s"), ("retries", 6),
                            ])
                        ),
                        ("restart", "unless-stopped"),
                    ])
                ))
            volumes += [("\(zookeeper)-data", .mapping([])), ("\(zookeeper)-log", .mapping([]))]
            for broker in 1...kafka.brokers {
                let name = names.kafka(broker, of: kafka.brokers)
                let hostPort = 9092 + broker - 1
                var environment: [(String, YAMLValue)] = [
                    ("KAFKA_BROKER_ID", .string(String(broker))),
                    ("KAFKA_ZOOKEEPER_CONNECT", .string("\(zookeeper):2181")),
                    ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"),
                    ("KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:29092,PLAINTEXT_HOST://0.0.0.0:9092"),
                    (
                        "KAFKA_ADVERTISED_LISTENERS",
                        .string("PLAINTEXT://\(name):29092,PLAINTEXT_HOST://localhost:\(hostPort)")
                    ),
                    ("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
                ]
                environment += settings.environment
                services.append(
                    (
                        name,
                        .mapping([
                            ("image", .string(kafka.image)),
                            ("depends_on", .mapping([(zookeeper, .mapping([("condition", "service_healthy")]))])),
                            ("environment", .mapping(environment)),
                            ("ports", .sequence([.string("127.0.0.1:\(hostPort):9092")])),
                            ("volumes", .sequence([.string("\(name)-data:/var/lib/kafka/data")])),
                            ("stop_grace_period", .string(Self.stopGracePeriod)),
                            (
                                "healthcheck",
                                .mapping([
                                    ("test", .sequence(["CMD-SHELL", "cub kafka-ready -b localhost:29092 1 5"])),
                                    ("interval", "10s"), ("timeout", "10s"), ("retries", 12), ("start_period", "20s"),
                                ])
                            ),
                            ("restart", "unless-stopped"),
                        ])
                    ))
                volumes.append(("\(name)-data", .mapping([])))
                brokerServices.append(name)
            }
        case .kraft:
            let voters = (1...kafka.brokers).map { "\($0)@\(names.kafka($0, of: kafka.brokers)):29093" }.joined(
                separator: ",")
            for broker in 1...kafka.brokers {
                let name = names.kafka(broker, of: kafka.brokers)
                let hostPort = 9092 + broker - 1
                var environment: [(String, YAMLValue)] = [
                    ("CLUSTER_ID", .string(names.clusterID)),
                    ("KAFKA_NODE_ID", .string(String(broker))),
                    ("KAFKA_PROCESS_ROLES", "broker,controller"),
                    ("KAFKA_CONTROLLER_QUORUM_VOTERS", .string(voters)),
                    ("KAFKA_LISTENERS", "INTERNAL://0.0.0.0:29092,CONTROLLER://0.0.0.0:29093,HOST://0.0.0.0:9092"),
                    ("KAFKA_ADVERTISED_LISTENERS", .string("INTERNAL://\(name):29092,HOST://localhost:\(hostPort)")),
                    ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:PLAINTEXT"),
                    ("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL"),
                    ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                    ("KAFKA_LOG_DIRS", "/var/lib/kafka/data"),
                ]
                environment += settings.environment
                services.append(
                    (
                        name,
                        .mapping([
                            ("image", .string(kafka.image)),
                            ("environment", .mapping(environment)),
                            ("ports", .sequence([.string("127.0.0.1:\(hostPort):9092")])),
                            ("volumes", .sequence([.string("\(name)-data:/var/lib/kafka/data")])),
                            ("stop_grace_period", .string(Self.stopGracePeriod)),
                            (
                                "healthcheck",
                                .mapping([
                                    (
                                        "test",
                                        .sequence([
                                            "CMD-SHELL",
                                            "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:29092 > /dev/null 2>&1",
                                        ])
                                    ),
                                    ("interval", "10s"), ("timeout", "10s"), ("retries", 12), ("start_period", "20s"),
                                ])
                            ),
                            ("restart", "unless-stopped"),
                        ])
                    ))
                volumes.append(("\(name)-data", .mapping([])))
                brokerServices.append(name)
            }
        }
        internalBootstrap = brokerServices.map { "\($0):29092" }.joined(separator: ",")
    }
}
