// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// An aiokafka peer stands in for a Python Hypha server: what it sends must
/// come out of `tail` exactly, and what `emit` sends must reach it exactly, on
/// the partition aiokafka would have chosen.
@Suite("a Python Hypha peer and hyphactl on one bus")
struct PythonPeerTests {
    @Test("d:, s: and b: events from the peer come out of tail -f jsonl exactly")
    func peerToTail() throws {
        let event = TestEnvironment.uniqueEvent()
        let sent: [[String: Any]] = [
            ["event": event, "type": "d", "data": ["a": 1, "text": "grüß", "list": [1, 2.5, NSNull()]]],
            ["event": event, "type": "s", "data": "hello ✓"],
            ["event": event, "type": "b", "data": Data([0x81, 0xA1, 0x61, 0x01, 0x00, 0xFF]).base64EncodedString()],
        ]
        let acks = try PythonPeer.produce(sent)
        #expect(acks.count == 3)

        let records = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"]).jsonLines()
        try #require(records.count == 3)
        for ack in acks {
            let record = try #require(
                records.first {
                    $0["partition"] as? Int == ack["partition"] as? Int && $0["offset"] as? Int == ack["offset"] as? Int
                })
            #expect(record["event"] as? String == event)
            #expect(record["type"] as? String == ack["type"] as? String)
            #expect(record["key"] as? String == "\(ack["type"] as! String):\(event)")
        }
        let byType = Dictionary(uniqueKeysWithValues: records.map { ($0["type"] as! String, $0) })
        #expect(try canonical(byType["d"]?["data"]) == canonical(sent[0]["data"]))
        #expect(byType["s"]?["data"] as? String == "hello ✓")
        #expect(byType["b"]?["data"] as? String == sent[2]["data"] as? String)
    }

    @Test("events from emit reach the peer exactly, on the partition aiokafka picks for the key")
    func emitToPeer() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["topics", "create", event, "-p", "4"])
        let binary = FileManager.default.temporaryDirectory.appendingPathComponent("\(event).bin")
        try Data([0x92, 0x01, 0xC0, 0xFF]).write(to: binary)
        defer { try? FileManager.default.removeItem(at: binary) }

        var deliveries = try Hyphactl.succeed(["emit", event, #"{"n":1,"s":"ß"}"#, "-o", "json"]).jsonLines()
        deliveries += try Hyphactl.succeed(["emit", event, "some text", "-o", "json"]).jsonLines()
        deliveries += try Hyphactl.succeed(["emit", event, "--binary", "--file", binary.path, "-o", "json"]).jsonLines()
        try #require(deliveries.count == 3)

        let consumed = try PythonPeer.run([
            "consume", "--server-id", "peer-\(event)", "--events", event, "--count", "3", "--from-beginning",
        ])
        #expect(consumed.status == 0, "\(consumed.stderr)")
        let received = try consumed.jsonLines().filter { $0["ready"] == nil }
        try #require(received.count == 3)
        let byType = Dictionary(uniqueKeysWithValues: received.map { ($0["type"] as! String, $0) })
        #expect(try canonical(byType["d"]?["data"]) == canonical(["n": 1, "s": "ß"]))
        #expect(byType["s"]?["data"] as? String == "some text")
        #expect(byType["b"]?["data"] as? String == Data([0x92, 0x01, 0xC0, 0xFF]).base64EncodedString())
        #expect(received.allSatisfy { $0["event"] as? String == event })

        for delivery in deliveries {
            let type = try #require(delivery["type"] as? String)
            let chosen = try PythonPeer.run(["partition", "--event", event, "--key", "\(type):\(event)"])
            let answer = try #require(try chosen.jsonLines().first)
            #expect(answer["partitions"] as? Int == 4)
            #expect(answer["partition"] as? Int == delivery["partition"] as? Int, "key \(type):\(event)")
            #expect(byType[type]?["partition"] as? Int == delivery["partition"] as? Int)
        }
    }

    @Test("names that are not legal topics use the same mapped topic on both sides")
    func mappedNames() throws {
        let event = "ws-\(UUID().uuidString.prefix(6))/client:msg"
        let acks = try PythonPeer.produce([["event": event, "type": "s", "data": "over the mapped topic"]])
        let topic = try #require(acks.first?["topic"] as? String)
        #expect(topic.hasPrefix("hypha_event_ws-"))
        let emitted = try Hyphactl.succeed(["emit", event, "from hyphactl", "-o", "json"]).jsonLines()
        #expect(emitted.first?["topic"] as? String == topic)
        let records = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"]).jsonLines()
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0["event"] as? String == event && $0["topic"] as? String == topic })
    }
}

/// A JSON value as text with sorted keys, for comparing decoded documents.
func canonical(_ value: Any?) throws -> String {
    let value = try #require(value)
    return String(
        decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]),
        as: UTF8.self)
}
