// SPDX-License-Identifier: Apache-2.0
import HyphaYAML

/// Kubernetes objects for a deployment, one YAML document each: the Namespace (when
/// the file names one), Kafka (bundled: a StatefulSet with its node id from the pod
/// ordinal, a headless and a client Service, a PodDisruptionBudget), then the Hypha
/// StatefulSet, its Services and PDB.
package enum KubernetesManifest {
    /// Every object, as a multi-document YAML file.
    package static func render(_ deployment: HyphaDeployment) -> String {
        HyphaProbe.kubernetesComment + FirstApply.kubernetesSteps(deployment)
            + YAMLWriter.documents(objects(deployment))
    }

    static func objects(_ deployment: HyphaDeployment) -> [YAMLValue] {
        let objects = ObjectFactory(deployment)
        // First: `kubectl apply` creates nothing in a namespace that does not exist yet.
        var documents: [YAMLValue] = deployment.namespace.map { [objects.namespace($0)] } ?? []
        let bootstrap: String
        switch deployment.kafka {
        case .external(let servers):
            bootstrap = servers.joined(separator: ",")
        case .bundled(let kafka):
            if kafka.flavor == .zookeeper { documents += ZooKeeperObjects(objects, kafka).documents }
            let brokers = KafkaObjects(objects, kafka)
            documents += brokers.documents
            bootstrap = brokers.bootstrap
        }
        documents += HyphaObjects(objects, deployment.hypha, bootstrap: bootstrap).documents
        return documents
    }
}

/// Metadata, labels and the pieces every object shares.
struct ObjectFactory {
    let names: Names
    let namespace: String?

    init(_ deployment: HyphaDeployment) {
        names = Names(deployment)
        namespace = deployment.namespace
    }

    /// `app.kubernetes.io/*` on every object.
    func labels(_ app: String, component: String) -> YAMLValue {
        .mapping([
            ("app.kubernetes.io/name", .string(app)),
            ("app.kubernetes.io/instance", .string(names.deployment)),
            ("app.kubernetes.io/component", .string(component)),
            ("app.kubernetes.io/part-of", "hypha"),
            ("app.kubernetes.io/managed-by", "hyphactl"),
        ])
    }

    /// Selectors use `name` and `instance` only: labels that never change.
    func selector(_ app: String) -> YAMLValue {
        .mapping([("app.kubernetes.io/name", .string(app)), ("app.kubernetes.io/instance", .string(names.deployment))])
    }

    func metadata(_ name: String, app: String, component: String) -> YAMLValue {
        var fields: [(String, YAMLValue)] = [("name", .string(name))]
        if let namespace { fields.append(("namespace", .string(namespace))) }
        fields.append(("labels", labels(app, component: component)))
        return .mapping(fields)
    }

    func object(_ apiVersion: String, _ kind: String, _ name: String, app: String, component: String, spec: YAMLValue)
        -> YAMLValue
    {
        .mapping([
            ("apiVersion", .string(apiVersion)), ("kind", .string(kind)),
            ("metadata", metadata(name, app: app, component: component)), ("spec", spec),
        ])
    }

    /// The Namespace itself: cluster-scoped, so no `metadata.namespace`.
    func namespace(_ name: String) -> YAMLValue {
        .mapping([
            ("apiVersion", "v1"), ("kind", "Namespace"),
            (
                "metadata",
                .mapping([
                    ("name", .string(name)),
                    (
                        "labels",
                        .mapping([
                            ("app.kubernetes.io/instance", .string(names.deployment)),
                            ("app.kubernetes.io/part-of", "hypha"),
                            ("app.kubernetes.io/managed-by", "hyphactl"),
                        ])
                    ),
                ])
            ),
        ])
    }

    func disruptionBudget(_ name: String, app: String, component: String, maxUnavailable: Int) -> YAMLValue {
        object(
            "policy/v1", "PodDisruptionBudget", name, app: app, component: component,
            spec: .mapping([
                ("maxUnavailable", .int(maxUnavailable)),
                ("selector", .mapping([("matchLabels", selector(app))])),
            ]))
    }

