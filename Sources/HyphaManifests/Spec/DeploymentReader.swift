// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaYAML

/// Reads `hypha.yaml` into a `HyphaDeployment`, reporting every problem at once.
package enum DeploymentReader {
    /// Problems that do not stop generation, e.g. several replicas without Redis.
    package struct Warning: Sendable, Equatable, CustomStringConvertible {
        /// One line.
        package let description: String
    }

    /// The deployment in `text`, and its warnings; `SpecError` with every problem otherwise.
    package static func read(_ text: String, file: String) throws(SpecError) -> (HyphaDeployment, [Warning]) {
        let root: YAMLNode?
        do {
            root = try YAMLReader.read(text)
        } catch {
            throw SpecError(
                file: file, problems: [SpecProblem(path: "", message: error.message, position: error.position)])
        }
        guard let root, !root.isNull else {
            throw SpecError(
                file: file,
                problems: [
                    SpecProblem(
                        path: "", message: "the file is empty (start from examples/ or docs/deploy.md)", position: nil)
                ])
        }
        var problems = ProblemList()
        let deployment = deployment(root, problems: &problems)
        guard problems.items.isEmpty, let deployment else {
            throw SpecError(file: file, problems: problems.items)
        }
        return (deployment, warnings(deployment))
    }

    private static func deployment(_ root: YAMLNode, problems: inout ProblemList) -> HyphaDeployment? {
        guard let top = MappingFields(root, path: "", problems: &problems) else { return nil }
        top.rejectUnknown(["apiVersion", "kind", "name", "namespace", "hypha", "kafka"], problems: &problems)
        switch top.string("apiVersion", problems: &problems) {
        case "hyphactl/v1"?: break
        case nil: top.missing("apiVersion", "apiVersion: hyphactl/v1", problems: &problems)
        case let other?:
            problems.add("apiVersion", "expected hyphactl/v1, found \(other)", at: top["apiVersion"]?.position)
        }
        switch top.string("kind", problems: &problems) {
        case "HyphaDeployment"?: break
        case nil: top.missing("kind", "kind: HyphaDeployment", problems: &problems)
        case let other?: problems.add("kind", "expected HyphaDeployment, found \(other)", at: top["kind"]?.position)
        }
        let name = top.string("name", problems: &problems)
        if let name {
            checkLabel(name, path: "name", maxLength: 40, at: top["name"]?.position, problems: &problems)
        } else {
            top.missing("name", "a DNS-1123 label such as demo", problems: &problems)
        }
        let namespace = top.string("namespace", problems: &problems)
        if let namespace {
            checkLabel(namespace, path: "namespace", maxLength: 63, at: top["namespace"]?.position, problems: &problems)
        }

        var servers: HyphaServers?
        let hyphaFields = top.mapping("hypha", problems: &problems)
        if let hyphaFields {
            servers = HyphaReader.read(hyphaFields, problems: &problems)
        } else if top["hypha"] == nil {
            top.missing("hypha", "at least hypha.image", problems: &problems)
        }
        var kafka: KafkaCluster?
        if let fields = top.mapping("kafka", problems: &problems) {
            kafka = KafkaReader.read(fields, problems: &problems)
        } else if top["kafka"] == nil {
            top.missing("kafka", "kafka.mode: bundled or external", problems: &problems)
        }
        guard let name, let servers, let kafka else { return nil }
        if case .bundled(let bundled) = kafka {
            checkHostPorts(servers, bundled, at: hyphaFields?["port"]?.position, problems: &problems)
        }
        return HyphaDeployment(name: name, namespace: namespace, hypha: servers, kafka: kafka)
    }

    /// Compose publishes the brokers on host ports 9092 up (one each) and the Hypha
    /// servers on hypha.port up (one each): a port taken twice fails at `up` with
    /// "port is already allocated".
    private static func checkHostPorts(
        _ hypha: HyphaServers, _ kafka: BundledKafka, at position: YAMLPosition?, problems: inout ProblemList
    ) {
        guard hypha.replicas >= 1 else { return } // reported as hypha.replicas
        let servers = hypha.port...(hypha.port + hypha.replicas - 1)
        let brokers = 9092...(9091 + kafka.brokers)
        guard servers.overlaps(brokers) else { return }
        problems.add(
            "hypha.port",
            "Compose publishes the Hypha servers on host ports \(text(servers)) (hypha.port up, one per replica) and the brokers on \(text(brokers)) (9092 up, one per broker): choose a hypha.port whose range misses the brokers', e.g. 9527",
            at: position)
    }

    private static func text(_ ports: ClosedRange<Int>) -> String {
        ports.count == 1 ? "\(ports.lowerBound)" : "\(ports.lowerBound)-\(ports.upperBound)"
    }

    static func checkLabel(
        _ text: String, path: String, maxLength: Int, at position: YAMLPosition?, problems: inout ProblemList
    ) {
        let allowed = text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        guard allowed, let first = text.first, let last = text.last, first != "-", last != "-", text.count <= maxLength
        else {
            problems.add(
                path,
                "expected a DNS-1123 label (a-z, 0-9, '-', at most \(maxLength) characters, starting and ending with a letter or digit), found '\(text)'",
                at: position)
            return
        }
    }

    /// An image reference must pin a version: a tag other than `latest`, or a digest.
    static func checkImage(_ image: String, path: String, at position: YAMLPosition?, problems: inout ProblemList) {
        if image.contains("@sha256:") { return }
        let lastPart = image.split(separator: "/").last.map(String.init) ?? image
        guard let colon = lastPart.lastIndex(of: ":") else {
            problems.add(path, "the image needs a tag, e.g. \(image):<version>", at: position)
            return
        }
        if lastPart[lastPart.index(after: colon)...] == "latest" {
            problems.add(path, "'latest' is refused: pin a version so every replica runs the same image", at: position)
        }
    }

    /// Whether `image` is a released Hypha (`[ghcr.io/|docker.io/]amun-ai/hypha:<a.b.c>`).
    ///
    /// No release has `--kafka-uri`: Kafka support is only on the unmerged Kafka
    /// branch (pull request 767), so every plain version tag of that repository is
    /// one that cannot start a generated deployment. Images built from the branch
    /// carry a tag of their own choosing, and a digest cannot be told apart.
    package static func isReleasedHyphaImage(_ image: String) -> Bool {
        guard !image.contains("@"), let colon = image.lastIndex(of: ":"),
            !image[colon...].contains("/")
        else { return false }
        let repository = image[..<colon].lowercased()
        let tag = image[image.index(after: colon)...]
        let releases = ["amun-ai/hypha", "ghcr.io/amun-ai/hypha", "docker.io/amun-ai/hypha"]
        return releases.contains(repository)
            && tag.range(of: #"^v?[0-9]+\.[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil
    }

    private static func warnings(_ deployment: HyphaDeployment) -> [Warning] {
        var warnings: [Warning] = []
        if isReleasedHyphaImage(deployment.hypha.image) {
            warnings.append(
                Warning(
                    description: """
                        hypha.image \(deployment.hypha.image) is a released Hypha, and no release has --kafka-uri: \
                        every server will exit at start-up; build an image from the Kafka branch instead \
                        (README, "Hypha on Kafka: the state upstream")
                        """))
        }
        if deployment.hypha.replicas > 1 {
            warnings.append(
                Warning(
                    description: """
                        hypha.replicas is \(deployment.hypha.replicas): with --kafka-uri and no Redis each Hypha server keeps \
                        sessions and the service registry in its own process, so they are not shared between replicas; \
                        clients must stay with one server (the Kubernetes Service keeps each client IP on one pod: \
                        sessionAffinity ClientIP; an Ingress in front needs affinity of its own, e.g. a cookie), \
                        and HYPHA_DATABASE_URI should point at a shared database
                        """))
        }
        if case .external = deployment.kafka {
            warnings.append(
                Warning(
                    description: """
                        kafka.mode is external: Hypha creates its topics on first use (hypha_event_<event> and \
                        health_check_<server id>) through the broker's auto.create.topics.enable, which managed Kafka \
                        (MSK, Confluent Cloud) usually has off; turn it on and allow Hypha's user to create, read and \
                        write topics with those prefixes (README, "External Kafka")
                        """))
        }
        if !deployment.hypha.secretEnv.contains(where: { $0.name == "HYPHA_JWT_SECRET" }) {
            warnings.append(
                Warning(
                    description: """
                        hypha.secretEnv has no HYPHA_JWT_SECRET: each server will make up its own, and tokens issued by one \
                        will not be accepted by another
                        """))
        }
        return warnings
    }
}

/// `hypha:`.
private enum HyphaReader {
    static func read(_ fields: MappingFields, problems: inout ProblemList) -> HyphaServers? {
        fields.rejectUnknown(
            ["image", "replicas", "port", "publicBaseUrl", "args", "env", "secretEnv", "resources"], problems: &problems
        )
        let image = fields.string("image", problems: &problems)
        if let image {
            DeploymentReader.checkImage(image, path: "hypha.image", at: fields["image"]?.position, problems: &problems)
        } else {
            fields.missing(
                "image", "an image built from Hypha's Kafka branch, e.g. registry.example.org/hypha:kafka-pr767",
                problems: &problems)
        }
        let replicas = fields.int("replicas", problems: &problems) ?? 1
        if replicas < 1 || replicas > 50 {
            problems.add("hypha.replicas", "expected 1 to 50, found \(replicas)", at: fields["replicas"]?.position)
        }
        let port = fields.int("port", problems: &problems) ?? 9527
        if !(1...65535).contains(port) || port > 65536 - replicas {
            problems.add(
                "hypha.port",
                "expected a port from 1 to \(65536 - replicas) (Compose publishes one per replica, from hypha.port up), found \(port)",
                at: fields["port"]?.position)
        }
        let publicBaseURL = fields.string("publicBaseUrl", problems: &problems)
        if let url = publicBaseURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            problems.add(
                "hypha.publicBaseUrl", "expected an http:// or https:// URL", at: fields["publicBaseUrl"]?.position)
        }
        let args = fields.strings("args", problems: &problems) ?? []
        for (index, arg) in args.enumerated() {
            let flag = String(arg.split(separator: "=", maxSplits: 1).first ?? "")
            if ReservedSettings.args.contains(flag) || (flag == "--public-base-url" && publicBaseURL != nil) {
                problems.add(
                    "hypha.args[\(index)]", "\(flag) is set by the generator and cannot be given here",
                    at: fields["args"]?.position)
            } else if let reason = refusedOption(flag) {
                problems.add("hypha.args[\(index)]", reason, at: fields["args"]?.position)
            }
        }
        let flagsInArgs = Set(args.map { String($0.split(separator: "=", maxSplits: 1).first ?? "") })
        // A HYPHA_* variable that names a server option is ignored by the server
        // (it reads them only under --from-env): it becomes the option's flag, or is
        // refused when it cannot be one.
        func checkOptionVariable(_ name: String, path: String, at position: YAMLPosition?) {
            guard let flag = HyphaServerOptions.flag(forEnvironmentName: name) else { return }
            if let reason = refusedOption(flag) {
                problems.add(path, reason, at: position)
            } else if HyphaServerOptions.switchesAndLists.contains(flag) {
                problems.add(
                    path,
                    "python -m hypha.server ignores \(name) (it reads HYPHA_* options only under --from-env): put \(flag) in hypha.args instead",
                    at: position)
            } else if HyphaServerOptions.valued.contains(flag),
                flagsInArgs.contains(flag) || (flag == "--public-base-url" && publicBaseURL != nil)
            {
                problems.add(
                    path, "\(flag) is given twice: here (passed as \(flag)=…) and in hypha.args or publicBaseUrl",
                    at: position)
            }
        }
        var env: [(name: String, value: String)] = []
        if let mapping = fields.mapping("env", problems: &problems) {
            for (name, value, position) in mapping.scalarPairs(problems: &problems) {
                if ReservedSettings.env.contains(name) {
                    problems.add("hypha.env.\(name)", "set by the generator for each replica; remove it", at: position)
                } else if name == "HYPHA_JWT_SECRET" {
                    problems.add(
                        "hypha.env.\(name)", "a secret never goes in a file: use hypha.secretEnv with {secret, key}",
                        at: position)
                } else {
                    checkOptionVariable(name, path: "hypha.env.\(name)", at: position)
                    env.append((name, value))
                }
            }
        }
        var secretEnv: [(name: String, secret: String, key: String)] = []
        if let mapping = fields.mapping("secretEnv", problems: &problems) {
            for name in mapping.keys {
                guard let reference = mapping.mapping(name, problems: &problems) else { continue }
                reference.rejectUnknown(["secret", "key"], problems: &problems)
                let secret = reference.string("secret", problems: &problems)
                let key = reference.string("key", problems: &problems)
                if secret == nil { reference.missing("secret", "the Secret's name", problems: &problems) }
                if key == nil { reference.missing("key", "the key inside the Secret", problems: &problems) }
                if ReservedSettings.env.contains(name) {
                    problems.add(
                        "hypha.secretEnv.\(name)", "set by the generator for each replica; remove it",
                        at: mapping.keyPosition(name))
                } else {
                    checkOptionVariable(name, path: "hypha.secretEnv.\(name)", at: mapping.keyPosition(name))
                }
                if let secret, let key { secretEnv.append((name, secret, key)) }
            }
        }
        checkServerApps(
            args: args, variables: env.map(\.name) + secretEnv.map(\.name), at: fields["args"]?.position,
            problems: &problems)
        var resources: [(String, [(String, String)])] = []
        if let mapping = fields.mapping("resources", problems: &problems) {
            mapping.rejectUnknown(["requests", "limits"], problems: &problems)
            for kind in ["requests", "limits"] {
                guard let amounts = mapping.mapping(kind, problems: &problems) else { continue }
                amounts.rejectUnknown(["cpu", "memory"], problems: &problems)
                var pairs: [(String, String)] = []
                for (resource, quantity, position) in amounts.scalarPairs(problems: &problems)
                where ["cpu", "memory"].contains(resource) {
                    if quantity.range(of: #"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$"#, options: .regularExpression)
                        == nil
                    {
                        problems.add(
                            "hypha.resources.\(kind).\(resource)",
                            "expected a quantity like 500m or 1Gi, found \(quantity)", at: position)
                    }
                    pairs.append((resource, quantity))
                }
                if !pairs.isEmpty { resources.append((kind, pairs)) }
            }
        }
        guard let image else { return nil }
        return HyphaServers(
            image: image, replicas: replicas, port: port, publicBaseURL: publicBaseURL, args: args,
            env: env, secretEnv: secretEnv, resources: resources)
    }

    /// `--enable-server-apps` needs S3: `create_application()` asserts `args.enable_s3`
    /// ("Server apps require S3 to be enabled") before uvicorn starts, so without it
    /// every server exits at start-up. S3 is `--enable-s3` with its endpoint and keys,
    /// or `--start-minio-server`, which Hypha refuses beside those settings.
    private static func checkServerApps(
        args: [String], variables: [String], at position: YAMLPosition?, problems: inout ProblemList
    ) {
        let given = Set(
            args.map { String($0.split(separator: "=", maxSplits: 1).first ?? "") }
                + variables.compactMap(HyphaServerOptions.flag(forEnvironmentName:)))
        let s3Settings = ["--endpoint-url", "--access-key-id", "--secret-access-key"]
        if given.contains("--start-minio-server") {
            let clashing = s3Settings.filter(given.contains)
            if !clashing.isEmpty {
                problems.add(
                    "hypha.args",
                    "Hypha refuses --start-minio-server with S3 settings (\(clashing.joined(separator: ", "))): use its own MinIO or your S3, not both",
                    at: position)
            }
            return
        }
        guard let index = args.firstIndex(where: { $0 == "--enable-server-apps" }) else { return }
        let missing = (["--enable-s3"] + s3Settings).filter { !given.contains($0) }
        guard !missing.isEmpty else { return }
        let hint =
            missing.contains(where: s3Settings.contains)
            ? " (HYPHA_ENDPOINT_URL in hypha.env, the keys in hypha.secretEnv)" : ""
        problems.add(
            "hypha.args[\(index)]",
            "--enable-server-apps needs S3 (Hypha asserts \"Server apps require S3 to be enabled\" and every server exits at start-up): add \(missing.joined(separator: ", "))\(hint), or --start-minio-server",
            at: position)
    }

    /// Why a server option cannot be used in a generated deployment, nil when it can.
    private static func refusedOption(_ flag: String) -> String? {
        switch flag {
        case "--from-env":
            "--from-env replaces every flag with HYPHA_* variables, the generator's --kafka-uri and --server-id too: pass options as flags (a HYPHA_* option in hypha.env becomes its flag)"
        case "--redis-uri":
            "Hypha refuses to start with both Redis and Kafka: this deployment's event bus is Kafka"
        default: nil
        }
    }
}

/// `kafka:`.
private enum KafkaReader {
    static let bundledKeys = [
        "flavor", "image", "zookeeperImage", "brokers", "storage", "storageClassName", "partitions",
        "replicationFactor", "minInsyncReplicas", "compression",
    ]

    static func read(_ fields: MappingFields, problems: inout ProblemList) -> KafkaCluster? {
        let mode = fields.string("mode", problems: &problems)
        switch mode {
        case "external"?:
            fields.rejectUnknown(["mode", "bootstrapServers"], problems: &problems)
            guard let servers = fields.strings("bootstrapServers", problems: &problems), !servers.isEmpty else {
                if fields["bootstrapServers"] == nil {
                    fields.missing("bootstrapServers", "a list of host:port for mode external", problems: &problems)
                }
                return nil
            }
            for (index, server) in servers.enumerated()
            where server.range(of: #"^[A-Za-z0-9._-]+:[0-9]{1,5}$"#, options: .regularExpression) == nil {
                problems.add(
                    "kafka.bootstrapServers[\(index)]", "expected host:port, found \(server)",
                    at: fields["bootstrapServers"]?.position)
            }
            return .external(bootstrapServers: servers)
        case "bundled"?:
            fields.rejectUnknown(["mode"] + bundledKeys, problems: &problems)
            return bundled(fields, problems: &problems)
        case nil:
            fields.missing("mode", "bundled or external", problems: &problems)
            return nil
        case let other?:
            problems.add("kafka.mode", "expected bundled or external, found \(other)", at: fields["mode"]?.position)
            return nil
        }
    }

    private static func bundled(_ fields: MappingFields, problems: inout ProblemList) -> KafkaCluster? {
        let flavorText = fields.string("flavor", problems: &problems) ?? "kraft"
        guard let flavor = BundledKafka.Flavor(rawValue: flavorText) else {
            problems.add(
                "kafka.flavor", "expected kraft or zookeeper, found \(flavorText)", at: fields["flavor"]?.position)
            return nil
        }
        let image =
            fields.string("image", problems: &problems)
            ?? (flavor == .kraft ? "apache/kafka:3.9.1" : "confluentinc/cp-kafka:7.4.0")
        DeploymentReader.checkImage(image, path: "kafka.image", at: fields["image"]?.position, problems: &problems)
        checkFamily(image, flavor: flavor, at: fields["image"]?.position, problems: &problems)
        let zookeeperImage = zookeeperImage(fields, flavor: flavor, kafkaImage: image, problems: &problems)
        let storageClassName = fields.string("storageClassName", problems: &problems)
        if let storageClassName,
            storageClassName.count > 253
                || storageClassName.range(
                    of: #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#,
                    options: .regularExpression)
                    == nil
        {
            problems.add(
                "kafka.storageClassName",
                "expected the name of a StorageClass (a DNS-1123 subdomain), found '\(storageClassName)'",
                at: fields["storageClassName"]?.position)
        }
        let brokers = fields.int("brokers", problems: &problems) ?? 1
        if ![1, 3, 5].contains(brokers) {
            problems.add(
                "kafka.brokers", "expected 1, 3 or 5 (a quorum needs an odd number), found \(brokers)",
                at: fields["brokers"]?.position)
        }
        let storage = fields.string("storage", problems: &problems) ?? "10Gi"
        if storage.range(of: #"^[0-9]+(Mi|Gi|Ti)$"#, options: .regularExpression) == nil {
            problems.add(
                "kafka.storage", "expected a size like 20Gi, found \(storage)", at: fields["storage"]?.position)
        }
        let partitions = fields.int("partitions", problems: &problems) ?? 3
        if partitions < 1 {
            problems.add("kafka.partitions", "expected at least 1", at: fields["partitions"]?.position)
        }
        let single = brokers == 1
        let replication = fields.int("replicationFactor", problems: &problems) ?? min(3, brokers)
        let minISR = fields.int("minInsyncReplicas", problems: &problems) ?? (single ? 1 : max(1, replication - 1))
        if single {
            if replication != 1 {
                problems.add(
                    "kafka.replicationFactor", "one broker holds one replica: must be 1, found \(replication)",
                    at: fields["replicationFactor"]?.position)
            }
            if minISR != 1 {
                problems.add(
                    "kafka.minInsyncReplicas", "one broker: must be 1, found \(minISR)",
                    at: fields["minInsyncReplicas"]?.position)
            }
        } else {
            if replication < 1 || replication > brokers {
                problems.add(
                    "kafka.replicationFactor", "expected 1 to \(brokers) (kafka.brokers), found \(replication)",
                    at: fields["replicationFactor"]?.position)
            }
            if minISR < 1 || minISR >= replication {
                problems.add(
                    "kafka.minInsyncReplicas",
                    "expected at least 1 and less than kafka.replicationFactor (\(replication)), so one broker can be down, found \(minISR)",
                    at: fields["minInsyncReplicas"]?.position)
            }
        }
        let compression = fields.string("compression", problems: &problems) ?? "snappy"
        if !["none", "gzip", "snappy", "lz4", "zstd", "producer"].contains(compression) {
            problems.add(
                "kafka.compression", "expected none, gzip, snappy, lz4, zstd or producer, found \(compression)",
                at: fields["compression"]?.position)
        }
        return .bundled(
            BundledKafka(
                flavor: flavor, image: image, brokers: brokers, storage: storage, partitions: partitions,
                replicationFactor: replication, minInsyncReplicas: minISR, compression: compression,
                zookeeperImage: zookeeperImage, storageClassName: storageClassName))
    }

    /// The start commands and healthchecks are written for one image family per flavour:
    /// KRaft runs apache/kafka (`/etc/kafka/docker/run`, `/opt/kafka/bin`), ZooKeeper
    /// mode confluentinc/cp-kafka 7 (`/etc/confluent/docker/run`, `cub`).
    private static func checkFamily(
        _ image: String, flavor: BundledKafka.Flavor, at position: YAMLPosition?, problems: inout ProblemList
    ) {
        let reference = ImageReference(image)
        let family = KafkaImageFamily(reference)
        switch (flavor, family) {
        case (.kraft, .apache?):
            break
        case (.kraft, .apacheNative?):
            problems.add(
                "kafka.image",
                "apache/kafka-native is refused: it has no /opt/kafka/bin for the broker healthcheck, and no /var/lib/kafka/data, so a Compose volume there is root's and its user cannot write it; use apache/kafka of the same version",
                at: position)
        case (.kraft, .confluent?):
            problems.add(
                "kafka.image",
                "flavor kraft runs apache/kafka (started by /etc/kafka/docker/run, checked with /opt/kafka/bin), found \(image): confluentinc/cp-kafka goes with flavor zookeeper",
                at: position)
        case (.kraft, nil):
            problems.add(
                "kafka.image",
                "flavor kraft runs apache/kafka (started by /etc/kafka/docker/run, checked with /opt/kafka/bin), found \(image): name it by its path, e.g. registry.example.org/apache/kafka:3.9.1",
                at: position)
        case (.zookeeper, .confluent?):
            if let major = reference.majorVersion, major >= 8 {
                problems.add(
                    "kafka.image",
                    "Confluent Platform \(major) has no ZooKeeper mode: flavor zookeeper needs confluentinc/cp-kafka 7.x (e.g. 7.4.0), or use flavor kraft with apache/kafka",
                    at: position)
            }
        case (.zookeeper, _):
            problems.add(
                "kafka.image",
                "flavor zookeeper runs confluentinc/cp-kafka 7.x (started by /etc/confluent/docker/run, checked with cub), found \(image): apache/kafka goes with flavor kraft",
                at: position)
        }
    }

    /// `kafka.zookeeperImage`, or cp-zookeeper from the Kafka image's registry, path and tag.
    private static func zookeeperImage(
        _ fields: MappingFields, flavor: BundledKafka.Flavor, kafkaImage: String, problems: inout ProblemList
    ) -> String? {
        let position = fields["zookeeperImage"]?.position
        guard flavor == .zookeeper else {
            if fields["zookeeperImage"] != nil {
                problems.add(
                    "kafka.zookeeperImage", "only for flavor zookeeper (KRaft needs no ZooKeeper)", at: position)
            }
            return nil
        }
        if let image = fields.string("zookeeperImage", problems: &problems) {
            DeploymentReader.checkImage(image, path: "kafka.zookeeperImage", at: position, problems: &problems)
            if ImageReference(image).repository != "confluentinc/cp-zookeeper" {
                problems.add(
                    "kafka.zookeeperImage",
                    "expected confluentinc/cp-zookeeper (started by /etc/confluent/docker/run, checked with cub), found \(image)",
                    at: position)
            }
            return image
        }
        let kafka = ImageReference(kafkaImage)
        guard kafka.digest == nil else {
            problems.add(
                "kafka.image",
                "a digest names no ZooKeeper image of the same version: set kafka.zookeeperImage (confluentinc/cp-zookeeper, pinned the same way)",
                at: fields["image"]?.position)
            return nil
        }
        return kafka.renamed("cp-zookeeper")
    }
}
