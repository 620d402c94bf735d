// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// `hyphactl generate` as a runbook calls it (needs no broker).
@Suite("generate on the command line")
final class GenerateCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// This test's files, removed when it ends.
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "generate-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }

    deinit { try? FileManager.default.removeItem(at: directory) }

    private func temporary(_ name: String, _ contents: Data) throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url)
        return url.path
    }

    @Test("generate k8s for the KRaft example prints what is committed, and warns about replicas")
    func kubernetes() throws {
        let input = Self.root.appendingPathComponent("examples/prod-k8s-kraft.yaml").path
        let result = try Subprocess.run(try Hyphactl.binary(), ["generate", "k8s", "-f", input])
        #expect(result.status == 0, "\(result.stderr)")
        let committed = try String(
            contentsOfFile: Self.root.appendingPathComponent("examples/prod-k8s-kraft.k8s.yaml").path, encoding: .utf8)
        #expect(result.output == committed)
        #expect(result.stderr.contains("warning: hypha.replicas is 2"))
    }

    @Test("a released Hypha image: one warning line on stderr, the manifests still written, exit 0")
    func releasedImage() throws {
        let input = try temporary(
            "released.yaml",
            Data(
                Self.valid.replacingOccurrences(
                    of: "registry.example.org/hypha:kafka-pr767", with: "ghcr.io/amun-ai/hypha:0.21.137"
                ).utf8))
        let result = try Subprocess.run(try Hyphactl.binary(), ["generate", "k8s", "-f", input])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.output.contains("kind: StatefulSet"))
        let lines = result.stderr.split(separator: "\n").filter { $0.contains("no release has --kafka-uri") }
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(
            lines.first?.hasPrefix("hyphactl: warning: hypha.image ghcr.io/amun-ai/hypha:0.21.137 is a released Hypha")
                == true)

        let built = try temporary("built.yaml", Data(Self.valid.utf8))
        let quiet = try Subprocess.run(try Hyphactl.binary(), ["generate", "k8s", "-f", built])
        #expect(quiet.status == 0 && !quiet.stderr.contains("no release has"), "\(quiet.stderr)")
    }

    @Test("a bad file: every problem with line and column on stderr, exit 65, nothing on stdout")
    func badFile() throws {
        let input = try temporary(
            "bad.yaml",
            Data(
                """
                apiVersion: hyphactl/v1
                kind: HyphaDeployment
                name: demo
                hypha:
                  image: ghcr.io/amun-ai/hypha:latest
                  replicas: two
                kafka:
                  mode: bundled
                  brokers: 3
                  replicationFactor: 4

                """.utf8))
        let result = try Subprocess.run(try Hyphactl.binary(), ["generate", "compose", "-f", input])
        #expect(result.status == 65)
        #expect(result.output.isEmpty)
        #expect(result.stderr.contains("hypha.image: 'latest' is refused"))
        #expect(result.stderr.contains("hypha.replicas: expected an integer at line 6, column 13"))
        #expect(
            result.stderr.contains(
                "kafka.replicationFactor: expected 1 to 3 (kafka.brokers), found 4 at line 10, column 22"))
        #expect(result.stderr.contains("3 problems; nothing was generated"))
    }

    @Test(
        "binary garbage and an empty file exit 65, a missing file 66, with one line",
        arguments: ["garbage", "empty", "missing"])
    func unreadable(_ kind: String) throws {
        let path: String =
            switch kind {
            case "garbage": try temporary("garbage.yaml", Data([0x00, 0xFF, 0xFE, 0x13, 0x37, 0x00, 0x9C]))
            case "empty": try temporary("empty.yaml", Data())
            default: "/nonexistent/hypha.yaml"
            }
        let result = try Subprocess.run(try Hyphactl.binary(), ["generate", "k8s", "-f", path])
        #expect(result.status == (kind == "missing" ? 66 : 65))
        #expect(result.output.isEmpty)
        #expect(!result.stderr.isEmpty)
    }

    @Test("-o writes the file whole; --check exits 0 when it matches, 1 with a diff when it drifts")
    func outputAndCheck() throws {
        let input = Self.root.appendingPathComponent("examples/dev-compose-zookeeper.yaml").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-compose.yaml")
            .path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let written = try Subprocess.run(try Hyphactl.binary(), ["generate", "compose", "-f", input, "-o", output])
        #expect(written.status == 0 && written.output.isEmpty, "\(written.stderr)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.hasPrefix("# Generated by hyphactl generate compose.\n") && text.contains("\nservices:\n"))

        #expect(
            try Subprocess.run(try Hyphactl.binary(), ["generate", "compose", "-f", input, "--check", output]).status
                == 0)
        try text.replacingOccurrences(of: "restart: unless-stopped", with: "restart: always").write(
            toFile: output, atomically: true, encoding: .utf8)
        let drifted = try Subprocess.run(
            try Hyphactl.binary(), ["generate", "compose", "-f", input, "--check", output])
        #expect(drifted.status == 1)
        #expect(drifted.output.contains("-    restart: always"))
        #expect(drifted.output.contains("+    restart: unless-stopped"))
        #expect(drifted.output.contains("@@ -"))
        #expect(drifted.stderr.contains("differs"))
    }

    @Test("what would not come up at a first apply: every problem at once, with its rule, exit 65")
    func firstApplyProblems() throws {
        let input = try temporary(
            "first-apply.yaml",
            Data(
                Self.valid.replacingOccurrences(
                    of: "hypha:kafka-pr767", with: "hypha:kafka-pr767\n  port: 9093\n  args: [--enable-server-apps]"
                ).replacingOccurrences(
                    of: "mode: bundled", with: "mode: bundled\n  brokers: 3\n  image: confluentinc/cp-kafka:7.4.0"
                ).utf8))
        let result = try Subprocess.run(try Hyphactl.binary(), ["generate", "compose", "-f", input])
        #expect(result.status == 65)
        #expect(result.output.isEmpty)
        #expect(
            result.stderr.contains(
                "hypha.args[0]: --enable-server-apps needs S3 (Hypha asserts \"Server apps require S3 to be enabled\"")
        )
        #expect(result.stderr.contains("at line 7, column 9"))
        #expect(result.stderr.contains("kafka.image: flavor kraft runs apache/kafka"))
        #expect(result.stderr.contains("at line 11, column 10"))
        #expect(result.stderr.contains("hypha.port: Compose publishes the Hypha servers on host ports 9093"))
        #expect(result.stderr.contains("at line 6, column 9"))
        #expect(result.stderr.contains("3 problems; nothing was generated"), "\(result.stderr)")
    }

    static let valid = """
        apiVersion: hyphactl/v1
        kind: HyphaDeployment
        name: demo
        hypha:
          image: registry.example.org/hypha:kafka-pr767
        kafka:
          mode: bundled

        """

    /// Seven levels of ten aliases each: ten million nodes if expanded.
    static let aliasBomb: String = {
        var lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<7 {
            let refs = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("l\(level): &l\(level) [\(refs)]")
        }
        return lines.joined(separator: "\n")
    }()

    @Test(
        "the corpus of bad inputs: each its message, exit 65",
        arguments: [
            ("syntax error", "name: [unclosed\n", "line 2, column 1"),
            (
                "wrong type", valid.replacingOccurrences(of: "mode: bundled", with: "mode: bundled\n  brokers: three"),
                "kafka.brokers: expected an integer at line 8, column 12"
            ),
            (
                "unknown key", valid.replacingOccurrences(of: "name: demo", with: "name: demo\nnamspace: x"),
                "namspace: unknown key (did you mean namespace?) at line 4, column 1"
            ),
            ("duplicate key", valid + "name: twice\n", "duplicate key 'name' at line 8, column 1"),
            (
                "missing tag", valid.replacingOccurrences(of: ":kafka-pr767", with: ""),
                "hypha.image: the image needs a tag"
            ),
            (
                "latest", valid.replacingOccurrences(of: "kafka-pr767", with: "latest"),
                "hypha.image: 'latest' is refused"
            ),
            (
                "replication over brokers",
                valid.replacingOccurrences(
                    of: "mode: bundled", with: "mode: bundled\n  brokers: 3\n  replicationFactor: 4"),
                "kafka.replicationFactor: expected 1 to 3 (kafka.brokers), found 4"
            ),
            ("alias bomb", aliasBomb, "aliases expand to more than 100000 nodes"),
            ("empty file", "", "the file is empty"),
            ("no mapping", "- just\n- a list\n", "expected a mapping, found a list at line 1, column 1"),
        ])
    func corpus(_ name: String, _ text: String, _ expected: String) throws {
        let path = try temporary("\(name.replacingOccurrences(of: " ", with: "-")).yaml", Data(text.utf8))
        let result = try Subprocess.run(try Hyphactl.binary(), ["generate", "k8s", "-f", path])
        #expect(result.status == 65, "\(name): \(result.stderr)")
        #expect(result.output.isEmpty)
        #expect(result.stderr.contains(expected), "\(name): \(result.stderr)")
    }
}
