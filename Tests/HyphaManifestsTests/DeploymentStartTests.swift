// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaManifests
import HyphaYAML
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", String(script[..<exec.lowerBound]) + "env"]
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
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
}
