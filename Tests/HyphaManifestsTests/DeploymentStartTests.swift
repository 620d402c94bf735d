// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaManifests
import HyphaYAML
import TestSupport
import Testing

/// What the validators cannot see: whether the generated deployments start, stay
/// up and keep their data, read from the parsed output of every example and
/// target against what the images' own start scripts and Hypha's argument parser do.
@Suite("generated deployments start and keep their data")
struct DeploymentStartTests {
    static let inputs = ["dev-compose-zookeeper", "prod-k8s-kraft", "external-k8s-4-replicas", "ha-k8s-zookeeper"]

    /// Every document of the example's Kubernetes output.
    static func kubernetes(_ input: String) throws -> [YAMLNode] {
        let text = try ExampleManifestTests.generate(input, "k8s")
        return try text.components(separatedBy: "\n---\n").compactMap { try YAMLReader.read($0) }
    }

    /// The example's Compose file.
    static func compose(_ input: String) throws -> YAMLNode {
        try #require(try YAMLReader.read(try ExampleManifestTests.generate(input, "compose")))
    }

    static func pairs(_ node: YAMLNode?) -> [(String, YAMLNode)] {
        guard case .mapping(let pairs, _)? = node else { return [] }
        return pairs.compactMap { key, value in key.scalarText.map { ($0, value) } }
    }

    static func texts(_ node: YAMLNode?) -> [String] { (node?.items ?? []).compactMap(\.scalarText) }

    static func workloads(_ objects: [YAMLNode], image: String) -> [YAMLNode] {
        objects.filter { object in
            ["StatefulSet", "Deployment"].contains(object["kind"]?.scalarText ?? "")
                && containers(object).contains { $0["image"]?.scalarText?.contains(image) == true }
        }
    }

    static func containers(_ workload: YAMLNode) -> [YAMLNode] {
        workload["spec"]?["template"]?["spec"]?["containers"]?.items ?? []
    }

    /// A Compose service's `environment`, or a container's `env` (plain values; `valueFrom` as nil).
    static func environment(_ node: YAMLNode) -> [String: String?] {
        var result: [String: String?] = [:]
        if let env = node["env"] {
            for entry in env.items {
                if let name = entry["name"]?.scalarText { result[name] = entry["value"]?.scalarText }
            }
        } else {
            for (name, value) in pairs(node["environment"]) { result[name] = value.scalarText }
        }
        return result
    }

    /// Runs a start command (`sh -c …; exec /etc/…/run`) up to its exec, in `environment`,
    /// and returns the environment the image's own start script would see.
    static func startEnvironment(_ container: YAMLNode, _ environment: [String: String]) throws -> [String: String] {
        let command = texts(container["command"])
        #expect(command.count == 3 && command[0] == "sh" && command[1] == "-c", "\(command)")
        let script = try #require(command.last)
        let exec = try #require(script.range(of: "exec /etc/", options: .backwards), "no exec in \(script)")
        let run = try Subprocess.run(
            "/bin/sh", ["-c", String(script[..<exec.lowerBound]) + "env"],
            environment: environment.merging(["PATH": "/usr/bin:/bin"]) { $1 })
        let output = run.output
        #expect(run.status == 0, "\(run.stderr)")
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }

    // MARK: ZooKeeper keeps its data

    /// The volumes cp-zookeeper declares: what is not on a claim there is lost.
    static let zookeeperVolumes: Set<String> = ["/var/lib/zookeeper/data", "/var/lib/zookeeper/log"]

    @Test("Kubernetes: ZooKeeper's data and log directories are each on a claim", arguments: inputs)
    func zookeeperClaims(_ input: String) throws {
        for workload in Self.workloads(try Self.kubernetes(input), image: "cp-zookeeper") {
            let claims = Set(
                (workload["spec"]?["volumeClaimTemplates"]?.items ?? []).compactMap {
                    $0["metadata"]?["name"]?.scalarText
                })
            let container = try #require(Self.containers(workload).first)
            let mounts = container["volumeMounts"]?.items ?? []
            let claimed = Set(
                mounts.filter { claims.contains($0["name"]?.scalarText ?? "") }.compactMap {
                    $0["mountPath"]?.scalarText
                })
            #expect(claimed == Self.zookeeperVolumes, "\(input): ZooKeeper's claims are mounted at \(claimed)")
        }
    }