    func headlessService(_ name: String, app: String, component: String, ports: [(String, Int)]) -> YAMLValue {
        object(
            "v1", "Service", name, app: app, component: component,
            spec: .mapping([
                ("clusterIP", "None"),
                // Brokers must find each other before they are ready.
                ("publishNotReadyAddresses", true),
                ("selector", selector(app)),
                ("ports", .sequence(ports.map(Self.port))),
            ]))
    }

    /// `sessionAffinity` keeps each client IP on one pod (for servers that keep sessions to themselves).
    func clientService(
        _ name: String, app: String, component: String, ports: [(String, Int)], sessionAffinity: Bool = false
    ) -> YAMLValue {
        var spec: [(String, YAMLValue)] = [
            ("type", "ClusterIP"),
            ("selector", selector(app)),
            ("ports", .sequence(ports.map(Self.port))),
        ]
        if sessionAffinity { spec.insert(("sessionAffinity", "ClientIP"), at: 1) }
        return object("v1", "Service", name, app: app, component: component, spec: .mapping(spec))
    }

    private static func port(_ port: (String, Int)) -> YAMLValue {
        .mapping([
            ("name", .string(port.0)), ("port", .int(port.1)), ("targetPort", .string(port.0)), ("protocol", "TCP"),
        ])
    }

    /// Pod security for a numeric non-root user. Volumes change owner only when their
    /// root does not match: no recursive chown of a whole broker volume at every start.
    static func podSecurity(user: Int) -> YAMLValue {
        .mapping([
            ("runAsNonRoot", true), ("runAsUser", .int(user)), ("runAsGroup", .int(user)), ("fsGroup", .int(user)),
            ("fsGroupChangePolicy", "OnRootMismatch"),
            ("seccompProfile", .mapping([("type", "RuntimeDefault")])),
        ])
    }

    static let containerSecurity: YAMLValue = .mapping([
        ("allowPrivilegeEscalation", false),
        ("capabilities", .mapping([("drop", .sequence(["ALL"]))])),
    ])

    static func fieldEnv(_ name: String, _ path: String) -> YAMLValue {
        .mapping([
            ("name", .string(name)), ("valueFrom", .mapping([("fieldRef", .mapping([("fieldPath", .string(path))]))])),
        ])
    }

    static func env(_ name: String, _ value: String) -> YAMLValue {
        .mapping([("name", .string(name)), ("value", .string(value))])
    }

    static func containerPorts(_ ports: [(String, Int)]) -> YAMLValue {
        .sequence(
            ports.map { .mapping([("name", .string($0.0)), ("containerPort", .int($0.1)), ("protocol", "TCP")]) })
    }

    static func tcpProbe(_ port: String, initialDelay: Int, period: Int, failures: Int) -> YAMLValue {
        .mapping([
            ("tcpSocket", .mapping([("port", .string(port))])),
            ("initialDelaySeconds", .int(initialDelay)), ("periodSeconds", .int(period)),
            ("failureThreshold", .int(failures)),
        ])
    }

    static func claim(_ name: String, _ storage: String, storageClassName: String?) -> YAMLValue {
        var spec: [(String, YAMLValue)] = [
            ("accessModes", .sequence(["ReadWriteOnce"])),
            ("resources", .mapping([("requests", .mapping([("storage", .string(storage))]))])),
        ]
        if let storageClassName { spec.append(("storageClassName", .string(storageClassName))) }
        return .mapping([("metadata", .mapping([("name", .string(name))])), ("spec", .mapping(spec))])
    }
}

/// The KRaft or ZooKeeper-mode brokers.
private struct KafkaObjects {
    var documents: [YAMLValue] = []
    let bootstrap: String

