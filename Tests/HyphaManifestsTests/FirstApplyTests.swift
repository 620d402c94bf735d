// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaManifests
import HyphaYAML
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a first `kubectl apply` and `docker compose up` need, read from the parsed
/// output of every example and of each flavour with its default image.
@Suite("a first kubectl apply and docker compose up")
struct FirstApplyTests {
    /// The examples, then each flavour (one and three brokers) and external Kafka.
    static let cases = DeploymentStartTests.inputs + ["kraft-1", "kraft-3", "zookeeper-1", "zookeeper-3", "external"]

    static func deployment(_ name: String) throws -> (HyphaDeployment, [DeploymentReader.Warning]) {
        if DeploymentStartTests.inputs.contains(name) {
            let path = ExampleManifestTests.root.appendingPathComponent("examples/\(name).yaml").path
            return try DeploymentReader.read(try String(contentsOfFile: path, encoding: .utf8), file: path)
        }
        let kafka =
            name == "external"
            ? "mode: external\n  bootstrapServers: [k1.example.org:9092, k2.example.org:9094]"
            : "mode: bundled\n  flavor: \(name.split(separator: "-")[0])\n  brokers: \(name.split(separator: "-")[1])"
        let text = validSpec.replacingOccurrences(of: "replicas: 1", with: "replicas: 2")
            .replacingOccurrences(of: "mode: bundled", with: kafka)
        return try DeploymentReader.read(text, file: name)
    }

    static func kubernetesText(_ name: String) throws -> String { KubernetesManifest.render(try deployment(name).0) }

    static func kubernetes(_ name: String) throws -> [YAMLNode] {
        try kubernetesText(name).components(separatedBy: "\n---\n").compactMap { try YAMLReader.read($0) }
    }

    static func composeText(_ name: String) throws -> String { ComposeManifest.render(try deployment(name).0) }

