// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

@Suite("emit --lines and --jsonl send each line as it is read")
struct EmitStreamingTests {
    @Test("a pipe that stays open: each record is in Kafka soon after it is written; closing it ends emit")
    func neverEndingPipe() throws {
        let event = TestEnvironment.uniqueEvent()
        let bootstrap = try TestEnvironment.bootstrap()
        let emit = try RunningCommand(["emit", "--jsonl", "-b", bootstrap], input: true)
        func record(_ text: String) -> String { #"{"event":"\#(event)","type":"s","data":"\#(text)"}"# + "\n" }

        emit.write(record("first"))
        // The topic is made by the first event, so the tail starts once it is there.
        var first: ProcessResult?
        let deadline = Date().addingTimeInterval(20)
        while first?.lines.isEmpty != false && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            first = try Hyphactl.run(["tail", event, "--from-beginning", "-e", "-f", "raw"])
        }
        #expect(first?.lines == ["first"], "the first record is not in Kafka while the pipe is open")
        #expect(emit.isRunning, "emit ended though its input did not")

        let tail = try RunningCommand(["tail", event, "--from-beginning", "-f", "raw", "-b", bootstrap])
        #expect(tail.nextLine(timeout: 20) == "first")
        for text in ["second", "third"] {
            let written = Date()
            emit.write(record(text))
            #expect(tail.nextLine(timeout: 20) == text)
            // librdkafka's linger is 5 ms; the rest is the tail's own polling.
            #expect(Date().timeIntervalSince(written) < 5, "\(text) took \(Date().timeIntervalSince(written)) s")
        }
        #expect(emit.isRunning)

        let result = try #require(emit.finish(timeout: 30))
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout == "delivered 3 of 3 events\n")
        tail.signal(SIGINT)
        _ = tail.finish(timeout: 20)
    }

    @Test("-o json: each delivery is printed as the broker acknowledges it, while the pipe is open")
    func deliveriesAsTheyCome() throws {
        let event = TestEnvironment.uniqueEvent()
        let emit = try RunningCommand(
            ["emit", event, "--lines", "-o", "json", "-b", try TestEnvironment.bootstrap()], input: true)
        for index in 0..<3 {
            emit.write(#"{"i":\#(index)}"# + "\n")
            let line = try #require(emit.nextLine(timeout: 20), "no delivery reported for line \(index + 1)")
            let delivery = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(delivery["event"] as? String == event)
            #expect(delivery["type"] as? String == "d")
            #expect(delivery["offset"] as? Int == index, "one key, one partition: offsets in order")
        }
        let result = try #require(emit.finish(timeout: 30))
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout.isEmpty, "no summary line with -o json: \(result.stdout)")
    }

    @Test("a bad line stops emit with exit 65 and its number; the lines before it were sent and are counted")
    func badLineInTheMiddle() throws {
        let event = TestEnvironment.uniqueEvent()
        let good = (1...5).map { #"{"n":\#($0)}"# }
        let input = (good + ["{not json", #"{"n":7}"#]).joined(separator: "\n") + "\n"
        let result = try Hyphactl.run(["emit", event, "--lines", "--json"], stdin: Data(input.utf8))
        #expect(result.status == 65, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.hasPrefix("hyphactl: line 6: not valid JSON"), "\(result.stderr)")
        #expect(result.stderr.contains("the 5 events before it were sent, 5 delivered"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.output == "delivered 5 of 5 events\n")
        let tailed = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "raw"])
        #expect(tailed.lines == good, "the lines before the bad one, in order, and nothing after it")

        // -o json lists the events sent before it; a line that is not UTF-8 is bad without --binary.
        let other = TestEnvironment.uniqueEvent()
        let mixed = Data("one\ntwo\n".utf8) + Data([0xC3, 0x28, 0x0A]) + Data("four\n".utf8)
        let json = try Hyphactl.run(["emit", other, "--lines", "-o", "json"], stdin: mixed)
        #expect(json.status == 65)
        #expect(json.stderr.hasPrefix("hyphactl: line 3: not UTF-8 text"), "\(json.stderr)")
        #expect(try json.jsonLines().count == 2)
    }

    @Test("--check-first: one bad line and nothing is sent; good lines all are; a pipe is refused")
    func checkFirst() throws {
        let event = TestEnvironment.uniqueEvent()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(event).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("{\"n\":1}\n{\"n\":2}\n{bad\n{\"n\":4}\n".utf8).write(to: file)
        let refused = try Hyphactl.run(["emit", event, "--lines", "--json", "--check-first", "--file", file.path])
        #expect(refused.status == 65, "exit \(refused.status): \(refused.stderr)")
        #expect(refused.stderr.hasPrefix("hyphactl: line 3: not valid JSON"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was sent"))
        #expect(refused.output.isEmpty)
        let list = try Hyphactl.succeed(["topics", "list", "-o", "json"])
        #expect(!list.output.contains("hypha_event_\(event)\""), "a topic was made, so something was sent")

        try Data("{\"n\":1}\n\n{\"n\":2}\n".utf8).write(to: file)
        let sent = try Hyphactl.run(["emit", event, "--lines", "--json", "--check-first", "--file", file.path])
        #expect(sent.status == 0, "exit \(sent.status): \(sent.stderr)")
        #expect(sent.output == "delivered 2 of 2 events\n")

        // Standard input is a pipe here: it cannot be read twice.
        let pipe = try Hyphactl.run(["emit", event, "--lines", "--check-first"], stdin: Data("x\n".utf8))
        #expect(pipe.status == 64, "exit \(pipe.status): \(pipe.stderr)")
        #expect(pipe.stderr.contains("--check-first reads the input twice"), "\(pipe.stderr)")
    }
}