    init(_ objects: ObjectFactory, _ kafka: BundledKafka) {
        let names = objects.names
        let ports = [("kafka", 9092)] + (kafka.flavor == .kraft ? [("controller", 9093)] : [])
        bootstrap = "\(names.kafkaBase):9092"
        // <pod>.<headless service>.<namespace>, as cp-helm-charts advertises: it resolves
        // through the pods' DNS search path whatever the cluster's domain.
        let advertised = "PLAINTEXT://${HOSTNAME}.\(names.kafkaHeadless).${POD_NAMESPACE}:9092"
        var environment: [YAMLValue] = [ObjectFactory.fieldEnv("POD_NAMESPACE", "metadata.namespace")]
        let start: String
        switch kafka.flavor {
        case .kraft:
            let voters = (0..<kafka.brokers)
                .map { "\($0)@\(names.kafkaBase)-\($0).\(names.kafkaHeadless):9093" }.joined(separator: ",")
            environment += [
                ObjectFactory.env("CLUSTER_ID", names.clusterID),
                ObjectFactory.env("KAFKA_PROCESS_ROLES", "broker,controller"),
                ObjectFactory.env("KAFKA_CONTROLLER_QUORUM_VOTERS", voters),
                ObjectFactory.env("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093"),
                ObjectFactory.env("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                ObjectFactory.env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                ObjectFactory.env("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
                ObjectFactory.env("KAFKA_LOG_DIRS", "/var/lib/kafka/data/logs"),
            ]
            // The node id is the pod's ordinal: demo-kafka-2 is node 2.
            start =
                "export KAFKA_NODE_ID=\"${HOSTNAME##*-}\" KAFKA_ADVERTISED_LISTENERS=\"\(advertised)\"; exec /etc/kafka/docker/run"
        case .zookeeper:
            environment += [
                ObjectFactory.env("KAFKA_ZOOKEEPER_CONNECT", "\(names.zookeeper):2181"),
                ObjectFactory.env("KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:9092"),
                ObjectFactory.env("KAFKA_LOG_DIRS", "/var/lib/kafka/data/logs"),
            ]
            start =
                "export KAFKA_BROKER_ID=\"${HOSTNAME##*-}\" KAFKA_ADVERTISED_LISTENERS=\"\(advertised)\"; exec /etc/confluent/docker/run"
        }
        environment += BrokerSettings(kafka).environment.map { name, value in
            .mapping([("name", .string(name)), ("value", value)])
        }
        let container: YAMLValue = .mapping([
            ("name", "kafka"),
            ("image", .string(kafka.image)),
            ("command", .sequence(["sh", "-c", .string(start)])),
            ("env", .sequence(environment)),
            ("ports", ObjectFactory.containerPorts(ports)),
            // A broker's start can take minutes (recovering its logs after an unclean stop,
            // catching up with the quorum): the startup probe gives it 10 minutes before
            // the liveness probe may restart it.
            ("startupProbe", ObjectFactory.tcpProbe("kafka", initialDelay: 10, period: 10, failures: 60)),
            ("readinessProbe", ObjectFactory.tcpProbe("kafka", initialDelay: 0, period: 10, failures: 6)),
            ("livenessProbe", ObjectFactory.tcpProbe("kafka", initialDelay: 0, period: 20, failures: 6)),
            (
                "resources",
                .mapping([
                    ("requests", .mapping([("cpu", "250m"), ("memory", "1Gi")])),
                    ("limits", .mapping([("memory", "2Gi")])),
                ])
            ),
            ("securityContext", ObjectFactory.containerSecurity),
            ("volumeMounts", .sequence([.mapping([("name", "data"), ("mountPath", "/var/lib/kafka/data")])])),
        ])
        documents = [
            objects.headlessService(names.kafkaHeadless, app: "kafka", component: "broker", ports: ports),
            objects.clientService(names.kafkaBase, app: "kafka", component: "broker", ports: [("kafka", 9092)]),
            objects.object(
                "apps/v1", "StatefulSet", names.kafkaBase, app: "kafka", component: "broker",
                spec: .mapping([
                    ("serviceName", .string(names.kafkaHeadless)),
                    ("replicas", .int(kafka.brokers)),
                    // A KRaft quorum needs its voters up together.
                    ("podManagementPolicy", "Parallel"),
                    ("selector", .mapping([("matchLabels", objects.selector("kafka"))])),
                    (
                        "template",
                        .mapping([
                            ("metadata", .mapping([("labels", objects.labels("kafka", component: "broker"))])),
                            (
                                "spec",
                                .mapping([
                                    // A Service named kafka would put KAFKA_PORT=tcp://… into the
                                    // environment: cp-kafka exits on it, apache/kafka makes every
                                    // KAFKA_* variable a broker property.
                                    ("enableServiceLinks", false),
                                    ("securityContext", ObjectFactory.podSecurity(user: 1000)),
                                    ("terminationGracePeriodSeconds", 60),
                                    ("containers", .sequence([container])),
                                ])
                            ),
                        ])
                    ),
                    (
                        "volumeClaimTemplates",
                        .sequence([ObjectFactory.claim("data", kafka.storage, storageClassName: kafka.storageClassName)]
                        )
                    ),
                ])),
            objects.disruptionBudget(names.kafkaBase, app: "kafka", component: "broker", maxUnavailable: 1),
        ]
    }
}

/// ZooKeeper for the cp-kafka 7.4 layout.
private struct ZooKeeperObjects {
    let documents: [YAMLValue]