    static func compose(_ name: String) throws -> YAMLNode { try #require(try YAMLReader.read(try composeText(name))) }

    static func services(_ name: String) throws -> [(String, YAMLNode)] {
        DeploymentStartTests.pairs(try compose(name)["services"])
    }

    /// The Hypha containers (Kubernetes) or services (Compose).
    static func hyphaUnits(_ name: String, _ target: String) throws -> [YAMLNode] {
        if target == "k8s" {
            return DeploymentStartTests.workloads(try kubernetes(name), image: "hypha")
                .flatMap(DeploymentStartTests.containers)
        }
        return try services(name).filter { $0.0.contains("-hypha-") }.map(\.1)
    }

    /// The comment lines atop a generated file.
    static func header(_ text: String) -> String {
        text.split(separator: "\n").prefix { $0.hasPrefix("#") }.joined(separator: "\n")
    }

    // MARK: Server apps need S3

    @Test("--enable-server-apps always comes with S3 in the generated command", arguments: cases, ["k8s", "compose"])
    func serverAppsHaveS3(_ name: String, _ target: String) throws {
        for unit in try Self.hyphaUnits(name, target) {
            let command = DeploymentStartTests.texts(unit["command"]).joined(separator: " ")
            if name == "prod-k8s-kraft" { #expect(command.contains("--enable-server-apps"), "the example lost it") }
            guard command.contains("--enable-server-apps") else { continue }
            let s3 = ["--enable-s3", "--endpoint-url=", "--access-key-id=", "--secret-access-key="]
            #expect(
                command.contains("--start-minio-server") || s3.allSatisfy(command.contains),
                "\(name) \(target): server apps without S3 exit at start-up: \(command)")
        }
    }

    @Test(
        "--enable-server-apps without S3 is refused, naming the rule; with S3 or MinIO it is accepted",
        arguments: [
            ("args: [--enable-server-apps]", "add --enable-s3, --endpoint-url, --access-key-id, --secret-access-key"),
            ("args: [--enable-server-apps, --enable-s3]", "add --endpoint-url, --access-key-id, --secret-access-key"),
            (
                "args: [--enable-server-apps, --enable-s3, --endpoint-url=https://s3.example.org]\n  secretEnv:\n    HYPHA_ACCESS_KEY_ID: {secret: s3, key: id}",
                "add --secret-access-key"
            ),
            (
                "args: [--enable-server-apps, --enable-s3]\n  env: {HYPHA_ENDPOINT_URL: https://s3.example.org}\n  secretEnv:\n    HYPHA_ACCESS_KEY_ID: {secret: s3, key: id}\n    HYPHA_SECRET_ACCESS_KEY: {secret: s3, key: key}",
                ""
            ),
            ("args: [--enable-server-apps, --start-minio-server]", ""),
            (
                "args: [--start-minio-server, --endpoint-url=https://s3.example.org]",
                "Hypha refuses --start-minio-server with S3 settings (--endpoint-url)"
            ),
        ])
    func serverAppsRule(_ setting: String, _ expected: String) {
        var text = validSpec.replacingOccurrences(of: "replicas: 1", with: setting)
        if setting.contains("secretEnv:") { // one secretEnv: the setting's, with the JWT secret
            text = text.replacingOccurrences(of: "  secretEnv:\n    HYPHA_JWT_SECRET", with: "    HYPHA_JWT_SECRET")
        }
        let found = problems(text)
        if expected.isEmpty {
            #expect(found.isEmpty, "\(found)")
        } else {
            #expect(found.contains { $0.contains(expected) && $0.contains("at line 6, column 9") }, "\(found)")
            if setting.hasPrefix("args: [--enable-server-apps") {
                #expect(found.contains { $0.contains("Server apps require S3 to be enabled") }, "\(found)")
            }
        }
    }

    // MARK: The Namespace comes first

    @Test("a namespaced output starts with its Namespace, and its header says what to create first", arguments: cases)
    func namespaceFirst(_ name: String) throws {
        let objects = try Self.kubernetes(name)
        let namespaces = Set(objects.compactMap { $0["metadata"]?["namespace"]?.scalarText })
        let header = Self.header(try Self.kubernetesText(name))
        let secrets = Set(try Self.deployment(name).0.hypha.secretEnv.map(\.secret))
        #expect(namespaces.count <= 1)
        if let namespace = namespaces.first {
            let first = try #require(objects.first)
            #expect(first["kind"]?.scalarText == "Namespace" && first["metadata"]?["name"]?.scalarText == namespace)
            #expect(first["metadata"]?["namespace"] == nil)
            #expect(header.contains("kubectl create namespace \(namespace) --save-config") == !secrets.isEmpty)
            #expect(header.contains("kubectl delete -f <this file> deletes the Namespace \(namespace)"))
            for secret in secrets {
                #expect(header.contains("kubectl create secret generic \(secret) -n \(namespace) "))
            }
        } else {
            #expect(!objects.contains { $0["kind"]?.scalarText == "Namespace" })
            for secret in secrets { #expect(header.contains("kubectl create secret generic \(secret) --from-literal")) }
        }
        #expect(objects.filter { $0["kind"]?.scalarText == "Namespace" }.count == namespaces.count)
    }

    @Test(
        "an example's own steps create its namespace before anything in it",
        arguments: DeploymentStartTests.inputs)
    func exampleStepsCreateNamespace(_ input: String) throws {
        let text = try String(
            contentsOfFile: ExampleManifestTests.root.appendingPathComponent("examples/\(input).yaml").path,
            encoding: .utf8)
        let steps = text.split(separator: "\n").filter { $0.hasPrefix("#") }
        for (index, line) in steps.enumerated() {
            guard let match = line.firstMatch(of: /kubectl create secret .* -n ([a-z0-9-]+)/) else { continue }
            let namespace = String(match.output.1)
            #expect(
                steps[..<index].contains { $0.contains("kubectl create namespace \(namespace)") },
                "examples/\(input).yaml creates a secret in \(namespace) before the namespace exists")
        }
    }

    // MARK: Image and flavour fit

    @Test(
        "each Kafka and ZooKeeper container runs its own image's start script and healthcheck",
        arguments: cases)
    func imageFamilies(_ name: String) throws {
        for workload in try Self.kubernetes(name) where workload["kind"]?.scalarText == "StatefulSet" {
            let container = try #require(DeploymentStartTests.containers(workload).first)
            let image = try #require(container["image"]?.scalarText)
            let start = DeploymentStartTests.texts(container["command"]).joined(separator: " ")
            if image.contains("apache/kafka:") {
                #expect(start.hasSuffix("exec /etc/kafka/docker/run"), "\(image): \(start)")
            } else if image.contains("confluentinc/cp-") {
                #expect(start.hasSuffix("exec /etc/confluent/docker/run"), "\(image): \(start)")
            } else {
                #expect(image.contains("hypha"), "\(name): no rule for \(image)")
            }
        }
        var kafkaImages: [String] = []
        for (service, unit) in try Self.services(name) {
            let image = try #require(unit["image"]?.scalarText)
            let check = DeploymentStartTests.texts(unit["healthcheck"]?["test"]).joined(separator: " ")
            if image.contains("apache/kafka:") {
                #expect(check.contains("/opt/kafka/bin/"), "\(service): \(check)")
                kafkaImages.append(image)
            } else if image.contains("confluentinc/cp-") {
                #expect(check.hasPrefix("CMD-SHELL cub "), "\(service): \(check)")
                if image.contains("/cp-kafka:") { kafkaImages.append(image) }
            } else {
                #expect(image.contains("hypha"), "\(name): no rule for \(image)")
            }
            if image.contains("/cp-zookeeper:"), let kafka = kafkaImages.first {
                #expect(image == kafka.replacingOccurrences(of: "/cp-kafka:", with: "/cp-zookeeper:"))
            }
        }
    }

    @Test(
        "an image that does not fit its flavour is refused, naming the rule",
        arguments: [
            ("kraft", "confluentinc/cp-kafka:7.4.0", "flavor kraft runs apache/kafka"),
            ("kraft", "apache/kafka-native:3.9.1", "apache/kafka-native is refused: it has no /opt/kafka/bin"),
            ("kraft", "bitnami/kafka:3.9.0", "flavor kraft runs apache/kafka"),
            ("zookeeper", "apache/kafka:3.9.1", "flavor zookeeper runs confluentinc/cp-kafka 7.x"),
            ("zookeeper", "confluentinc/cp-kafka:8.0.0", "Confluent Platform 8 has no ZooKeeper mode"),
            (
                "zookeeper", "confluentinc/cp-kafka@sha256:" + String(repeating: "a", count: 64),
                "a digest names no ZooKeeper image of the same version: set kafka.zookeeperImage"
            ),
        ])
    func imageRefused(_ flavor: String, _ image: String, _ expected: String) {
        let found = problems(validSpec + "\n  flavor: \(flavor)\n  image: \"\(image)\"\n")
        #expect(
            found.contains { $0.hasPrefix("kafka.image: \(expected)") && $0.hasSuffix("line 12, column 10") },
            "\(found)")
    }

