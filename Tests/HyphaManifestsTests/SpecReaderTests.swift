// SPDX-License-Identifier: Apache-2.0
import HyphaManifests
import Testing

/// A small valid file the bad inputs are made from.
let validSpec = """
    apiVersion: hyphactl/v1
    kind: HyphaDeployment
    name: demo
    hypha:
      image: registry.example.org/hypha:kafka-pr767
      replicas: 1
      secretEnv:
        HYPHA_JWT_SECRET: {secret: hypha-secrets, key: jwt}
    kafka:
      mode: bundled
    """

/// Every problem reading `text` finds, one line each; none for a valid file.
func problems(_ text: String) -> [String] {
    do {
        _ = try DeploymentReader.read(text, file: "hypha.yaml")
        return []
    } catch {
        return error.problems.map(\.description)
    }
}

/// Bad inputs: each gives its message with the key path and position, all at once.
@Suite("reading hypha.yaml")
struct SpecReaderTests {
    @Test("a valid file reads, with defaults filled in")
    func valid() throws {
        let (deployment, warnings) = try DeploymentReader.read(validSpec, file: "hypha.yaml")
        #expect(deployment.name == "demo" && deployment.hypha.port == 9527 && deployment.hypha.replicas == 1)
        guard case .bundled(let kafka) = deployment.kafka else {
            Issue.record("not bundled")
            return
        }
        #expect(kafka.flavor == .kraft && kafka.image == "apache/kafka:3.9.1" && kafka.brokers == 1)
        #expect(kafka.replicationFactor == 1 && kafka.minInsyncReplicas == 1 && kafka.compression == "snappy")
        #expect(warnings.isEmpty)
    }

    @Test("several replicas are warned about, and why")
    func replicasWarning() throws {
        let (_, warnings) = try DeploymentReader.read(
            validSpec.replacingOccurrences(of: "replicas: 1", with: "replicas: 2"), file: "f")
        #expect(warnings.count == 1)
        #expect(warnings.first?.description.contains("not shared between replicas") == true)
    }

    @Test(
        "bad inputs, each with its message",
        arguments: [
            ("syntax error", "name: [unclosed\n", "did not find expected ',' or ']' at line 2, column 1"),
            (
                "wrong type", validSpec.replacingOccurrences(of: "replicas: 1", with: "replicas: two"),
                "hypha.replicas: expected an integer at line 6, column 13"
            ),
            (
                "unknown key", validSpec.replacingOccurrences(of: "replicas: 1", with: "replics: 1"),
                "hypha.replics: unknown key (did you mean replicas?) at line 6, column 3"
            ),
            ("duplicate key", validSpec + "\nname: again\n", "duplicate key 'name' at line 11, column 1"),
            (
                "missing tag", validSpec.replacingOccurrences(of: "hypha:kafka-pr767", with: "hypha"),
                "hypha.image: the image needs a tag, e.g. registry.example.org/hypha:<version> at line 5, column 10"
            ),
            (
                "latest", validSpec.replacingOccurrences(of: "kafka-pr767", with: "latest"),
                "hypha.image: 'latest' is refused: pin a version so every replica runs the same image at line 5, column 10"
            ),
            (
                "replication over brokers", validSpec + "\n  brokers: 3\n  replicationFactor: 5\n",
                "kafka.replicationFactor: expected 1 to 3 (kafka.brokers), found 5 at line 12, column 22"
            ),
            (
                "alias bomb",
                """
                a: &a [x, x, x, x, x, x, x, x, x, x]
                b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
                c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
                d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
                e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
                f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
                g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
                """, "aliases expand to more than 100000 nodes (an alias bomb?)"
            ),
            ("empty file", "", "the file is empty (start from examples/ or docs/deploy.md)"),
            (
                "reserved argument", validSpec.replacingOccurrences(of: "replicas: 1", with: "args: [--port=80]"),
                "hypha.args[0]: --port is set by the generator and cannot be given here at line 6, column 9"
            ),
            (
                "secret as a value",
                validSpec.replacingOccurrences(of: "replicas: 1", with: "env: {HYPHA_JWT_SECRET: s3cret}"),
                "hypha.env.HYPHA_JWT_SECRET: a secret never goes in a file: use hypha.secretEnv with {secret, key} at line 6, column 9"
            ),
            (
                "min ISR not below replication",
                validSpec + "\n  brokers: 3\n  replicationFactor: 3\n  minInsyncReplicas: 3\n",
                "kafka.minInsyncReplicas: expected at least 1 and less than kafka.replicationFactor (3), so one broker can be down, found 3 at line 13, column 22"
            ),
        ])
    func badInput(_ name: String, _ text: String, _ expected: String) {
        let found = problems(text)
        #expect(found.contains { $0.contains(expected) }, "\(name): \(found)")
    }

