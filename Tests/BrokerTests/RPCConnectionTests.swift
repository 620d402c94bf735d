// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaWire
import MetricsTestKit
import Synchronization
import TestSupport
import Testing

/// RPC connections through the test broker: two Swift servers (two buses, two
/// server ids) with a client each, and Examples/rpc-echo answering the aiokafka
/// peer in the role of a Python Hypha server.
@Suite("RPC connections against the test broker")
struct RPCConnectionTests {
    @Test("two connections on two buses exchange direct messages and broadcasts, counted under Hypha's metric names")
    func twoServers() async throws {
        let workspace = TestEnvironment.uniqueEvent("ws")
        let busA = try TestBus.make("rpc-a-\(workspace)")
        let busB = try TestBus.make("rpc-b-\(workspace)")
        try await busA.start()
        try await busB.start()
        let metricsA = TestMetrics()
        let metricsB = TestMetrics()
        let alice = try RPCConnection(
            bus: busA, workspace: workspace, clientID: "alice", userInfo: ["id": "alice-id", "roles": ["admin"]],
            managerID: "manager-a", metricsFactory: metricsA)
        // __rlb: a load-balanced client, whose load is shown too.
        let bob = try RPCConnection(
            bus: busB, workspace: workspace, clientID: "bob__rlb", userInfo: ["id": "bob-id"], metricsFactory: metricsB)

        // Alice reads through messages(), Bob through a handler that answers each
        // direct message to its sender.
        let aliceInbox = RPCInbox()
        let aliceConnected = Mutex(false)
        alice.onConnected { _ in aliceConnected.withLock { $0 = true } }
        let reader = Task {
            for try await message in alice.messages() { await aliceInbox.add(message) }
        }
        defer { reader.cancel() }
        let bobInbox = RPCInbox()
        let subscribeB = Task {
            try await bob.onMessage { message in
                await bobInbox.add(message)
                guard message.type == "ping", let from = message.from else { return }
                try await bob.emitMessage(
                    RPCMessage(header: ["type": "pong", "to": .string(from)], body: message.body))
            }
        }
        try await subscribeB.value
        #expect(
            await waitUntil(.seconds(90)) { aliceConnected.withLock { $0 } }, "alice's messages() did not subscribe")

        // Direct, by client id alone: taken in Alice's workspace.
        for n in 1...2 {
            try await alice.emitMessage(
                RPCMessage(header: ["type": "ping", "to": "bob__rlb", "method": "echo"], body: [0x91, UInt8(n)]))
        }
        let pongs = await aliceInbox.wait(.seconds(60)) { $0.filter { $0.type == "pong" }.count >= 2 }
        let pings = await bobInbox.messages
        #expect(pings.count == 2, "bob received \(pings.map(\.header))")
        for ping in pings {
            #expect(ping.from == "\(workspace)/alice" && ping.to == "\(workspace)/bob__rlb")
            #expect(ping.workspace == workspace && ping.method == "echo")
            #expect(ping["user"] == ["id": "alice-id", "roles": ["admin"]])
        }
        #expect(Set(pings.map(\.body)) == [[0x91, 1], [0x91, 2]])
        let answers = pongs.filter { $0.type == "pong" }
        #expect(answers.count == 2, "alice received \(pongs.map(\.header))")
        for pong in answers {
            #expect(pong.from == "\(workspace)/bob__rlb" && pong.to == "\(workspace)/alice")
            #expect(pong["user"] == ["id": "bob-id"])
        }
        #expect(Set(answers.map(\.body)) == [[0x91, 1], [0x91, 2]])

        // A broadcast reaches every connection of the workspace, the sender's too.
        try await bob.emitMessage(RPCMessage(header: ["type": "news", "to": "*"], body: Array("hello all".utf8)))
        let aliceNews = await aliceInbox.wait(.seconds(60)) { $0.contains { $0.type == "news" } }
        let bobNews = await bobInbox.wait(.seconds(60)) { $0.contains { $0.type == "news" } }
        for news in [aliceNews, bobNews].compactMap({ $0.first { $0.type == "news" } }) {
            #expect(news.to == "\(workspace)/*" && news.from == "\(workspace)/bob__rlb")
            #expect(news.body == Array("hello all".utf8))
        }
        #expect(aliceNews.contains { $0.type == "news" } && bobNews.contains { $0.type == "news" })

