// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// TLS end to end: Tansu behind stunnel, certificates made by openssl.
@Suite("TLS: -X and contexts, mutual TLS, certificate failures, the key password")
struct TLSTests {
    /// `hyphactl ARGS -b <broker> --no-color`, with `environment` (HYPHA_KAFKA_URI unset).
    private func hyphactl(
        _ arguments: [String], _ broker: TLSBroker, environment: [String: String] = [:], stdin: Data? = nil
    ) throws -> ProcessResult {
        var merged = ProcessInfo.processInfo.environment
        merged["HYPHA_KAFKA_URI"] = nil
        merged["HYPHACTL_CONFIG"] = "/nonexistent/hyphactl-config.yaml"
        merged.merge(environment) { $1 }
        return try Subprocess.run(
            try Hyphactl.binary(), arguments + ["-b", broker.bootstrap, "--no-color"], stdin: stdin,
            environment: merged, timeout: 90)
    }

    /// Every command the capability names, over TLS: emit, topics list, tail,
    /// servers, probe, doctor. Returns each run's result for further checks.
    @discardableResult
    private func everyCommand(
        _ broker: TLSBroker, _ options: [String], environment: [String: String] = [:]
    ) throws -> [ProcessResult] {
        let event = TestEnvironment.uniqueEvent("tls")
        var results: [ProcessResult] = []
        func run(_ arguments: [String]) throws -> ProcessResult {
            let result = try hyphactl(arguments + options, broker, environment: environment)
            #expect(result.status == 0, "\(arguments): exit \(result.status): \(result.stderr)")
            results.append(result)
            return result
        }
        let emitted = try run(["emit", event, "{\"over\":\"tls\"}", "-o", "json"])
        #expect(emitted.output.contains("\"topic\":\"hypha_event_\(event)\""), "\(emitted.output)")
        let listed = try run(["topics", "list"])
        #expect(listed.lines.contains { $0.hasPrefix(event + " ") }, "\(listed.output)")
        let tailed = try run(["tail", event, "--from-beginning", "-e", "-f", "jsonl"])
        #expect(tailed.output.contains("\"data\":{\"over\": \"tls\"}"), "\(tailed.output)")
        _ = try run(["servers", "-o", "json"])
        let probed = try run(["probe", "--count", "2"])
        #expect(!probed.output.isEmpty)
        let doctor = try run(["doctor"])
        #expect(doctor.lines.contains { $0.hasPrefix("ok    tls: handshake done") }, "\(doctor.output)")
        #expect(!doctor.output.contains("fail"), "\(doctor.output)")
        return results
    }

    @Test("-X security.protocol=ssl -X ssl.ca.location: emit, topics list, tail, servers, probe, doctor")
    func commandLineSettings() throws {
        let broker = try TLSBroker()
        try everyCommand(broker, broker.tlsOptions)
        // With verification off the handshake works, and doctor says what that costs.
        let unverified = try hyphactl(
            ["doctor", "-X", "security.protocol=ssl", "-X", "enable.ssl.certificate.verification=false"], broker)
        #expect(unverified.status == 0, "\(unverified.output)")
        #expect(unverified.lines.contains { $0.hasPrefix("warn  tls: ") && $0.contains("not verified") })
    }

    @Test(
        "a context's ssl.* properties with the key password as a secret from a file or the environment, mutual TLS",
        arguments: ["file", "env"])
    func contextSettings(_ source: String) throws {
        let broker = try TLSBroker(requireClientCertificate: true)
        let certificates = broker.certificates
        let config = certificates.directory + "/config-\(UUID().uuidString.prefix(8)).yaml"
        let secret =
            source == "file"
            ? "{file: \(certificates.keyPasswordFile)}" : "{env: TLS_TEST_KEY_PASSWORD}"
        try """
        current-context: tls
        contexts:
          tls:
            bootstrap-servers: \(broker.bootstrap)
            properties:
              security.protocol: ssl
              ssl.ca.location: \(certificates.ca)
              ssl.certificate.location: \(certificates.clientCertificate)
              ssl.key.location: \(certificates.clientKey)
            secrets:
              ssl.key.password: \(secret)

        """.write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let environment = ["HYPHACTL_CONFIG": config, "TLS_TEST_KEY_PASSWORD": certificates.keyPassword]
        for result in try everyCommand(broker, ["-v"], environment: environment) {
            #expect(!result.output.contains(certificates.keyPassword))
            #expect(!result.stderr.contains(certificates.keyPassword))
        }
        var shell = ProcessInfo.processInfo.environment
        shell.merge(environment) { $1 }
        let view = try Subprocess.run(try Hyphactl.binary(), ["config", "view"], environment: shell)
        #expect(view.status == 0)
        #expect(view.output.contains("ssl.key.password"), "\(view.output)")
        #expect(!view.output.contains(certificates.keyPassword))
    }

    @Test("mutual TLS: works with the client certificate; without it or with an untrusted one, exit 69 saying so")
    func mutualTLS() throws {
        let broker = try TLSBroker(requireClientCertificate: true)
        let with = try hyphactl(["topics", "list", "--timeout", "3"] + broker.mutualTLSOptions, broker)
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.lines.first?.hasPrefix("EVENT") == true)

        let without = try hyphactl(["topics", "list", "--timeout", "3"] + broker.tlsOptions, broker)
        expectTLSFailure(without, timeout: 3, naming: "requires a client certificate", fix: "ssl.certificate.location")