    @Test(
        "the ZooKeeper image keeps the Kafka image's registry, path and tag, or is the one given",
        arguments: [
            ("confluentinc/cp-kafka:7.4.0", nil, "confluentinc/cp-zookeeper:7.4.0"),
            (
                "registry.example.org:5000/mirror/confluentinc/cp-kafka:7.6.1-1-ubi8", nil,
                "registry.example.org:5000/mirror/confluentinc/cp-zookeeper:7.6.1-1-ubi8"
            ),
            (
                "confluentinc/cp-kafka@sha256:" + String(repeating: "a", count: 64),
                "confluentinc/cp-zookeeper@sha256:" + String(repeating: "b", count: 64),
                "confluentinc/cp-zookeeper@sha256:" + String(repeating: "b", count: 64)
            ),
        ] as [(String, String?, String)])
    func zookeeperImage(_ image: String, _ given: String?, _ expected: String) throws {
        let setting = given.map { "\n  zookeeperImage: \"\($0)\"" } ?? ""
        let (deployment, _) = try DeploymentReader.read(
            validSpec + "\n  flavor: zookeeper\n  image: \"\(image)\"\(setting)\n", file: "f")
        guard case .bundled(let kafka) = deployment.kafka else {
            Issue.record("not bundled")
            return
        }
        #expect(kafka.zookeeperImage == expected)
        #expect(ComposeManifest.render(deployment).contains("image: \(expected)\n"))
    }

