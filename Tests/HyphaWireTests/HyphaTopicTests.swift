// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HyphaWire

/// Expected hashes below come from Python: `hashlib.sha256(name.encode()).hexdigest()[:16]`.
@Suite("Topic names")
struct HyphaTopicTests {
    @Test("a legal name is used unchanged")
    func legalNameUnchanged() {
        #expect(HyphaTopic.forEvent("test") == "hypha_event_test")
        #expect(HyphaTopic.forEvent("Ws-1.event_Name-2") == "hypha_event_Ws-1.event_Name-2")
    }

    @Test("the empty name gives the bare prefix, which is legal")
    func emptyName() {
        #expect(HyphaTopic.forEvent("") == "hypha_event_")
        #expect(HyphaTopic.isLegal("hypha_event_"))
        #expect(HyphaTopic.eventName(fromTopic: "hypha_event_") == "")
    }

    @Test("a name whose topic is exactly 249 characters stays unchanged")
    func nameAtLimit() {
        let name = String(repeating: "x", count: 237)
        let topic = HyphaTopic.forEvent(name)
        #expect(topic == "hypha_event_" + name)
        #expect(topic.utf8.count == 249)
        #expect(HyphaTopic.isLegal(topic))
    }

    @Test("a name one character too long is cut and hashed, and fits exactly")
    func nameOverLimit() {
        let name = String(repeating: "x", count: 238)
        let topic = HyphaTopic.forEvent(name)
        #expect(topic == "hypha_event_" + String(repeating: "x", count: 220) + ".267bcbe7723ca36f")
        #expect(topic.utf8.count == 249)
        #expect(HyphaTopic.isLegal(topic))
    }

    @Test(
        "Hypha's RPC event names map to legal topics",
        arguments: [
            ("ws-1/client:msg", "hypha_event_ws-1_client_msg.542fe51e8efffcb1"),
            ("ws-1/*:msg", "hypha_event_ws-1___msg.fd33ef20d574997f"),
            ("a/b", "hypha_event_a_b.c14cddc033f64b9d"),
            ("a:b", "hypha_event_a_b.6783a31eabf68ccc"),
        ])
    func illegalCharacters(name: String, topic: String) {
        #expect(HyphaTopic.forEvent(name) == topic)
        #expect(HyphaTopic.isLegal(topic))
    }

    @Test(
        "non-ASCII names: one underscore per Unicode scalar, hash of the UTF-8",
        arguments: [
            ("café", "hypha_event_caf_.850f7dc43910ff89"),
            ("事件", "hypha_event___.c560201b331c5443"),
        ])
    func nonASCII(name: String, topic: String) {
        #expect(HyphaTopic.forEvent(name) == topic)
        #expect(HyphaTopic.isLegal(topic))
    }

    @Test("a long non-ASCII name is cut to 220 characters before the hash")
    func longNonASCII() {
        let topic = HyphaTopic.forEvent(String(repeating: "é", count: 300))
        #expect(topic == "hypha_event_" + String(repeating: "_", count: 220) + ".7250b66610f8b7db")
        #expect(topic.utf8.count == HyphaTopic.maxLength)
    }

    @Test("names differing only in illegal characters get different topics")
    func distinctMapping() {
        #expect(HyphaTopic.forEvent("a/b") != HyphaTopic.forEvent("a:b"))
        #expect(HyphaTopic.forEvent("ws-1/*:msg") != HyphaTopic.forEvent("ws-1/?:msg"))
        #expect(HyphaTopic.forEvent("ws-1/client:msg") == HyphaTopic.forEvent("ws-1/client:msg"))
    }

    @Test(
        "every topic forEvent makes is legal",
        arguments: [
            "", "a", "x y", "ws-1/*:msg", "😀", String(repeating: "a", count: 250),
            String(repeating: "/", count: 1000), "tab\there", "..", ".",
        ])
    func alwaysLegal(name: String) {
        let topic = HyphaTopic.forEvent(name)
        #expect(HyphaTopic.isLegal(topic))
        #expect(topic.utf8.count <= HyphaTopic.maxLength)
        #expect(HyphaTopic.isHypha(topic))
    }

    @Test(
        "Kafka's legality rule",
        arguments: [
            ("a", true), ("hypha_event_test", true), ("A.b_c-9", true), ("...", true),
            (String(repeating: "a", count: 249), true),
            ("", false), (".", false), ("..", false), (String(repeating: "a", count: 250), false),
            ("a b", false), ("a/b", false), ("a:b", false), ("café", false), ("a*", false),
        ])
    func legality(topic: String, legal: Bool) {
        #expect(HyphaTopic.isLegal(topic) == legal)
    }

    @Test("the event name is the topic minus the prefix")
    func eventNameFromTopic() {
        #expect(HyphaTopic.eventName(fromTopic: "hypha_event_test") == "test")
        #expect(
            HyphaTopic.eventName(fromTopic: "hypha_event_ws-1_client_msg.542fe51e8efffcb1")
                == "ws-1_client_msg.542fe51e8efffcb1")
        #expect(HyphaTopic.eventName(fromTopic: "health_check_1") == nil)
        #expect(HyphaTopic.eventName(fromTopic: "hypha_even") == nil)
        #expect(HyphaTopic.eventName(fromTopic: "other") == nil)
    }

    @Test("health-check topics and Hypha membership")
    func healthCheckAndMembership() {
        #expect(HyphaTopic.healthCheck(serverID: "server-1") == "health_check_server-1")
        #expect(HyphaTopic.isHypha("hypha_event_test"))
        #expect(HyphaTopic.isHypha("health_check_server-1"))
        #expect(!HyphaTopic.isHypha("__consumer_offsets"))
        #expect(!HyphaTopic.isHypha("hypha_events"))
        // Byte-wise, so a combining mark after the prefix does not hide it.
        #expect(HyphaTopic.isHypha("hypha_event_\u{301}"))
    }

    @Test("the constants")
    func constants() {
        #expect(HyphaTopic.eventPrefix == "hypha_event_")
        #expect(HyphaTopic.healthCheckPrefix == "health_check_")
        #expect(HyphaTopic.maxLength == 249)
    }
}