    @Test("Compose: ZooKeeper's data and log directories are each a named volume", arguments: inputs)
    func zookeeperNamedVolumes(_ input: String) throws {
        let file = try Self.compose(input)
        let named = Set(Self.pairs(file["volumes"]).map(\.0))
        for (name, service) in Self.pairs(file["services"])
        where service["image"]?.scalarText?.contains("cp-zookeeper") == true {
            let mounted = Set(
                Self.texts(service["volumes"]).compactMap { volume -> String? in
                    let parts = volume.split(separator: ":").map(String.init)
                    return parts.count >= 2 && named.contains(parts[0]) ? parts[1] : nil
                })
            #expect(mounted == Self.zookeeperVolumes, "\(input): \(name) keeps only \(mounted) in named volumes")
        }
    }

    // MARK: Hypha's settings reach the server

    /// Options of `python -m hypha.server` (Kafka branch) that take one value.
    static let valuedOptions: Set<String> = [
        "allow-origins", "base-path", "public-base-url", "triton-servers", "s3-admin-type", "endpoint-url",
        "endpoint-url-public", "region-name", "access-key-id", "secret-access-key", "ollama-host",
        "openai-base-url", "openai-api-key", "database-uri", "migrate-database", "workspace-bucket",
        "executable-path", "cache-dir", "minio-workdir", "minio-port", "minio-root-user", "minio-root-password",
        "minio-version", "mc-version",
    ]

    static func hyphaUnits(_ input: String, _ target: String) throws -> [YAMLNode] {
        if target == "k8s" { return Self.workloads(try kubernetes(input), image: "hypha").flatMap(containers) }
        return pairs(try compose(input)["services"]).filter { $0.0.contains("-hypha-") }.map(\.1)
    }

    @Test(
        "a HYPHA_* variable naming a server option is passed as its flag (the server reads them only under --from-env)",
        arguments: inputs, ["k8s", "compose"])
    func optionVariablesAreFlags(_ input: String, _ target: String) throws {
        let units = try Self.hyphaUnits(input, target)
        #expect(!units.isEmpty)
        var checked = 0
        for unit in units {
            let command = Self.texts(unit["command"])
            #expect(!command.contains("--from-env"))
            let environment = Self.environment(unit)
            for (name, value) in environment where name.hasPrefix("HYPHA_") {
                let option = name.dropFirst(6).lowercased().replacingOccurrences(of: "_", with: "-")
                guard Self.valuedOptions.contains(option) else { continue }
                let expected: String =
                    target == "k8s"
                    ? "--\(option)=$(\(name))" // expanded by Kubernetes from the container's env
                    : "--\(option)=\(try #require(value))" // the same text as the variable, secrets as ${VAR:?}
                #expect(
                    command.contains(expected), "\(input) \(target): \(name) is not passed as \(expected): \(command)")
                checked += 1
            }
        }
        if input != "dev-compose-zookeeper" { #expect(checked > 0, "the example sets no option through env") }
    }

    // MARK: Stable server ids

    @Test("Kubernetes: Hypha is a StatefulSet, each server's id its stable pod name", arguments: inputs)
    func stableServerIDs(_ input: String) throws {
        let objects = try Self.kubernetes(input)
        let hypha = Self.workloads(objects, image: "hypha")
        #expect(hypha.count == 1)
        for workload in hypha {
            #expect(workload["kind"]?.scalarText == "StatefulSet", "\(input): a Deployment's pod names change")
            let container = try #require(Self.containers(workload).first)
            let id = (container["env"]?.items ?? []).first { $0["name"]?.scalarText == "HYPHA_SERVER_ID" }
            #expect(id?["valueFrom"]?["fieldRef"]?["fieldPath"]?.scalarText == "metadata.name")
            #expect(!Self.texts(container["command"]).contains { $0.hasPrefix("--server-id") })
        }
    }

    @Test("Compose: each Hypha service's server id is its own service name", arguments: inputs)
    func composeServerIDs(_ input: String) throws {
        for (name, service) in Self.pairs(try Self.compose(input)["services"]) where name.contains("-hypha-") {
            #expect(Self.environment(service)["HYPHA_SERVER_ID"] == .some(name))
        }
    }

