// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

@Suite("tail -f jsonl records")
struct JSONLRecordTests {
    private func line(
        topic: String = "hypha_event_test", partition: Int32 = 0, offset: Int64 = 5,
        timestamp: Int64? = 1_795_772_281_301, key: [UInt8]?, value: [UInt8]?
    ) -> String {
        var out: [UInt8] = []
        withRawBytes(key, value) {
            JSONLRecord.append(
                to: &out, topic: topic, partition: partition, offset: offset,
                timestampMillis: timestamp, key: $0, value: $1)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private let head =
        #"{"event":"test","topic":"hypha_event_test","partition":0,"offset":5,"timestamp":"2026-11-27T09:38:01.301Z","#

    @Test("docs/cli.md's example (1795772281301 ms is 09:38:01.301 per Python)")
    func cliExample() {
        #expect(
            line(key: utf8("d:test"), value: utf8(#"{"a":1}"#))
                == head + #""key":"d:test","type":"d","data":{"a":1}}"# + "\n")
        // Python writes ", " separators; they are passed through untouched.
        #expect(
            line(key: utf8("d:test"), value: utf8(#"{"a": 1, "b": "caf\u00e9"}"#))
                == head + #""key":"d:test","type":"d","data":{"a": 1, "b": "caf\u00e9"}}"# + "\n")
    }

    @Test("d: values of any kind, trimmed")
    func jsonKinds() {
        #expect(
            line(key: utf8("d:test"), value: utf8(" [1,\t\"x\"] \r\n"))
                == head + #""key":"d:test","type":"d","data":[1,"# + "\t" + #""x"]}"# + "\n")
        #expect(
            line(key: utf8("d:test"), value: utf8("\"s\"")) == head + #""key":"d:test","type":"d","data":"s"}"# + "\n")
        #expect(
            line(key: utf8("d:test"), value: utf8("-1.50e3")) == head + #""key":"d:test","type":"d","data":-1.50e3}"#
                + "\n")
        #expect(
            line(key: utf8("d:test"), value: utf8("null")) == head + #""key":"d:test","type":"d","data":null}"# + "\n")
        // Escapes go through as they were, even a lone surrogate.
        #expect(
            line(key: utf8("d:test"), value: utf8(#"{"s":"\ud800"}"#))
                == head + #""key":"d:test","type":"d","data":{"s":"\ud800"}}"# + "\n")
    }

    @Test("a multi-line d: value becomes one line; whitespace in strings stays")
    func multiLine() {
        let value = "{\n  \"a\": [1,\n 2],\n  \"s\": \"x  y\\n\\\" }\"\r\n}\n"
        #expect(
            line(key: utf8("d:test"), value: utf8(value))
                == head + #""key":"d:test","type":"d","data":{"a":[1,2],"s":"x  y\n\" }"}}"# + "\n")
    }

    @Test("s: text is a JSON string with control characters escaped, UTF-8 and DEL raw")
    func text() {
        #expect(
            line(key: utf8("s:test"), value: utf8("héllo \"you\"\n\u{1}\u{7f}/"))
                == head + #""key":"s:test","type":"s","data":"héllo \"you\"\n\u0001"# + "\u{7f}/\"}\n")
        #expect(line(key: utf8("s:test"), value: []) == head + #""key":"s:test","type":"s","data":""}"# + "\n")
    }

    @Test("b: bytes are standard padded base64")
    func bytes() {
        #expect(
            line(key: utf8("b:test"), value: [0x00, 0x01, 0xff, 0xfe])
                == head + #""key":"b:test","type":"b","data":"AAH//g=="}"# + "\n")
        #expect(
            line(key: utf8("b:test"), value: utf8("foobar"))
                == head + #""key":"b:test","type":"b","data":"Zm9vYmFy"}"# + "\n")
        #expect(
            line(key: utf8("b:test"), value: utf8("fooba"))
                == head + #""key":"b:test","type":"b","data":"Zm9vYmE="}"# + "\n")
        #expect(
            line(key: utf8("b:test"), value: [])
                == head + #""key":"b:test","type":"b","data":""}"# + "\n")
    }

    @Test("no value: data is null", arguments: ["d:test", "s:test", "b:test"])
    func nullValue(key: String) {
        #expect(
            line(key: utf8(key), value: nil)
                == head + #""key":"\#(key)","type":"\#(key.prefix(1))","data":null}"# + "\n")
    }

    @Test("bad JSON under d: gives error and raw instead of data")
    func badJSON() {
        #expect(
            line(key: utf8("d:test"), value: utf8(#"{"a" 1}"#))
                == head
                + #""key":"d:test","type":"d","error":"invalid JSON at byte 5: expected ':'","raw":"eyJhIiAxfQ=="}"#
                + "\n")
        #expect(
            line(key: utf8("d:test"), value: [0xef, 0xbb, 0xbf, 0x7b, 0x7d])
                == head
                + #""key":"d:test","type":"d","error":"invalid JSON at byte 0: expected a value","raw":"77u/e30="}"#
                + "\n")
    }

    @Test("bad UTF-8 under s: or no key gives error and raw")
    func badUTF8() {
        #expect(
            line(key: utf8("s:test"), value: [0x63, 0x61, 0x66, 0xe9])
                == head + #""key":"s:test","type":"s","error":"invalid UTF-8 at byte 3","raw":"Y2Fm6Q=="}"# + "\n")
        #expect(
            line(key: nil, value: [0xff])
                == head + #""key":null,"type":null,"error":"invalid UTF-8 at byte 0","raw":"/w=="}"# + "\n")
    }

    @Test("no key: name from the topic, type null, value as text; no timestamp")
    func noKey() {
        #expect(
            line(timestamp: nil, key: nil, value: utf8("plain"))
                == #"{"event":"test","topic":"hypha_event_test","partition":0,"offset":5,"timestamp":null,"key":null,"type":null,"data":"plain"}"#
                + "\n")
    }

    @Test("an unknown prefix is text, named by the topic")
    func unknownPrefix() {
        #expect(
            line(topic: "hypha_event_foo", key: utf8("x:foo"), value: utf8("{}"))
                == #"{"event":"foo","topic":"hypha_event_foo","partition":0,"offset":5,"timestamp":"2026-11-27T09:38:01.301Z","key":"x:foo","type":null,"data":"{}"}"#
                + "\n")
    }

    @Test("a health check: the whole topic is the name")
    func healthCheck() {
        #expect(
            line(
                topic: "health_check_1", partition: 2, offset: 9_007_199_254_740_993, timestamp: 0,
                key: utf8("health_check_1"), value: utf8("1764236400.123"))
                == #"{"event":"health_check_1","topic":"health_check_1","partition":2,"offset":9007199254740993,"timestamp":"1970-01-01T00:00:00.000Z","key":"health_check_1","type":null,"data":"1764236400.123"}"#
                + "\n")
    }

    @Test("a mapped topic: the exact name comes from the key")
    func mappedTopic() {
        #expect(
            line(
                topic: "hypha_event_ws-1_client_msg.542fe51e8efffcb1", key: utf8("s:ws-1/client:msg"), value: utf8("hi")
            )
                == #"{"event":"ws-1/client:msg","topic":"hypha_event_ws-1_client_msg.542fe51e8efffcb1","partition":0,"offset":5,"timestamp":"2026-11-27T09:38:01.301Z","key":"s:ws-1/client:msg","type":"s","data":"hi"}"#
                + "\n")
    }

    @Test("a key that is not UTF-8 is written with U+FFFD, same as String(decoding:)")
    func invalidKey() {
        #expect(
            line(key: [0x64, 0x3a, 0x66, 0xff, 0x6f], value: utf8("1"))
                == "{\"event\":\"f\u{FFFD}o\",\"topic\":\"hypha_event_test\",\"partition\":0,\"offset\":5,"
                + "\"timestamp\":\"2026-11-27T09:38:01.301Z\",\"key\":\"d:f\u{FFFD}o\",\"type\":\"d\",\"data\":1}\n")
        // Python's bytes.decode("utf-8", "replace") gives "a\u{FFFD}z" and "\u{FFFD}\u{FFFD}\u{FFFD}x".
        #expect(line(key: [0x61, 0xe4, 0xba, 0x7a], value: nil).contains("\"key\":\"a\u{FFFD}z\""))
        #expect(line(key: [0xed, 0xa0, 0x80, 0x78], value: nil).contains("\"key\":\"\u{FFFD}\u{FFFD}\u{FFFD}x\""))
    }

    @Test("records append after what is already in the buffer, one line each")
    func appends() throws {
        var out: [UInt8] = []
        let records: [(key: String?, value: [UInt8]?)] = [
            ("d:test", utf8("{\n\"a\" :\n[1]\n}")), ("s:test", utf8("a\nb")), ("b:test", [10, 13]),
            (nil, nil), ("d:test", utf8("{bad\n")), ("s:test", [0x0a, 0xff]),
        ]
        for (index, record) in records.enumerated() {
            withRawBytes(record.key.map(utf8), record.value) {
                JSONLRecord.append(
                    to: &out, topic: "hypha_event_test", partition: 1, offset: Int64(index),
                    timestampMillis: nil, key: $0, value: $1)
            }
        }
        let lines = out.split(separator: 0x0a, omittingEmptySubsequences: false)
        #expect(lines.count == records.count + 1)
        #expect(lines.last?.isEmpty == true)
        for line in lines.dropLast() {
            let record = try Array(line).withUnsafeBytes { try JSONValue.parse($0) }
            #expect(record.isObject)
        }
    }
}

@Suite("tail -f jsonl: one writer for a stream")
struct JSONLRecordWriterTests {
    private struct Message {
        let topic: String
        let key: [UInt8]?
        let timestamp: Int64?
        let value: [UInt8]?
    }

    @Test("what a writer keeps between records never leaks into the next one")
    func streamMatchesSingleRecords() {
        let messages = [
            Message(topic: "hypha_event_a", key: utf8("d:a"), timestamp: 1_795_772_281_301, value: utf8("{\"x\": 1}")),
            Message(topic: "hypha_event_a", key: utf8("d:a"), timestamp: 1_795_772_281_999, value: utf8("[1]")),
            // Same length, other key; then the next second, then a time before the epoch.
            Message(topic: "hypha_event_a", key: utf8("d:b"), timestamp: 1_795_772_282_000, value: utf8("2")),
            Message(topic: "hypha_event_a", key: utf8("s:b"), timestamp: -1, value: utf8("text")),
            Message(topic: "hypha_event_a", key: nil, timestamp: nil, value: nil),
            Message(topic: "hypha_event_b", key: nil, timestamp: 0, value: utf8("x")),
            Message(topic: "hypha_event_b", key: utf8("b:\u{1}"), timestamp: 999, value: [0xff]),
            Message(topic: "other", key: [0x64, 0x3a, 0xff], timestamp: 1_795_772_281_301, value: utf8("{")),
            Message(topic: "hypha_event_a", key: utf8("d:a"), timestamp: 1_795_772_281_301, value: utf8("{\"x\": 1}")),
        ]
        var writer = JSONLRecordWriter()
        var stream: [UInt8] = []
        var singles: [UInt8] = []
        for (offset, message) in messages.enumerated() {
            withRawBytes(message.key, message.value) { key, value in
                writer.append(
                    to: &stream, topic: message.topic, partition: 3, offset: Int64(offset),
                    timestampMillis: message.timestamp, key: key, value: value)
                JSONLRecord.append(
                    to: &singles, topic: message.topic, partition: 3, offset: Int64(offset),
                    timestampMillis: message.timestamp, key: key, value: value)
            }
        }
        #expect(String(decoding: stream, as: UTF8.self) == String(decoding: singles, as: UTF8.self))
        let lines = String(decoding: stream, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == messages.count)
        #expect(lines[1].contains(#""timestamp":"2026-11-27T09:38:01.999Z""#))
        #expect(lines[2].contains(#""event":"b""#) && lines[2].contains(#""timestamp":"2026-11-27T09:38:02.000Z""#))
        #expect(lines[3].contains(#""timestamp":"1969-12-31T23:59:59.999Z""#) && lines[3].contains(#""type":"s""#))
        #expect(lines[5].contains(#""event":"b","topic":"hypha_event_b""#))
    }
}
