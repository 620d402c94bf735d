// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import Testing

@Suite("replaying tail's jsonl records")
struct RecordedEventTests {
    @Test("each type comes back as the event it recorded")
    func types() throws {
        let json = try RecordedEvent.event(fromJSONLine: #"{"event":"e","type":"d","data":{"a": [1, "ü"]}}"#)
        #expect(json == OutgoingEvent(name: "e", payload: .json(try JSONValue.parse(#"{"a": [1, "ü"]}"#))))
        #expect(
            try RecordedEvent.event(fromJSONLine: #"{"event":"e","type":"s","data":"hi"}"#)
                == OutgoingEvent(name: "e", payload: .text("hi")))
        #expect(
            try RecordedEvent.event(fromJSONLine: #"{"event":"e","type":"b","data":"AP8="}"#)
                == OutgoingEvent(name: "e", payload: .bytes([0, 0xFF])))
        #expect(
            try RecordedEvent.event(fromJSONLine: #"{"event":"e","type":"s","data":null}"#)
                == OutgoingEvent(name: "e", type: .text, value: nil))
    }

    @Test("a record whose value was not what its key said is sent with its raw bytes")
    func raw() throws {
        let event = try RecordedEvent.event(
            fromJSONLine: #"{"event":"e","type":"d","error":"invalid JSON","raw":"e25v"}"#)
        #expect(event == OutgoingEvent(name: "e", type: .json, value: Array("{no".utf8)))
    }

    @Test(
        "records that are not Hypha events are refused",
        arguments: [
            "not json", "[1]", #"{"type":"d","data":1}"#, #"{"event":"e","type":null,"data":"x"}"#,
            #"{"event":"e","type":"b","data":"%%%"}"#, #"{"event":"e","type":"s","data":5}"#,
            #"{"event":"e","type":"d","error":"x"}"#, #"{"event":"","type":"d","data":1}"#,
            #"{"event":" \t","type":"s","data":"x"}"#,
        ])
    func refused(_ line: String) {
        #expect(throws: PayloadInput.Invalid.self) { try RecordedEvent.event(fromJSONLine: line) }
    }
}
