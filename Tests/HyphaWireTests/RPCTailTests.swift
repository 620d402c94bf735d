// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaWire
import Testing

/// What `hyphactl tail` needs from the wire format to show RPC traffic: jsonl's
/// `rpc` and `body`, and globs over a workspace's mapped client topics.
@Suite("RPC traffic in tail's records and globs")
struct RPCTailTests {
    private func record(key: String, value: [UInt8]) -> String {
        var out: [UInt8] = []
        withRawBytes(utf8(key), value) {
            JSONLRecord.append(
                to: &out, topic: "hypha_event_x", partition: 0, offset: 1, timestampMillis: nil, key: $0, value: $1)
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test("a b: :msg event whose value is an RPC message gets rpc (its header) and body (base64) after data")
    func jsonlFields() {
        let message = RPCMessage(
            header: ["type": "method", "to": "ws-1/bob", "from": "ws-1/alice", "k": .binary([0xff])],
            body: [0x93, 1, 2, 3])
        let value = message.encoded()
        let base64 = Data(value).base64EncodedString()
        #expect(
            record(key: "b:ws-1/bob:msg", value: value)
                == #"{"event":"ws-1/bob:msg","topic":"hypha_event_x","partition":0,"offset":1,"timestamp":null,"#
                + #""key":"b:ws-1/bob:msg","type":"b","data":"\#(base64)","#
                + #""rpc":{"type":"method","to":"ws-1/bob","from":"ws-1/alice","k":"/w=="},"body":"kwECAw=="}"#
                + "\n")
    }

    @Test(
        "no rpc for other events, other types, values that are not RPC messages",
        arguments: [
            ("b:ws-1/bob:msgs", [0x81, 0xa2, 0x74, 0x6f, 0xa1, 0x78]), ("s:ws-1/bob:msg", Array(#"{"to":1}"#.utf8)),
            ("b:ws-1/bob:msg", [0x92, 0x01, 0x02]), ("b:ws-1/bob:msg", [0x81, 0xa2, 0x74]),
            ("b:ws-1/bob:msg", [0x81, 0x01, 0x02]), ("b:ws-1/bob:msg", []),
        ] as [(String, [UInt8])])
    func noRPCFields(_ key: String, _ value: [UInt8]) {
        let line = record(key: key, value: value)
        #expect(!line.contains(#""rpc":"#) && !line.contains(#""body":"#), "\(line)")
    }

    @Test(
        "a glob over event names matches the mapped topics of the names it matches",
        arguments: [
            ("ws-1/*", "ws-1/alice:msg", true), ("ws-1/*", "ws-1/*:msg", true), ("ws-1/*", "ws-2/alice:msg", false),
            ("ws-1/*:msg", "ws-1/bob:msg", true), ("ws-1/*:msg", "ws-1/bob:other", false),
            ("*/manager-*", "*/manager-s1:msg", true), ("ws-1/\\*:msg", "ws-1/*:msg", true),
            ("ws-1/[ab]*", "ws-1/bob:msg", true), ("ws-1/[!ab]*", "ws-1/bob:msg", false),
            ("ws-1/[/]*", "ws-1//x", true), ("ws-1/?ob:msg", "ws-1/bob:msg", true),
        ] as [(String, String, Bool)])
    func mappedGlobs(_ glob: String, _ name: String, _ matches: Bool) throws {
        let topic = HyphaTopic.forEvent(name)
        let mapped = try #require(HyphaTopic.eventName(fromTopic: topic))
        #expect(mapped != name, "\(name) is not a mapped name")
        #expect((fnmatch(HyphaTopic.mappedGlob(glob), mapped, 0) == 0) == matches, "\(HyphaTopic.mappedGlob(glob))")
    }

    @Test("a mapped glob never matches a legal name: those have no hash")
    func legalNames() {
        #expect(fnmatch(HyphaTopic.mappedGlob("ws-1*"), "ws-1_alice_msg", 0) != 0)
        #expect(HyphaTopic.mappedGlob("a[b") == "a_b." + String(repeating: "[0-9a-f]", count: 16))
    }
}