        let untrusted = try hyphactl(
            ["topics", "list", "--timeout", "3"] + broker.tlsOptions + [
                "-X", "ssl.certificate.location=\(broker.certificates.untrustedClientCertificate)",
                "-X", "ssl.key.location=\(broker.certificates.clientKey)",
                "-X", "ssl.key.password=\(broker.certificates.keyPassword)",
            ], broker)
        expectTLSFailure(
            untrusted, timeout: 3, naming: "requires a client certificate and got none it accepts",
            fix: "signed by a CA the broker trusts")
    }

    /// A failure of the TLS handshake as docs/cli.md promises it: exit 69 within
    /// --timeout + 2 s, one line naming the cause and the fix, no bare timeout.
    private func expectTLSFailure(
        _ result: ProcessResult, timeout: Double, naming cause: String, fix: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 69, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.seconds < timeout + 2, "took \(result.seconds) s", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("TLS"), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(cause), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(fix), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("no answer"), "\(result.stderr)", sourceLocation: sourceLocation)
        // Not the advice for a broker that is down: this one is up.
        #expect(!result.stderr.contains("raise --timeout"), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    /// The broken setups: what the client is told, and the fix doctor shows.
    static let failures: [(name: String, server: TestCertificates.Server, wrongCA: Bool, cause: String, fix: String)] =
        [
            (
                "wrong CA", .valid, true, "certificate verify failed: unable to get local issuer certificate",
                "ssl.ca.location"
            ),
            (
                "expired certificate", .expired, false, "certificate verify failed: certificate has expired",
                "renew the broker's certificate"
            ),
            ("host name mismatch", .otherHost, false, "host name mismatch", "ssl.endpoint.identification.algorithm"),
        ]

    @Test(
        "wrong CA, expired certificate, host name mismatch: exit 69 within --timeout + 2 s, one line naming the cause",
        arguments: [
            ["topics", "list"], ["emit", "tls-never", "x"], ["tail", "tls-never", "-e"], ["servers"], ["probe"],
        ])
    func certificateFailures(_ command: [String]) throws {
        for failure in Self.failures {
            let broker = try TLSBroker(server: failure.server)
            let ca = failure.wrongCA ? broker.certificates.otherCA : broker.certificates.ca
            let options = [
                "-X", "security.protocol=ssl", "-X", "ssl.ca.location=\(ca)",
                "-X", "ssl.endpoint.identification.algorithm=https", "--timeout", "3",
            ]
            let result = try hyphactl(command + options, broker)
            expectTLSFailure(result, timeout: 3, naming: failure.cause, fix: failure.fix)
        }
    }

    @Test("doctor: a failed tls check with the cause and the fix, for each broken setup")
    func doctorShowsTheCause() throws {
        for failure in Self.failures {
            let broker = try TLSBroker(server: failure.server)
            let ca = failure.wrongCA ? broker.certificates.otherCA : broker.certificates.ca
            let result = try hyphactl(
                ["doctor", "-X", "security.protocol=ssl", "-X", "ssl.ca.location=\(ca)", "--timeout", "3"], broker)
            #expect(result.status == 1, "\(failure.name): \(result.output)")
            let index = try #require(result.lines.firstIndex { $0.hasPrefix("fail  tls: ") }, "\(result.output)")
            #expect(result.lines[index].contains(failure.cause), "\(failure.name): \(result.output)")
            #expect(
                result.lines.indices.contains(index + 1) && result.lines[index + 1].contains("→")
                    && result.lines[index + 1].contains(failure.fix),
                "\(failure.name): \(result.output)")
        }
    }

    @Test("the key password is never shown: -v, librdkafka's debug lines, failures, a wrong password")
    func keyPasswordNeverShown() throws {
        let broker = try TLSBroker(requireClientCertificate: true)
        let password = broker.certificates.keyPassword
        let event = TestEnvironment.uniqueEvent("tls")
        let runs: [[String]] = [
            ["emit", event, "x", "-v", "-X", "debug=all"],
            ["topics", "list", "-v", "-X", "debug=all"],
            ["tail", event, "--from-beginning", "-e", "-v", "-X", "debug=security,broker,conf"],
            ["doctor", "-v", "-X", "debug=all"],
        ]
        for run in runs {
            let result = try hyphactl(run + broker.mutualTLSOptions, broker)
            #expect(result.status == 0, "\(run): \(result.stderr.suffix(2000))")
            #expect(!result.output.contains(password), "\(run): on stdout")
            #expect(!result.stderr.contains(password), "\(run): on stderr")
        }
        // A failure while the password is set: the line and librdkafka's lines.
        let untrusted = try hyphactl(
            ["topics", "list", "-v", "-X", "debug=all", "--timeout", "2"] + broker.mutualTLSOptions
                + ["-X", "ssl.ca.location=\(broker.certificates.otherCA)"], broker)
        #expect(untrusted.status == 69)
        #expect(!untrusted.stderr.contains(password))
        // A wrong password, itself a secret too: refused at once, with what to check.
        let wrong = "wrong-\(password)"
        let refused = try hyphactl(
            ["topics", "list", "-v"] + broker.tlsOptions + [
                "-X", "ssl.certificate.location=\(broker.certificates.clientCertificate)",
                "-X", "ssl.key.location=\(broker.certificates.clientKey)", "-X", "ssl.key.password=\(wrong)",
            ], broker)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("ssl.key.password"), "\(refused.stderr)")
        #expect(!refused.stderr.contains(wrong) && !refused.stderr.contains(password))
    }
}