        // Hypha's metric names and labels.
        #expect(try metricsA.expectCounter("kafka_rpc_call", [("workspace", workspace)]).totalValue == 2)
        #expect(
            try metricsA.expectCounter(
                "kafka_client_requests_total", [("workspace", workspace), ("client_id", "alice")]
            ).totalValue == 2)
        #expect(try metricsB.expectCounter("kafka_rpc_call", [("workspace", workspace)]).totalValue == 3)
        let load = try metricsB.expectGauge("kafka_client_load", [("workspace", workspace), ("client_id", "bob__rlb")])
        #expect(load.values.count == 3 && load.values.first == 0 && load.values.dropFirst().allSatisfy { $0 > 0 })
        #expect(throws: (any Error).self) {
            try metricsA.expectGauge("kafka_client_load", [("workspace", workspace), ("client_id", "alice")])
        }

        // Disconnected: the handler runs once, sending fails, the load shows 0,
        // and Alice's sequence ends.
        let reasons = Mutex<[String?]>([])
        bob.onDisconnected { reason in reasons.withLock { $0.append(reason) } }
        await bob.disconnect(reason: "test over")
        await bob.disconnect(reason: "again")
        #expect(reasons.withLock { $0 } == ["test over"])
        await #expect(throws: KafkaFailure.self) { try await bob.emitMessage(RPCMessage(header: ["to": "alice"])) }
        #expect(load.lastValue == 0)
        await alice.disconnect()
        try await reader.value
        await busA.stop()
        await busB.stop()
    }

    @Test("tail shows RPC messages as from → to, type, method and body size; jsonl adds rpc and body; <ws>/* globs")
    func tailReadsRPC() async throws {
        let workspace = TestEnvironment.uniqueEvent("ws")
        let bus = try TestBus.make("rpc-t-\(workspace)")
        try await bus.start()
        let alice = try RPCConnection(bus: bus, workspace: workspace, clientID: "alice")
        try await alice.emitMessage(
            RPCMessage(header: ["type": "method", "to": "bob", "method": "services.echo"], body: [0x93, 1, 2, 3]))
        try await alice.emitMessage(RPCMessage(header: ["type": "log", "to": "*"], body: []))
        await bus.stop()

        let pretty = try Hyphactl.succeed(["tail", "\(workspace)/*", "--from-beginning", "-e"])
        let lines = String(decoding: pretty.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(lines)")
        #expect(
            lines.contains {
                $0.contains("\(workspace)/bob:msg") && $0.contains("\(workspace)/alice → \(workspace)/bob")
                    && $0.contains("method services.echo") && $0.contains("body 4 bytes")
            }, "\(lines)")
        #expect(
            lines.contains { $0.contains("\(workspace)/alice → \(workspace)/*") && $0.contains("log") },
            "\(lines)")

        let jsonl = try Hyphactl.succeed(["tail", "\(workspace)/bob:msg", "--from-beginning", "-e", "-f", "jsonl"])
        let record = try #require(try jsonl.jsonLines().first)
        let rpc = try #require(record["rpc"] as? [String: Any], "\(record)")
        #expect(rpc["from"] as? String == "\(workspace)/alice" && rpc["to"] as? String == "\(workspace)/bob")
        #expect(rpc["method"] as? String == "services.echo" && rpc["type"] as? String == "method")
        #expect(record["body"] as? String == Data([0x93, 1, 2, 3]).base64EncodedString())
        #expect(record["type"] as? String == "b" && record["data"] is String)
    }

    @Test(
        "rpc-echo answers a Python peer's message with an echo to its sender, the body unchanged; SIGTERM ends it with 0"
    )
    func rpcEcho() async throws {
        let binary = try TestEnvironment.require("HYPHA_TEST_RPC_ECHO")
        try #require(
            FileManager.default.isExecutableFile(atPath: binary),
            "HYPHA_TEST_RPC_ECHO=\(binary) is not an executable: scripts/test builds it (swift build --package-path Examples/rpc-echo)"
        )
        let bootstrap = try TestEnvironment.bootstrap()
        let workspace = TestEnvironment.uniqueEvent("ws")
        let echo = try RunningCommand(
            executable: binary,
            [
                "--bootstrap-servers", bootstrap, "--workspace", workspace, "--client-id", "echo",
                "--server-id", "rpc-echo-\(workspace)", "--timeout", "60",
                "-X", "session.timeout.ms=6000", "-X", "max.poll.interval.ms=6000", "-X", "heartbeat.interval.ms=1000",
            ])
        defer { echo.signal(SIGKILL) }
        let ready = await echo.nextLine(within: 120)
        try #require(
            ready == "ready", "rpc-echo said \(ready ?? "nothing"); its stderr: \(echo.stderrSoFar().suffix(3000))")

        // The peer reads its own client event, as a Python server holding that client would.
        let python = try TestEnvironment.require("HYPHA_TEST_PYTHON")
        let peerScript = try TestEnvironment.require("HYPHA_TEST_PEER")
        let replies = try RunningCommand(
            executable: python,
            [
                peerScript, "consume", "--server-id", "rpc-peer-\(workspace)", "--events", "\(workspace)/peer:msg",
                "--timeout", "150", "--bootstrap", bootstrap,
            ])
        defer { replies.signal(SIGKILL) }
        var peerReady = false
        while let line = await replies.nextLine(within: 60) {
            if line.contains("\"ready\"") {
                peerReady = true
                break
            }
        }
        try #require(peerReady, "the peer was not ready within 60 s: \(replies.stderrSoFar().suffix(2000))")

        // What a Python server's connection for "peer" sends: the header re-packed by
        // emit_message (a broadcast too, which rpc-echo leaves alone).
        let body: [UInt8] = [0x92, 0xa3] + Array("abc".utf8) + [0xc4, 0x02, 0x00, 0xff]
        let call = RPCMessage(
            header: [
                "type": "method", "to": .string("\(workspace)/echo"), "method": "ping", "ws": .string(workspace),
                "from": .string("\(workspace)/peer"), "user": ["id": "peer-user"],
            ], body: body)
        let broadcast = RPCMessage(
            header: ["type": "log", "to": .string("\(workspace)/*"), "from": .string("\(workspace)/peer")])
        _ = try PythonPeer.produce([
            ["event": "\(workspace)/*:msg", "type": "b", "data": Data(broadcast.encoded()).base64EncodedString()],
            ["event": "\(workspace)/echo:msg", "type": "b", "data": Data(call.encoded()).base64EncodedString()],
        ])

        var answers: [RPCMessage] = []
        let deadline = Date().addingTimeInterval(90)
        while answers.isEmpty, let line = await replies.nextLine(within: deadline.timeIntervalSinceNow) {
            guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                record["event"] as? String == "\(workspace)/peer:msg", let data = record["data"] as? String,
                let bytes = Data(base64Encoded: data)
            else { continue }
            answers.append(try RPCMessage.parse(Array(bytes)))
        }
        let answer = try #require(
            answers.first, "no echo within 90 s; rpc-echo's stderr: \(echo.stderrSoFar().suffix(3000))")
        #expect(answer.type == "echo" && answer.to == "\(workspace)/peer" && answer.from == "\(workspace)/echo")
        #expect(answer.workspace == workspace && answer["user"] == [:])
        #expect(answer.body == body)

        echo.signal(SIGTERM)
        let end = await echo.finish(within: 30)
        #expect(
            end?.status == 0,
            "rpc-echo after SIGTERM: \(end.map { "exit \($0.status): \($0.stderr.suffix(3000))" } ?? "still running")")
        #expect(end?.stdout.isEmpty != false, "rpc-echo printed more than its ready line: \(end?.stdout ?? "")")
    }
}

/// RPC messages a connection received, for tests to wait on.
actor RPCInbox {
    private(set) var messages: [RPCMessage] = []

    func add(_ message: RPCMessage) { messages.append(message) }

    /// Waits until `done` holds for what arrived, or `timeout` passed; returns what arrived.
    func wait(_ timeout: Duration, until done: ([RPCMessage]) -> Bool) async -> [RPCMessage] {
        let deadline = ContinuousClock.now + timeout
        while !done(messages) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return messages
    }
}

/// Whether `condition` held within `timeout`, asked every 20 ms.
private func waitUntil(_ timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return true
}