    init(_ objects: ObjectFactory, _ kafka: BundledKafka) {
        let names = objects.names
        let count = kafka.brokers == 1 ? 1 : 3
        let ports = [("client", 2181), ("peer", 2888), ("election", 3888)]
        let servers = (0..<count)
            .map { "\(names.zookeeper)-\($0).\(names.zookeeperHeadless):2888:3888" }.joined(separator: ";")
        // Server id: the ordinal plus one. Each server's own entry listens on 0.0.0.0:
        // its name has no DNS record until it is ready, and ZooKeeper exits on an
        // address it cannot resolve (cp-helm-charts rewrites it the same way).
        let start = """
            export ZOOKEEPER_SERVER_ID=$(( ${HOSTNAME##*-} + 1 )) \
            ZOOKEEPER_SERVERS="$(echo "$ZOOKEEPER_SERVERS" | sed "s/${HOSTNAME}\\.[^:]*:/0.0.0.0:/")"; \
            exec /etc/confluent/docker/run
            """
        let container: YAMLValue = .mapping([
            ("name", "zookeeper"),
            ("image", .string(kafka.zookeeperImage ?? "")),
            ("command", .sequence(["sh", "-c", .string(start)])),
            (
                "env",
                .sequence([
                    ObjectFactory.env("ZOOKEEPER_CLIENT_PORT", "2181"),
                    ObjectFactory.env("ZOOKEEPER_TICK_TIME", "2000"),
                    ObjectFactory.env("ZOOKEEPER_INIT_LIMIT", "10"),
                    ObjectFactory.env("ZOOKEEPER_SYNC_LIMIT", "5"),
                    ObjectFactory.env("ZOOKEEPER_SERVERS", servers),
                ])
            ),
            ("ports", ObjectFactory.containerPorts(ports)),
            ("readinessProbe", ObjectFactory.tcpProbe("client", initialDelay: 5, period: 10, failures: 6)),
            ("livenessProbe", ObjectFactory.tcpProbe("client", initialDelay: 30, period: 20, failures: 6)),
            ("securityContext", ObjectFactory.containerSecurity),
            // The image's two volumes, each on its own claim (as cp-helm-charts does): a
            // claim on /var/lib/zookeeper would sit under two throwaway image volumes.
            (
                "volumeMounts",
                .sequence([
                    .mapping([("name", "data"), ("mountPath", "/var/lib/zookeeper/data")]),
                    .mapping([("name", "log"), ("mountPath", "/var/lib/zookeeper/log")]),
                ])
            ),
        ])
        documents = [
            objects.headlessService(names.zookeeperHeadless, app: "zookeeper", component: "coordinator", ports: ports),
            objects.clientService(
                names.zookeeper, app: "zookeeper", component: "coordinator", ports: [("client", 2181)]),
            objects.object(
                "apps/v1", "StatefulSet", names.zookeeper, app: "zookeeper", component: "coordinator",
                spec: .mapping([
                    ("serviceName", .string(names.zookeeperHeadless)),
                    ("replicas", .int(count)),
                    ("podManagementPolicy", "Parallel"),
                    ("selector", .mapping([("matchLabels", objects.selector("zookeeper"))])),
                    (
                        "template",
                        .mapping([
                            ("metadata", .mapping([("labels", objects.labels("zookeeper", component: "coordinator"))])),
                            (
                                "spec",
                                .mapping([
                                    // No ZOOKEEPER_* variables from Services named zookeeper.
                                    ("enableServiceLinks", false),
                                    ("securityContext", ObjectFactory.podSecurity(user: 1000)),
                                    ("containers", .sequence([container])),
                                ])
                            ),
                        ])
                    ),
                    (
                        "volumeClaimTemplates",
                        .sequence([
                            ObjectFactory.claim("data", "1Gi", storageClassName: kafka.storageClassName),
                            ObjectFactory.claim("log", "1Gi", storageClassName: kafka.storageClassName),
                        ])
                    ),
                ])),
            objects.disruptionBudget(names.zookeeper, app: "zookeeper", component: "coordinator", maxUnavailable: 1),
        ]
    }
}

/// The Hypha servers: a StatefulSet whose pods take their server id from their name.
///
/// A StatefulSet, not a Deployment: its pods keep their names (`demo-hypha-0`…) across
/// restarts and rollouts, so each server keeps its id, its `health_check_<id>` topic
/// and its `hypha_server_<id>` group, where a Deployment's random pod names would
/// leave a new topic and group behind at every restart.
private struct HyphaObjects {
    let documents: [YAMLValue]