    @Test("kafka.zookeeperImage must be cp-zookeeper, and only with flavor zookeeper")
    func zookeeperImageRefused() {
        let other = problems(
            validSpec + "\n  flavor: zookeeper\n  image: confluentinc/cp-kafka:7.4.0\n  zookeeperImage: zookeeper:3.8\n"
        )
        #expect(other.contains { $0.hasPrefix("kafka.zookeeperImage: expected confluentinc/cp-zookeeper") }, "\(other)")
        let kraft = problems(validSpec + "\n  zookeeperImage: confluentinc/cp-zookeeper:7.4.0\n")
        #expect(
            kraft == [
                "kafka.zookeeperImage: only for flavor zookeeper (KRaft needs no ZooKeeper) at line 11, column 19"
            ])
    }

    // MARK: Sessions stay with one server

    @Test(
        "the Hypha client Service keeps each client on one server, and the header says so for an Ingress",
        arguments: cases)
    func sessionAffinity(_ name: String) throws {
        let (deployment, _) = try Self.deployment(name)
        let services = try Self.kubernetes(name).filter {
            $0["kind"]?.scalarText == "Service"
                && $0["metadata"]?["labels"]?["app.kubernetes.io/name"]?.scalarText == "hypha"
                && $0["spec"]?["clusterIP"]?.scalarText != "None"
        }
        #expect(services.count == 1)
        for service in services { #expect(service["spec"]?["sessionAffinity"]?.scalarText == "ClientIP") }
        let header = Self.header(try Self.kubernetesText(name))
        #expect(header.contains("nginx.ingress.kubernetes.io/affinity: cookie") == (deployment.hypha.replicas > 1))
    }

    // MARK: Host ports

    @Test("Compose publishes each host port once", arguments: cases)
    func hostPortsOnce(_ name: String) throws {
        let published = try Self.services(name).flatMap { DeploymentStartTests.texts($0.1["ports"]) }
            .map { $0.split(separator: ":").dropLast().joined(separator: ":") }
        #expect(!published.isEmpty)
        #expect(Set(published).count == published.count, "\(published)")
    }

    @Test(
        "a hypha.port whose range meets the brokers' host ports is refused",
        arguments: [
            ("port: 9093", "3", "host ports 9093-9094 (hypha.port up, one per replica) and the brokers on 9092-9094"),
            ("port: 9091", "1", "host ports 9091-9092 (hypha.port up, one per replica) and the brokers on 9092 "),
            ("port: 9090", "1", ""), ("port: 9095", "3", ""),
            ("port: 65535", "1", "hypha.port: expected a port from 1 to 65534"),
        ])
    func hostPortRule(_ port: String, _ brokers: String, _ expected: String) {
        let text =
            validSpec.replacingOccurrences(of: "replicas: 1", with: "replicas: 2\n  \(port)")
            + (brokers == "1" ? "\n" : "\n  brokers: \(brokers)\n")
        let found = problems(text)
        if expected.isEmpty {
            #expect(found.isEmpty, "\(found)")
        } else {
            #expect(found.contains { $0.contains(expected) && $0.hasSuffix("at line 7, column 9") }, "\(found)")
        }
    }

    // MARK: First start and shutdown

    @Test("Hypha pods wait for a Kafka bootstrap server before the server starts", arguments: cases)
    func hyphaWaitsForKafka(_ name: String) throws {
        for workload in DeploymentStartTests.workloads(try Self.kubernetes(name), image: "hypha") {
            let server = try #require(DeploymentStartTests.containers(workload).first)
            let bootstrap = try #require(
                DeploymentStartTests.texts(server["command"]).first { $0.hasPrefix("--kafka-uri=") }?
                    .dropFirst("--kafka-uri=".count))
            let inits = workload["spec"]?["template"]?["spec"]?["initContainers"]?.items ?? []
            #expect(inits.count == 1)
            for container in inits {
                let command = DeploymentStartTests.texts(container["command"])
                #expect(command.count == 4 && command.first == "python" && command.last == String(bootstrap))
                #expect(container["image"]?.scalarText == server["image"]?.scalarText)
                #expect(container["securityContext"]?["allowPrivilegeEscalation"]?.scalarText == "false")
            }
        }
    }

    @Test("the wait returns only once a bootstrap server accepts connections")
    func waitScriptWaits() throws {
        let script = try #require(
            DeploymentStartTests.workloads(try Self.kubernetes("kraft-1"), image: "hypha").first
                .flatMap { $0["spec"]?["template"]?["spec"]?["initContainers"]?.items.first }
                .map { DeploymentStartTests.texts($0["command"])[2] })
        let (never, later) = (try BoundSocket(), try BoundSocket())
        let python = ProcessInfo.processInfo.environment["HYPHA_TEST_PYTHON"] ?? "/usr/bin/python3"
        let process = try ChildProcess(
            python, ["-c", script, "127.0.0.1:\(never.port),127.0.0.1:\(later.port)"], stdout: .pipe)
        let pipe = try #require(process.output)
        // Bound but not listening: refused. Wait for it to say so about both servers.
        var output = ""
        while !output.contains("waiting for Kafka at 127.0.0.1:\(later.port)") {
            let data = pipe.readSomeRetryingInterrupts()
            if data.isEmpty { break }
            output += String(decoding: data, as: UTF8.self)
        }
        #expect(output.contains("waiting for Kafka at 127.0.0.1:\(never.port)"), "\(output)")
        #expect(process.isRunning, "it stopped while nothing listened: \(output)")
        try later.listen()
        #expect(process.waitForExit() == 0)
    }

    @Test("brokers have a startup probe with minutes to catch up, before liveness may restart them", arguments: cases)
    func brokerStartupProbe(_ name: String) throws {
        for workload in DeploymentStartTests.workloads(try Self.kubernetes(name), image: "kafka")
        where workload["metadata"]?["name"]?.scalarText?.hasSuffix("-kafka") == true {
            let container = try #require(DeploymentStartTests.containers(workload).first)
            let startup = try #require(container["startupProbe"])
            let budget =
                (Int(startup["periodSeconds"]?.scalarText ?? "") ?? 0)
                * (Int(startup["failureThreshold"]?.scalarText ?? "") ?? 0)
            #expect(budget >= 300, "\(budget) s")
            #expect(container["livenessProbe"] != nil)
        }
    }

    @Test("Compose gives each broker the 60 s Kubernetes gives it to stop", arguments: cases)
    func brokerStopGrace(_ name: String) throws {
        let grace = DeploymentStartTests.workloads(try Self.kubernetes(name), image: "kafka")
            .filter { $0["metadata"]?["name"]?.scalarText?.hasSuffix("-kafka") == true }
            .compactMap { $0["spec"]?["template"]?["spec"]?["terminationGracePeriodSeconds"]?.scalarText }
        for (service, unit) in try Self.services(name) where service.contains("-kafka") {
            #expect(unit["stop_grace_period"]?.scalarText == "60s", "\(service)")
            #expect(grace == ["60"])
        }
    }

    @Test("every volume's owner is changed only when its root does not match", arguments: cases)
    func fsGroupChangePolicy(_ name: String) throws {
        for object in try Self.kubernetes(name) {
            guard let security = object["spec"]?["template"]?["spec"]?["securityContext"] else { continue }
            #expect(security["fsGroup"] != nil)
            #expect(security["fsGroupChangePolicy"]?.scalarText == "OnRootMismatch")
        }
    }

    @Test(
        "Compose reads secrets from env files: nothing to export for up, down or logs, each one checked",
        arguments: cases)
    func composeSecrets(_ name: String) throws {
        let (deployment, _) = try Self.deployment(name)
        let text = try Self.composeText(name)
        #expect(text.firstMatch(of: /[^$]\$\{/) == nil, "Compose would interpolate from the environment")
        for (service, unit) in try Self.services(name) where service.contains("-hypha-") {
            let files = DeploymentStartTests.texts(unit["env_file"])
            let secrets = deployment.hypha.secretEnv.map { "\($0.secret).env" }
            #expect(files == secrets.enumerated().filter { !secrets[..<$0.offset].contains($0.element) }.map(\.element))
            let environment = DeploymentStartTests.environment(unit)
            let command = DeploymentStartTests.texts(unit["command"])
            for secret in deployment.hypha.secretEnv {
                #expect(environment[secret.name] == nil, "\(secret.name) is in the file")
                #expect(
                    command.count > 2
                        && command[2].contains("$${\(secret.name):?set \(secret.name) in \(secret.secret).env"))
                if secret.name == "HYPHA_DATABASE_URI" {
                    #expect(command[2].contains("--database-uri=\"$$HYPHA_DATABASE_URI\""), "\(command)")
                }
            }
            if deployment.hypha.secretEnv.isEmpty { #expect(command.first == "python") }
        }
    }

    @Test("Compose's start script stops on an unset secret, naming its file, and passes the others as flags")
    func composeSecretScript() throws {
        let unit = try #require(try Self.services("prod-k8s-kraft").first { $0.0.contains("-hypha-") }?.1)
        // What the shell gets once Compose has turned $$ into $.
        let command = DeploymentStartTests.texts(unit["command"]).map { $0.replacingOccurrences(of: "$$", with: "$") }
        try #require(command.count > 4 && command[0] == "sh" && command[1] == "-c")
        let secrets = [
            "HYPHA_JWT_SECRET": "j", "HYPHA_DATABASE_URI": "postgresql+asyncpg://u:p w@db/hypha",
            "HYPHA_ACCESS_KEY_ID": "a", "HYPHA_SECRET_ACCESS_KEY": "s",
        ]
        // printf in front of the server's command: one line per argument it would get.
        func run(_ environment: [String: String]) throws -> (status: Int32, arguments: [String], error: String) {
            let run = try Subprocess.run(
                "/bin/sh", Array(command[1...3]) + ["printf", "%s\\n"] + command[4...],
                environment: environment.merging(["PATH": "/usr/bin:/bin"]) { $1 })
            return (run.status, run.lines, run.stderr)
        }
        let started = try run(secrets)
        #expect(started.status == 0, "\(started.error)")
        #expect(Array(started.arguments.prefix(3)) == ["python", "-m", "hypha.server"])
        #expect(
            Array(started.arguments.suffix(3)) == [
                "--database-uri=postgresql+asyncpg://u:p w@db/hypha", "--access-key-id=a", "--secret-access-key=s",
            ])
        #expect(!started.arguments.contains { $0.contains("HYPHA_JWT_SECRET") || $0.contains("=j") })
        var missing = secrets
        missing["HYPHA_ACCESS_KEY_ID"] = nil
        let refused = try run(missing)
        #expect(refused.status != 0 && refused.arguments.isEmpty)
        #expect(
            refused.error.contains(
                "set HYPHA_ACCESS_KEY_ID in hypha-secrets.env (the Secret hypha-secrets, key s3-access-key-id)"),
            "\(refused.error)")
    }

    @Test("kafka.storageClassName goes on every claim, and none without it", arguments: [nil, "fast-ssd"])
    func storageClassName(_ storageClass: String?) throws {
        for flavor in ["kraft", "zookeeper"] {
            let setting = storageClass.map { "\n  storageClassName: \($0)" } ?? ""
            let (deployment, _) = try DeploymentReader.read(validSpec + "\n  flavor: \(flavor)\(setting)\n", file: "f")
            let claims = try KubernetesManifest.render(deployment).components(separatedBy: "\n---\n")
                .compactMap { try YAMLReader.read($0) }
                .flatMap { $0["spec"]?["volumeClaimTemplates"]?.items ?? [] }
            #expect(claims.count == (flavor == "kraft" ? 1 : 3))
            for claim in claims { #expect(claim["spec"]?["storageClassName"]?.scalarText == storageClass) }
        }
        let bad = problems(validSpec + "\n  storageClassName: Fast_SSD\n")
        #expect(bad.contains { $0.hasPrefix("kafka.storageClassName: expected the name of a StorageClass") }, "\(bad)")
    }

    // MARK: External Kafka

    @Test("external Kafka is warned about: Hypha's topics are created on first use", arguments: cases)
    func externalTopicsWarning(_ name: String) throws {
        let (deployment, warnings) = try Self.deployment(name)
        let warning = warnings.first { $0.description.contains("auto.create.topics.enable") }
        if case .external = deployment.kafka {
            let text = try #require(warning).description
            #expect(text.contains("hypha_event_") && text.contains("health_check_") && !text.contains("\n"))
        } else {
            #expect(warning == nil)
        }
    }
}

/// A TCP socket bound to a free port on 127.0.0.1 that accepts connections only once told to listen.
private final class BoundSocket {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        try #require(descriptor >= 0 && bound, "cannot bind a socket on 127.0.0.1")
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func listen() throws {
        try #require(Glibc.listen(descriptor, 8) == 0)
    }

    deinit { close(descriptor) }
}