    // MARK: Service links

    @Test("Kubernetes: no pod gets Service links (KAFKA_PORT=tcp://… breaks both Kafka images)", arguments: inputs)
    func noServiceLinks(_ input: String) throws {
        for object in try Self.kubernetes(input) where object["spec"]?["template"] != nil {
            #expect(
                object["spec"]?["template"]?["spec"]?["enableServiceLinks"]?.scalarText == "false",
                "\(input): \(object["metadata"]?["name"]?.scalarText ?? "?") gets Service links")
        }
    }

    // MARK: Brokers advertise names every cluster resolves, ids from the ordinal

    @Test(
        "Kubernetes: each broker advertises <pod>.<headless>.<namespace>, no cluster domain, its id its ordinal",
        arguments: inputs)
    func advertisedListeners(_ input: String) throws {
        for workload in Self.workloads(try Self.kubernetes(input), image: "kafka")
        where workload["metadata"]?["name"]?.scalarText?.hasSuffix("-kafka") == true {
            let name = try #require(workload["metadata"]?["name"]?.scalarText)
            let headless = try #require(workload["spec"]?["serviceName"]?.scalarText)
            let container = try #require(Self.containers(workload).first)
            for ordinal in 0..<(Int(workload["spec"]?["replicas"]?.scalarText ?? "") ?? 0) {
                let pod = "\(name)-\(ordinal)"
                let started = try Self.startEnvironment(container, ["HOSTNAME": pod, "POD_NAMESPACE": "ns"])
                #expect(started["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://\(pod).\(headless).ns:9092")
                #expect((started["KAFKA_NODE_ID"] ?? started["KAFKA_BROKER_ID"]) == String(ordinal))
            }
        }
    }

    // MARK: A ZooKeeper ensemble forms

    @Test(
        "Kubernetes: each ZooKeeper server listens on 0.0.0.0 for its own entry, by name for the others",
        arguments: inputs)
    func zookeeperOwnEntry(_ input: String) throws {
        for workload in Self.workloads(try Self.kubernetes(input), image: "cp-zookeeper") {
            let name = try #require(workload["metadata"]?["name"]?.scalarText)
            let headless = try #require(workload["spec"]?["serviceName"]?.scalarText)
            let container = try #require(Self.containers(workload).first)
            let servers = try #require(Self.environment(container)["ZOOKEEPER_SERVERS"] ?? nil)
            let count = Int(workload["spec"]?["replicas"]?.scalarText ?? "") ?? 0
            for ordinal in 0..<count {
                let pod = "\(name)-\(ordinal)"
                let started = try Self.startEnvironment(container, ["HOSTNAME": pod, "ZOOKEEPER_SERVERS": servers])
                #expect(started["ZOOKEEPER_SERVER_ID"] == String(ordinal + 1))
                let entries = (0..<count).map {
                    $0 == ordinal ? "0.0.0.0:2888:3888" : "\(name)-\($0).\(headless):2888:3888"
                }
                #expect(started["ZOOKEEPER_SERVERS"] == entries.joined(separator: ";"), "\(pod)")
            }
        }
    }

    // MARK: Hypha's /data

    @Test("Kubernetes: every Hypha volume is its cache directory, writable through fsGroup 8877", arguments: inputs)
    func hyphaDataIsUsed(_ input: String) throws {
        for workload in Self.workloads(try Self.kubernetes(input), image: "hypha") {
            #expect(workload["spec"]?["template"]?["spec"]?["securityContext"]?["fsGroup"]?.scalarText == "8877")
            let container = try #require(Self.containers(workload).first)
            let mounts = (container["volumeMounts"]?.items ?? []).compactMap { $0["mountPath"]?.scalarText }
            if mounts.isEmpty { continue } // the file names a cache directory of its own
            let cacheDirectory = try #require(Self.cacheDirectory(container), "\(input): \(mounts) but no --cache-dir")
            for mount in mounts {
                #expect(
                    cacheDirectory == mount || cacheDirectory.hasPrefix(mount + "/"),
                    "\(input): \(mount) is mounted but the cache directory is \(cacheDirectory)")
            }
        }
    }

    /// The value of a container's last `--cache-dir`, `$(NAME)` looked up in its env.
    static func cacheDirectory(_ container: YAMLNode) -> String? {
        guard let flag = texts(container["command"]).last(where: { $0.hasPrefix("--cache-dir=") }) else { return nil }
        let value = String(flag.dropFirst("--cache-dir=".count))
        guard value.hasPrefix("$(") else { return value }
        return environment(container)[String(value.dropFirst(2).dropLast())] ?? nil
    }

    @Test(
        "Kubernetes: /data is the cache directory, or, when the file names one, not mounted",
        arguments: [nil, "env: {HYPHA_CACHE_DIR: /tmp/c}", "args: [--cache-dir=/tmp/c]"])
    func ownCacheDirectory(_ setting: String?) throws {
        let (deployment, _) = try DeploymentReader.read(
            validSpec.replacingOccurrences(of: "replicas: 1", with: setting ?? "replicas: 1"), file: "f")
        let objects = try KubernetesManifest.render(deployment).components(separatedBy: "\n---\n")
            .compactMap { try YAMLReader.read($0) }
        let workload = try #require(Self.workloads(objects, image: "hypha").first)
        let container = try #require(Self.containers(workload).first)
        let mounts = (container["volumeMounts"]?.items ?? []).compactMap { $0["mountPath"]?.scalarText }
        let volumes = workload["spec"]?["template"]?["spec"]?["volumes"]?.items ?? []
        #expect(Self.cacheDirectory(container) == (setting == nil ? "/data" : "/tmp/c"))
        #expect(mounts == (setting == nil ? ["/data"] : []))
        #expect(volumes.count == (setting == nil ? 1 : 0))
    }

    @Test("Compose: no Hypha service mounts a named volume its user 8877 could not write", arguments: inputs)
    func hyphaNoRootOwnedVolume(_ input: String) throws {
        for (name, service) in Self.pairs(try Self.compose(input)["services"]) where name.contains("-hypha-") {
            #expect(service["volumes"] == nil, "\(input): \(name) mounts \(Self.texts(service["volumes"]))")
        }
    }

    // MARK: Probes that the Kafka-capable server passes

    @Test(
        "Hypha is never probed on /health/* (always 503 on the Kafka branch), and the file says why", arguments: inputs,
        ["k8s", "compose"])
    func probes(_ input: String, _ target: String) throws {
        let text = try ExampleManifestTests.generate(input, target)
        #expect(text.hasPrefix("#") && text.contains("_check_pubsub_health()"), "\(input) \(target): no comment")
        for unit in try Self.hyphaUnits(input, target) {
            let probes: [String] =
                target == "k8s"
                ? ["startupProbe", "readinessProbe", "livenessProbe"].compactMap {
                    unit[$0]?["httpGet"]?["path"]?.scalarText
                }
                : Self.texts(unit["healthcheck"]?["test"])
            #expect(probes.count == (target == "k8s" ? 3 : 4))
            #expect(!probes.contains { $0.contains("/health/") }, "\(input) \(target): \(probes)")
            #expect(probes.contains { $0.contains("/assets/config.json") })
        }
    }

    @Test(
        "probes follow the server's --base-path, from args or HYPHA_BASE_PATH",
        arguments: ["args: [--base-path=/hub/]", "args: [--base-path, /hub]", "env: {HYPHA_BASE_PATH: /hub}"])
    func probesUnderBasePath(_ setting: String) throws {
        let (deployment, _) = try DeploymentReader.read(
            validSpec.replacingOccurrences(of: "replicas: 1", with: setting), file: "f")
        let objects = try KubernetesManifest.render(deployment).components(separatedBy: "\n---\n")
            .compactMap { try YAMLReader.read($0) }
        let container = try #require(Self.workloads(objects, image: "hypha").first.map(Self.containers)?.first)
        for probe in ["startupProbe", "readinessProbe", "livenessProbe"] {
            #expect(container[probe]?["httpGet"]?["path"]?.scalarText == "/hub/assets/config.json", "\(probe)")
        }
        let compose = try #require(try YAMLReader.read(ComposeManifest.render(deployment)))
        let service = try #require(Self.pairs(compose["services"]).first { $0.0.contains("-hypha-") }?.1)
        #expect(Self.texts(service["healthcheck"]?["test"]).last?.contains("9527/hub/assets/config.json'") == true)
    }
}
