// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import RDKafkaMock
import TestSupport
import Testing

/// The brokers go away while hyphactl works: librdkafka's mock cluster, where
/// brokers go down and come back with their log intact (a Tansu broker killed
/// outright is in BrokerTests' BrokerKillTests).
@Suite("tail and emit when the broker goes away")
struct BrokerFaultTests {
    @Test("brokers down and back within --timeout: tail carries on with what comes next")
    func tailBrokerBack() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        let event = TestEnvironment.uniqueEvent()
        try cluster.createTopic("hypha_event_\(event)", partitions: 1)
        let bootstrap = cluster.bootstrapServers
        #expect(try Hyphactl.run(["emit", event, "one"], bootstrap: bootstrap).status == 0)
        let tail = try RunningCommand([
            "tail", event, "--from-beginning", "-f", "jsonl", "--timeout", "20", "-b", bootstrap,
        ])
        #expect(tail.nextLine(timeout: 30)?.contains(#""data":"one""#) == true)
        cluster.takeDown()
        Thread.sleep(forTimeInterval: 5)
        cluster.bringUp()
        let second = try Hyphactl.run(["emit", event, "two", "--timeout", "20"], bootstrap: bootstrap)
        #expect(second.status == 0, "\(second.stderr)")
        let next = tail.nextLine(timeout: 30)
        #expect(next?.contains(#""data":"two""#) == true, "\(next ?? "nothing")")
        #expect(next?.contains(#""offset":1"#) == true)
        tail.signal(SIGINT)
        let result = try #require(tail.finish(timeout: 20))
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("brokers down and back on an idle topic: tail still follows long after --timeout")
    func tailIdleBrokersBack() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        let event = TestEnvironment.uniqueEvent()
        try cluster.createTopic("hypha_event_\(event)", partitions: 1)
        let bootstrap = cluster.bootstrapServers
        let tail = try RunningCommand(["tail", event, "-f", "jsonl", "--timeout", "4", "-b", bootstrap])
        // tail starts at the end: send until it shows one, so it surely reads before the outage.
        var ready = false
        for _ in 0..<15 where !ready {
            #expect(try Hyphactl.run(["emit", event, "ready"], bootstrap: bootstrap).status == 0)
            ready = tail.nextLine(timeout: 2)?.contains(#""data":"ready""#) == true
        }
        try #require(ready, "tail showed none of the events sent to it")
        // The fetch after that event brings the end of the partition; after it, nothing
        // comes from the brokers (no message, no new end) to say they are back.
        Thread.sleep(forTimeInterval: 1)
        cluster.takeDown()
        Thread.sleep(forTimeInterval: 2)
        cluster.bringUp()
        Thread.sleep(forTimeInterval: 7)
        let emitted = try Hyphactl.run(["emit", event, "after"], bootstrap: bootstrap)
        #expect(emitted.status == 0, "\(emitted.stderr)")
        var next = tail.nextLine(timeout: 30)
        while next?.contains(#""data":"ready""#) == true { next = tail.nextLine(timeout: 30) }
        #expect(next?.contains(#""data":"after""#) == true, "\(next ?? "tail ended")")
        tail.signal(SIGINT)
        let result = try #require(tail.finish(timeout: 20))
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
    }

    @Test("brokers down and back while emit --lines sends: every event delivered and in the log")
    func emitBrokersBack() throws {
        let (cluster, event) = try Self.slowCluster()
        let file = try LinesFile(count: 3000)
        let emit = try RunningCommand(Self.slowEmit(event, file, cluster, timeout: 30))
        let before = try Self.firstDeliveries(emit)
        cluster.takeDown()
        let duringOutage = Self.lines(of: emit, for: 4)
        cluster.bringUp()
        let result = try #require(emit.finish(timeout: 90))
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(before.count + duringOutage.count < 3000, "emit had delivered every event before the outage")
        let reports = try Self.deliveries((before + duringOutage).joined(separator: "\n") + "\n" + result.stdout)
        #expect(reports.count == 3000)
        let log = try Self.log(event, cluster)
        #expect(Set(log.values) == Set(file.lines), "events sent are missing from the log")
        for report in reports {
            #expect(log[report] != nil, "delivered at \(report.partition)@\(report.offset) but not in the log")
        }
    }

    @Test("brokers down past --timeout while emit --lines sends: every event reported delivered is in the log")
    func emitBrokersGone() throws {
        let (cluster, event) = try Self.slowCluster()
        let file = try LinesFile(count: 3000)
        let emit = try RunningCommand(Self.slowEmit(event, file, cluster, timeout: 3))
        let before = try Self.firstDeliveries(emit)
        cluster.takeDown()
        let result = try #require(emit.finish(timeout: 90))
        cluster.bringUp()
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        let reports = try Self.deliveries((before + [result.stdout]).joined(separator: "\n"))
        let undelivered = try #require(
            number(before: " of 3000 events were not delivered", in: result.stderr),
            "stderr: \(result.stderr)")
        #expect(reports.count + undelivered == 3000)
        #expect(!reports.isEmpty && undelivered > 0, "the outage should have cut the run: \(reports.count) delivered")
        let log = try Self.log(event, cluster)
        for report in reports {
            #expect(log[report] != nil, "delivered at \(report.partition)@\(report.offset) but not in the log")
        }
        let sent = Set(file.lines)
        #expect(Set(log.values).isSubset(of: sent))
    }