    init(_ objects: ObjectFactory, _ hypha: HyphaServers, bootstrap: String) {
        let names = objects.names
        var environment: [YAMLValue] = [ObjectFactory.fieldEnv("HYPHA_SERVER_ID", "metadata.name")]
        environment += hypha.env.map { ObjectFactory.env($0.name, $0.value) }
        environment += hypha.secretEnv.map { entry in
            .mapping([
                ("name", .string(entry.name)),
                (
                    "valueFrom",
                    .mapping([
                        ("secretKeyRef", .mapping([("name", .string(entry.secret)), ("key", .string(entry.key))]))
                    ])
                ),
            ])
        }
        // The server ignores HYPHA_* options without --from-env: each becomes its flag,
        // $(NAME) expanded by Kubernetes from the container's env (secrets too).
        // /data (an emptyDir, writable through fsGroup) is the cache directory, unless
        // the file names another: then no volume is mounted that nothing would use.
        let ownCache = HyphaCommand.sets("--cache-dir", hypha)
        let command = HyphaCommand.arguments(hypha, bootstrap: bootstrap, extra: ownCache ? [] : ["--cache-dir=/data"])
        {
            name, _ in "$(\(name))"
        }
        var container: [(String, YAMLValue)] = [
            ("name", "hypha"),
            ("image", .string(hypha.image)),
            ("command", .sequence(command.map(YAMLValue.string))),
            ("env", .sequence(environment)),
            ("ports", ObjectFactory.containerPorts([("http", hypha.port)])),
            // Not /health/*: see HyphaProbe (and the comment atop the file).
            ("startupProbe", Self.httpProbe(HyphaProbe.path(hypha), period: 5, failures: 60)),
            ("readinessProbe", Self.httpProbe(HyphaProbe.path(hypha), period: 10, failures: 3)),
            ("livenessProbe", Self.httpProbe(HyphaProbe.path(hypha), period: 20, failures: 3)),
            // Let Services stop sending traffic before the server shuts down.
            (
                "lifecycle",
                .mapping([("preStop", .mapping([("exec", .mapping([("command", .sequence(["sleep", "10"]))]))]))])
            ),
            ("securityContext", ObjectFactory.containerSecurity),
        ]
        if !ownCache {
            container.append(("volumeMounts", .sequence([.mapping([("name", "data"), ("mountPath", "/data")])])))
        }
        if !hypha.resources.isEmpty {
            container.insert(
                (
                    "resources",
                    .mapping(
                        hypha.resources.map { kind, amounts in
                            (kind, .mapping(amounts.map { ($0.0, .string($0.1)) }))
                        })
                ), at: 8)
        }
        var pod: [(String, YAMLValue)] = [
            // A Service named hypha would set HYPHA_PORT=tcp://…, and the
            // server refuses to start when HYPHA_PORT differs from --port.
            ("enableServiceLinks", false),
            // The image's user hypha is not numeric: say 8877 so runAsNonRoot can be checked.
            ("securityContext", ObjectFactory.podSecurity(user: 8877)),
            ("terminationGracePeriodSeconds", 40),
            // aiokafka gives up when no broker answers at start-up, and a crash loop's
            // backoff then delays the first rollout long after Kafka is up.
            ("initContainers", .sequence([Self.waitForKafka(hypha.image, bootstrap: bootstrap)])),
            ("containers", .sequence([.mapping(container)])),
        ]
        if !ownCache {
            pod.append(("volumes", .sequence([.mapping([("name", "data"), ("emptyDir", .mapping([]))])])))
        }
        documents = [
            objects.headlessService(
                names.hyphaHeadless, app: "hypha", component: "server", ports: [("http", hypha.port)]),
            objects.object(
                "apps/v1", "StatefulSet", names.hyphaBase, app: "hypha", component: "server",
                spec: .mapping([
                    ("serviceName", .string(names.hyphaHeadless)),
                    ("replicas", .int(hypha.replicas)),
                    // Servers do not wait for each other; a rollout replaces one pod at a time.
                    ("podManagementPolicy", "Parallel"),
                    ("revisionHistoryLimit", 5),
                    ("updateStrategy", .mapping([("type", "RollingUpdate")])),
                    ("selector", .mapping([("matchLabels", objects.selector("hypha"))])),
                    (
                        "template",
                        .mapping([
                            ("metadata", .mapping([("labels", objects.labels("hypha", component: "server"))])),
                            ("spec", .mapping(pod)),
                        ])
                    ),
                ])),
            // Each server keeps its sessions and registry to itself (no Redis): a client's
            // calls and reconnects must reach the server it first connected to.
            objects.clientService(
                names.hyphaBase, app: "hypha", component: "server", ports: [("http", hypha.port)], sessionAffinity: true
            ),
            objects.disruptionBudget(names.hyphaBase, app: "hypha", component: "server", maxUnavailable: 1),
        ]
    }

    /// Waits until one of the bootstrap servers accepts a connection, with the
    /// server's own image (Python, nothing more to pull).
    private static func waitForKafka(_ image: String, bootstrap: String) -> YAMLValue {
        .mapping([
            ("name", "wait-for-kafka"),
            ("image", .string(image)),
            ("command", .sequence(["python", "-c", .string(KafkaWait.script), .string(bootstrap)])),
            ("securityContext", ObjectFactory.containerSecurity),
        ])
    }

    private static func httpProbe(_ path: String, period: Int, failures: Int) -> YAMLValue {
        .mapping([
            ("httpGet", .mapping([("path", .string(path)), ("port", "http")])),
            ("periodSeconds", .int(period)), ("timeoutSeconds", 5), ("failureThreshold", .int(failures)),
        ])
    }
}
