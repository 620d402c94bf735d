// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaManifests
import HyphaYAML
import TestSupport
import Testing

/// Every example in examples/: its committed output is what it generates now, and
/// that output passes the offline validators of docs/deploy.md and our own cross-checks.
@Suite("the examples and their manifests")
struct ExampleManifestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Each example input with the target its output is committed for.
    static let examples: [(input: String, target: String)] = [
        ("dev-compose-zookeeper", "compose"),
        ("prod-k8s-kraft", "k8s"),
        ("external-k8s-4-replicas", "k8s"),
        ("prod-k8s-kraft", "compose"),
        ("dev-compose-zookeeper", "k8s"),
        ("external-k8s-4-replicas", "compose"),
        ("ha-k8s-zookeeper", "k8s"),
        ("ha-k8s-zookeeper", "compose"),
    ]

    static func generate(_ input: String, _ target: String) throws -> String {
        let path = root.appendingPathComponent("examples/\(input).yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (deployment, _) = try DeploymentReader.read(text, file: path)
        return target == "compose" ? ComposeManifest.render(deployment) : KubernetesManifest.render(deployment)
    }

    static func outputPath(_ input: String, _ target: String) -> String {
        root.appendingPathComponent("examples/\(input).\(target).yaml").path
    }

    @Test("a committed output that drifts from its input fails", arguments: examples.map { "\($0.input).\($0.target)" })
    func noDrift(_ name: String) throws {
        let parts = name.split(separator: ".").map(String.init)
        let generated = try Self.generate(parts[0], parts[1])
        let committed = try String(contentsOfFile: Self.outputPath(parts[0], parts[1]), encoding: .utf8)
        #expect(generated == committed, "examples/\(name).yaml is stale: regenerate it with scripts/generate-examples")
        #expect(try Self.generate(parts[0], parts[1]) == generated, "output is not deterministic")
    }

    @Test(
        "every example names an image built from the Kafka branch, with the command that builds it",
        arguments: Set(examples.map(\.input)).sorted())
    func buildableImage(_ input: String) throws {
        let text = try String(
            contentsOfFile: Self.root.appendingPathComponent("examples/\(input).yaml").path, encoding: .utf8)
        let (deployment, warnings) = try DeploymentReader.read(text, file: input)
        #expect(!DeploymentReader.isReleasedHyphaImage(deployment.hypha.image))
        #expect(!warnings.contains { $0.description.contains("no release has --kafka-uri") }, "\(warnings)")
        #expect(
            text.contains(
                "docker build -t \(deployment.hypha.image) https://github.com/amun-ai/hypha.git#refs/pull/767/head"),
            "examples/\(input).yaml does not say how to build \(deployment.hypha.image)")
    }

    @Test("yamllint accepts every output", arguments: examples.map { "\($0.input).\($0.target)" })
    func yamllint(_ name: String) throws {
        let result = try Validators.run(
            "yamllint",
            [
                "-s", "-c", Self.root.appendingPathComponent(".yamllint").path,
                Self.root.appendingPathComponent("examples/\(name).yaml").path,
            ])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(
        "kubernetes-validate --strict accepts every Kubernetes object, for Kubernetes 1.30",
        arguments: examples.filter { $0.target == "k8s" }.map(\.input))
    func kubernetesValidate(_ input: String) throws {
        let result = try Validators.run(
            "kubernetes-validate", ["--strict", "-k", "1.30.0", Self.outputPath(input, "k8s")])
        #expect(result.status == 0, "\(result.output)")
        #expect(
            !result.output.contains("WARN"), "a warning (unknown apiVersion?) counts as a failure: \(result.output)")
        #expect(result.output.contains("INFO"))
    }

    @Test(
        "the Compose schema and docker-compose accept every Compose file",
        arguments: examples.filter { $0.target == "compose" }.map(\.input))
    func composeValidate(_ input: String) throws {
        let schema = try Validators.run(
            "check-jsonschema", ["--builtin-schema", "vendor.compose-spec", Self.outputPath(input, "compose")])
        #expect(schema.status == 0, "\(schema.output)")
        // Beside its env files, as a user keeps it, and with no secret in the environment:
        // what `docker compose down` or `logs` sees in a fresh shell.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("docker-compose.yaml")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.outputPath(input, "compose")), to: file)
        let text = try String(contentsOf: file, encoding: .utf8)
        for match in text.matches(of: /\n    - ([a-z0-9.-]+\.env)\n/) {
            try Data("ONLY_FOR_THE_CHECK=1\n".utf8).write(to: directory.appendingPathComponent(String(match.output.1)))
        }
        // Each variable the file names with :? set empty, which :? refuses like an unset one.
        let secrets = text.matches(of: /\$\{([A-Z0-9_]+):\?/).map { String($0.output.1) }
        let compose = try Validators.run(
            "/usr/bin/docker-compose", ["-f", file.path, "config", "-q"],
            environment: Dictionary(secrets.map { ($0, "") }, uniquingKeysWith: { $1 }))
        #expect(compose.status == 0, "\(compose.output)")
    }

    @Test(
        "selectors, Services, budgets, probes and serviceName fit together",
        arguments: examples.filter { $0.target == "k8s" }.map(\.input))
    func crossChecks(_ input: String) throws {
        let text = try String(contentsOfFile: Self.outputPath(input, "k8s"), encoding: .utf8)
        let problems = try KubernetesCrossCheck.problems(in: text)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("the cross-checks catch a selector that matches no pod")
    func crossChecksCanFail() throws {
        let text = try String(contentsOfFile: Self.outputPath("prod-k8s-kraft", "k8s"), encoding: .utf8)
        let broken = text.replacingOccurrences(of: "port: http\n", with: "port: web\n")
            .replacingOccurrences(of: "serviceName: demo-kafka-headless", with: "serviceName: demo-kafka")
        let problems = try KubernetesCrossCheck.problems(in: broken)
        #expect(problems.contains { $0.contains("probe port web") })
        #expect(problems.contains { $0.contains("serviceName demo-kafka") })
    }
}

/// The offline validators scripts/setup installs.
enum Validators {
    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, output: String
    ) {
        let python = try #require(
            ProcessInfo.processInfo.environment["HYPHA_TEST_PYTHON"],
            "HYPHA_TEST_PYTHON is not set: run the tests through scripts/test, which installs the validators")
        let executable =
            tool.hasPrefix("/")
            ? tool : URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent(tool).path
        let process = try ChildProcess(
            executable, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            stdout: .pipe, stderr: .output)
        let data = try #require(process.output).readToEndRetryingInterrupts()
        return (process.waitForExit(), String(decoding: data, as: UTF8.self))
    }
}