    // MARK: Helpers

    private struct Place: Hashable {
        let partition: Int
        let offset: Int
    }

    /// A mock cluster whose broker answers 20 ms late, and a topic of 3 partitions.
    private static func slowCluster() throws -> (MockKafkaCluster, String) {
        let cluster = try MockKafkaCluster(brokers: 1)
        let event = TestEnvironment.uniqueEvent()
        try cluster.createTopic("hypha_event_\(event)", partitions: 3)
        cluster.setRoundTripTime(milliseconds: 20)
        return (cluster, event)
    }

    /// emit in batches of 10 with one request in flight: 300 requests of 20 ms
    /// at least, so an outage begun at its first delivery lands mid-way.
    private static func slowEmit(_ event: String, _ file: LinesFile, _ cluster: MockKafkaCluster, timeout: Int)
        -> [String]
    {
        [
            "emit", event, "--lines", "--file", file.path, "-o", "json", "--timeout", String(timeout),
            "-b", cluster.bootstrapServers, "-X", "batch.num.messages=10", "-X", "max.in.flight=1", "-X", "linger.ms=0",
        ]
    }

    /// emit's first 300 delivery reports (-o json), however long a busy machine
    /// takes to start it: the brokers go down once emit is well under way. Not at
    /// the first report: emit asks whether a broker answers beside its first sends,
    /// and brokers gone before that answer make it fail as unreachable (exit 69).
    private static func firstDeliveries(_ emit: RunningCommand) throws -> [String] {
        var lines: [String] = []
        while lines.count < 300 {
            let line = try #require(
                emit.nextLine(timeout: 60),
                "emit reported \(lines.count) deliveries, then none within 60 s: \(emit.stderrSoFar())")
            lines.append(line)
        }
        return lines
    }

    /// The lines `command` prints in the next `seconds` (all of them: this waits the time out).
    private static func lines(of command: RunningCommand, for seconds: Double) -> [String] {
        let end = Date().addingTimeInterval(seconds)
        var lines: [String] = []
        while Date() < end, let line = command.nextLine(timeout: end.timeIntervalSinceNow) { lines.append(line) }
        Thread.sleep(until: end)
        return lines
    }

    private static func deliveries(_ output: String) throws -> [Place] {
        try output.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return Place(
                partition: try #require(object["partition"] as? Int), offset: try #require(object["offset"] as? Int))
        }
    }

    /// Every event of the topic, by where it is stored.
    private static func log(_ event: String, _ cluster: MockKafkaCluster) throws -> [Place: String] {
        let tail = try Hyphactl.run(
            ["tail", event, "--from-beginning", "-e", "-f", "jsonl"], bootstrap: cluster.bootstrapServers)
        #expect(tail.status == 0, "\(tail.stderr)")
        var log: [Place: String] = [:]
        for record in try tail.jsonLines() {
            let place = Place(
                partition: try #require(record["partition"] as? Int), offset: try #require(record["offset"] as? Int))
            let data = try #require(record["data"] as? [String: Any])
            log[place] = String(
                decoding: try JSONSerialization.data(withJSONObject: data, options: .sortedKeys), as: UTF8.self)
        }
        return log
    }
}