    @Test("every problem in a file is reported at once")
    func allAtOnce() {
        let text = """
            apiVersion: hyphactl/v2
            kind: HyphaDeployment
            name: Demo_1
            hypha:
              image: ghcr.io/amun-ai/hypha:latest
              replicas: many
              colour: blue
            kafka:
              mode: bundled
              brokers: 2
            """
        let found = problems(text)
        #expect(found.count == 6, "\(found)")
        #expect(found.contains("apiVersion: expected hyphactl/v1, found hyphactl/v2 at line 1, column 13"))
        #expect(
            found.contains { $0.hasPrefix("name: expected a DNS-1123 label") && $0.hasSuffix("at line 3, column 7") })
        #expect(found.contains { $0.hasPrefix("hypha.image: 'latest' is refused") })
        #expect(found.contains("hypha.replicas: expected an integer at line 6, column 13"))
        #expect(found.contains("hypha.colour: unknown key at line 7, column 3"))
        #expect(found.contains { $0.hasPrefix("kafka.brokers: expected 1, 3 or 5") })
    }

    /// Server options in env, args or secretEnv that the generated server would not see as given.
    static let optionCases: [(String, String, String)] = [
        (
            "an option switch as a variable",
            validSpec.replacingOccurrences(of: "replicas: 1", with: "env: {HYPHA_ENABLE_SERVER_APPS: \"true\"}"),
            "hypha.env.HYPHA_ENABLE_SERVER_APPS: python -m hypha.server ignores HYPHA_ENABLE_SERVER_APPS (it reads HYPHA_* options only under --from-env): put --enable-server-apps in hypha.args instead at line 6, column 9"
        ),
        (
            "an option given as a variable and a flag",
            validSpec.replacingOccurrences(
                of: "replicas: 1",
                with: "args: [--database-uri=sqlite+aiosqlite:///x.db]\n  env: {HYPHA_DATABASE_URI: y}"),
            "hypha.env.HYPHA_DATABASE_URI: --database-uri is given twice: here (passed as --database-uri=…) and in hypha.args or publicBaseUrl at line 7, column 9"
        ),
        (
            "a secret option given as a flag too",
            validSpec.replacingOccurrences(of: "replicas: 1", with: "args: [--openai-api-key=k]")
                .replacingOccurrences(
                    of: "key: jwt}", with: "key: jwt}\n    HYPHA_OPENAI_API_KEY: {secret: s, key: k}"),
            "hypha.secretEnv.HYPHA_OPENAI_API_KEY: --openai-api-key is given twice"
        ),
        (
            "--from-env", validSpec.replacingOccurrences(of: "replicas: 1", with: "args: [--from-env]"),
            "hypha.args[0]: --from-env replaces every flag with HYPHA_* variables"
        ),
        (
            "HYPHA_FROM_ENV",
            validSpec.replacingOccurrences(of: "replicas: 1", with: "env: {HYPHA_FROM_ENV: \"1\"}"),
            "hypha.env.HYPHA_FROM_ENV: --from-env replaces every flag"
        ),
        (
            "Redis", validSpec.replacingOccurrences(of: "replicas: 1", with: "env: {HYPHA_REDIS_URI: redis://r}"),
            "hypha.env.HYPHA_REDIS_URI: Hypha refuses to start with both Redis and Kafka"
        ),
    ]

    @Test("server options the server would ignore or refuse, each with the flag to use", arguments: optionCases)
    func optionInput(_ name: String, _ text: String, _ expected: String) {
        let found = problems(text)
        #expect(found.contains { $0.contains(expected) }, "\(name): \(found)")
    }

    @Test(
        "a released Hypha image (no --kafka-uri in any release) is warned about, an image of another tag is not",
        arguments: [
            ("ghcr.io/amun-ai/hypha:0.21.137", true), ("amun-ai/hypha:0.20.61", true),
            ("docker.io/amun-ai/hypha:v0.21.1", true), ("GHCR.IO/Amun-AI/Hypha:1.0.0", true),
            ("ghcr.io/amun-ai/hypha:kafka-pr767", false), ("registry.example.org/hypha:kafka-pr767", false),
            ("registry.example.org/amun-ai/hypha:0.21.137", false), ("ghcr.io/amun-ai/hypha:0.20.61.post6", false),
            ("ghcr.io/amun-ai/hypha@sha256:" + String(repeating: "a", count: 64), false),
            ("localhost:5000/hypha:0.21.137", false),
        ])
    func releasedImage(_ image: String, _ released: Bool) throws {
        #expect(DeploymentReader.isReleasedHyphaImage(image) == released)
        let (_, warnings) = try DeploymentReader.read(
            validSpec.replacingOccurrences(of: "registry.example.org/hypha:kafka-pr767", with: image), file: "f")
        let warning = warnings.first { $0.description.contains("no release has --kafka-uri") }
        #expect((warning != nil) == released, "\(image): \(warnings)")
        if let warning {
            #expect(warning.description.hasPrefix("hypha.image \(image) is a released Hypha"))
            #expect(!warning.description.contains("\n"))
        }
    }

    @Test("one broker forces replication and min ISR to 1")
    func oneBroker() {
        let found = problems(validSpec + "\n  replicationFactor: 3\n")
        #expect(
            found == ["kafka.replicationFactor: one broker holds one replica: must be 1, found 3 at line 11, column 22"]
        )
    }

    @Test("external Kafka takes only bootstrap servers")
    func external() {
        let text = validSpec.replacingOccurrences(of: "mode: bundled", with: "mode: external\n  brokers: 3")
        let found = problems(text)
        #expect(found.contains { $0.hasPrefix("kafka.brokers: unknown key") })
        #expect(found.contains { $0.hasPrefix("kafka.bootstrapServers: required") })
    }
}
