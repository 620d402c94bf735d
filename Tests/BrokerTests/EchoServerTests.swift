// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// Examples/echo-server, built by scripts/test, against the test broker, with the
/// aiokafka peer in the role of a Python Hypha server.
@Suite("the echo-server example against the test broker")
struct EchoServerTests {
    @Test("answers d:, s: and b: pings from a Python peer with pongs of the same type and data; SIGTERM ends it with 0")
    func echoes() async throws {
        let binary = try TestEnvironment.require("HYPHA_TEST_ECHO_SERVER")
        try #require(
            FileManager.default.isExecutableFile(atPath: binary),
            "HYPHA_TEST_ECHO_SERVER=\(binary) is not an executable: scripts/test builds it (swift build --package-path Examples/echo-server)"
        )
        let bootstrap = try TestEnvironment.bootstrap()
        let serverID = TestEnvironment.uniqueEvent("echo")
        let started = Date()

        // Group timings Tansu serves quickly, as TestBus uses.
        let server = try RunningCommand(
            executable: binary,
            [
                "--bootstrap-servers", bootstrap, "--server-id", serverID, "--timeout", "30",
                "-X", "session.timeout.ms=6000", "-X", "max.poll.interval.ms=6000", "-X", "heartbeat.interval.ms=1000",
            ])
        defer { server.signal(SIGKILL) }
        let ready = await server.nextLine(within: 90)
        guard let ready, ready.hasPrefix("echo-server: ready"), ready.contains(serverID) else {
            server.signal(SIGKILL)
            Issue.record(
                "no ready line from echo-server within 90 s (got \(ready.map { "'\($0)'" } ?? "nothing")); its stderr: \(server.stderrSoFar().suffix(3000))"
            )
            return
        }

        // The pong reader first: its group (new) starts at the log end, so only
        // pongs sent after its "ready" reach it.
        let python = try TestEnvironment.require("HYPHA_TEST_PYTHON")
        let peer = try TestEnvironment.require("HYPHA_TEST_PEER")
        let pongs = try RunningCommand(
            executable: python,
            [
                peer, "consume", "--server-id", TestEnvironment.uniqueEvent("pongs"), "--events", "pong",
                "--timeout", "150", "--bootstrap", bootstrap,
            ])
        defer { pongs.signal(SIGKILL) }
        var peerReady = false
        while let line = await pongs.nextLine(within: 30) {
            if line.contains("\"ready\"") {
                peerReady = true
                break
            }
        }
        try #require(
            peerReady, "the pong reader was not ready within 30 s; its stderr: \(pongs.stderrSoFar().suffix(2000))")
        let serverReadyAfter = Date().timeIntervalSince(started)

        // Event names are fixed: a nonce in every payload tells this run's pongs from any other's.
        let nonce = UUID().uuidString.lowercased()
        let object: [String: Any] = [
            "nonce": nonce, "text": "grüß ✓", "list": [1, 2.5, NSNull()], "nested": ["ok": true],
        ]
        let text = "ping \(nonce) ✓"
        let bytes = Data(nonce.utf8) + Data([0x00, 0x81, 0xFE, 0xFF])
        _ = try PythonPeer.produce([
            ["event": "ping", "type": "d", "data": object],
            ["event": "ping", "type": "s", "data": text],
            ["event": "ping", "type": "b", "data": bytes.base64EncodedString()],
        ])

        var received: [String: [String: Any]] = [:] // ours, by type
        let deadline = Date().addingTimeInterval(60)
        while received.count < 3, Date() < deadline,
            let line = await pongs.nextLine(within: deadline.timeIntervalSinceNow)
        {
            guard let pong = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                continue
            }
            if let type = pong["type"] as? String, Self.carries(nonce, pong) { received[type] = pong }
        }
        #expect(
            received.count == 3,
            "pongs of this run by type: \(received); the server's stderr: \(server.stderrSoFar().suffix(2000))")
        for pong in received.values {
            #expect(pong["event"] as? String == "pong" && pong["topic"] as? String == "hypha_event_pong", "\(pong)")
            #expect(pong["error"] == nil, "a pong whose value does not decode: \(pong)")
        }
        if let pong = received["d"] { #expect(try canonical(pong["data"]) == canonical(object)) }
        if let pong = received["s"] { #expect(pong["data"] as? String == text) }
        if let pong = received["b"] { #expect(pong["data"] as? String == bytes.base64EncodedString()) }
        pongs.signal(SIGKILL)
        let answeredAfter = Date().timeIntervalSince(started)

        server.signal(SIGTERM)
        let end = await server.finish(within: 30)
        #expect(
            end != nil,
            "echo-server still running 30 s after SIGTERM (killed); its stderr: \(server.stderrSoFar().suffix(3000))")
        if let end {
            #expect(
                end.status == 0,
                "echo-server exited \(end.status) after SIGTERM; its stderr: \(end.stderr.suffix(3000))")
            #expect(end.stdout.isEmpty, "echo-server printed more than its ready line: \(end.stdout)")
        }
        print(
            String(
                format:
                    "echo-server: it and the pong reader ready after %.1f s, pongs after %.1f s, ended after %.1f s",
                serverReadyAfter, answeredAfter, Date().timeIntervalSince(started)))
    }

    /// Whether a pong the peer printed carries this run's nonce, whatever its type.
    @Test("links the bus without libyaml: only the CLI's config file needs it")
    func linksWithoutLibyaml() throws {
        let binary = try TestEnvironment.require("HYPHA_TEST_ECHO_SERVER")
        let ldd = try Subprocess.run("/usr/bin/ldd", [binary])
        let libraries = ldd.output
        #expect(ldd.status == 0, "\(ldd.stderr)")
        #expect(libraries.contains("librdkafka"), "\(libraries)")
        #expect(!libraries.contains("libyaml"), "\(libraries)")
    }

    private static func carries(_ nonce: String, _ pong: [String: Any]) -> Bool {
        switch pong["data"] {
        case let object as [String: Any]: object["nonce"] as? String == nonce
        case let string as String:
            pong["type"] as? String == "b"
                ? Data(base64Encoded: string).map { String(decoding: $0, as: UTF8.self).contains(nonce) } ?? false
                : string.contains(nonce)
        default: false
        }
    }
}
