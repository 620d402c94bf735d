// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// `hyphactl exporter` as Prometheus meets it: a process on a free port, scraped
/// over HTTP, its answer read by prometheus_client's text-format parser.
@Suite("Exporter: /metrics for Prometheus", .serialized)
struct ExporterTests {
    /// One sample of a scrape.
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// What a scrape got back.
    struct Scrape {
        let status: Int
        let contentType: String?
        let seconds: Double
        let body: String
        let samples: [Sample]

        /// The value of the one sample of `name` whose labels include `labels`.
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            let matching = samples.filter { sample in
                sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
            }
            return matching.count == 1 ? matching[0].value : nil
        }

        /// Every sample of `name` whose labels include `labels`.
        func all(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
            samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        }
    }

    /// Scrapes `url` with scrape_metrics.py (Python's urllib and prometheus_client's parser).
    static func scrape(_ url: String, method: String = "GET", wait: Double = 10) throws -> Scrape {
        let python = try TestEnvironment.require("HYPHA_TEST_PYTHON")
        let script = URL(fileURLWithPath: try TestEnvironment.require("HYPHA_TEST_PEER"))
            .deletingLastPathComponent().appendingPathComponent("scrape_metrics.py").path
        let result = try Subprocess.run(
            python, [script, url, "--method", method, "--wait", String(wait)], timeout: 60)
        try #require(result.status == 0, "scrape of \(url) failed (\(result.status)): \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let samples = (object["samples"] as? [[String: Any]] ?? []).map { sample in
            Sample(
                name: sample["name"] as? String ?? "", labels: sample["labels"] as? [String: String] ?? [:],
                value: (sample["value"] as? NSNumber)?.doubleValue ?? .nan)
        }
        return Scrape(
            status: object["status"] as? Int ?? 0, contentType: object["content_type"] as? String,
            seconds: object["seconds"] as? Double ?? .nan, body: object["body"] as? String ?? "", samples: samples)
    }

    /// `hyphactl exporter` on a free loopback port; returns it and its /metrics URL.
    static func startExporter(_ arguments: [String], bootstrap: String? = nil) throws -> (RunningCommand, String) {
        let port = try PrivateBroker.freePort()
        let exporter = try RunningCommand(
            ["exporter", "--listen", "127.0.0.1:\(port)", "-b", try bootstrap ?? TestEnvironment.bootstrap()]
                + arguments)
        return (exporter, "http://127.0.0.1:\(port)/metrics")
    }

    /// Ends the exporter with SIGTERM, which must end it with 0 within 5 s.
    static func stop(_ exporter: RunningCommand) {
        exporter.signal(SIGTERM)
        guard let end = exporter.finish(timeout: 5) else { return }
        #expect(end.status == 0, "exit \(end.status) after SIGTERM; stderr: \(end.stderr)")
    }

    @Test("a live Hypha server and a lagging group: kafka_exporter's series and hypha_server_*, all correct")
    func liveGroup() throws {
        let event = TestEnvironment.uniqueEvent("exp")
        let topic = "hypha_event_\(event)"
        let live = "live-\(event)"
        let behind = "behind-\(event)"
        try Hyphactl.succeed(["emit", event, "first"])
        // A group that read the first event, committed it and left: its lag is the
        // events sent after (one per produce request: Tansu counts a batch as one).
        let read = try PythonPeer.run([
            "consume", "--server-id", behind, "--events", event, "--from-beginning", "--count", "1",
        ])
        #expect(read.status == 0, "\(read.stderr)")
        let peer = try BackgroundPeer([
            "consume", "--server-id", live, "--events", event, "--health-interval", "1", "--timeout", "90",
        ])
        defer { peer.stop() }
        for index in 0..<3 { try Hyphactl.succeed(["emit", event, "more-\(index)"]) }

        let (exporter, url) = try Self.startExporter(["--min-interval", "0s"])
        defer { Self.stop(exporter) }
        // The live peer commits every second: wait until its group has caught up.
        var scrape = try Self.scrape(url)
        let deadline = Date().addingTimeInterval(20)
        while scrape.value("kafka_consumergroup_lag_sum", ["consumergroup": "hypha_server_\(live)", "topic": topic])
            != 0 && Date() < deadline
        {
            Thread.sleep(forTimeInterval: 0.5)
            scrape = try Self.scrape(url)
        }

        #expect(scrape.status == 200)
        #expect(scrape.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(scrape.value("hyphactl_exporter_up") == 1)
        #expect(scrape.value("hyphactl_exporter_scrape_errors_total") == 0)
        #expect(scrape.value("kafka_brokers") == 1)

        // The topic: 4 partitions (Tansu's default), 4 events all in the partition of key d:EVENT… s:EVENT.
        #expect(scrape.value("kafka_topic_partitions", ["topic": topic]) == 4)
        let ends = scrape.all("kafka_topic_partition_current_offset", ["topic": topic])
        #expect(ends.count == 4)
        #expect(ends.map(\.value).reduce(0, +) == 4)
        #expect(scrape.all("kafka_topic_partition_oldest_offset", ["topic": topic]).map(\.value) == [0, 0, 0, 0])
        let partition = try #require(ends.first { $0.value == 4 }?.labels["partition"], "one partition holds all 4")

        // The group that left: committed 1, lag 3, no members; its server is gone.
        let gone = ["consumergroup": "hypha_server_\(behind)", "topic": topic, "partition": partition]
        #expect(scrape.value("kafka_consumergroup_current_offset", gone) == 1)
        #expect(scrape.value("kafka_consumergroup_lag", gone) == 3)
        #expect(
            scrape.value("kafka_consumergroup_lag_sum", ["consumergroup": "hypha_server_\(behind)", "topic": topic])
                == 3)
        #expect(scrape.value("kafka_consumergroup_members", ["consumergroup": "hypha_server_\(behind)"]) == 0)
        #expect(scrape.value("hypha_server_lag", ["server_id": behind]) == 3)
        // Not ok (gone or silent, as the broker keeps the group after its last member left).
        #expect(scrape.value("hypha_server_up", ["server_id": behind]) == 0)
        #expect(scrape.value("hypha_server_status", ["server_id": behind, "status": "ok"]) == 0)
        #expect(scrape.all("hypha_server_status", ["server_id": behind]).map(\.value).reduce(0, +) == 1)

        // The live server: caught up, ok, health checks every second.
        let mine = ["consumergroup": "hypha_server_\(live)", "topic": topic, "partition": partition]
        #expect(scrape.value("kafka_consumergroup_current_offset", mine) == 4)
        #expect(scrape.value("kafka_consumergroup_lag", mine) == 0)
        #expect(
            scrape.value("kafka_consumergroup_lag_sum", ["consumergroup": "hypha_server_\(live)", "topic": topic]) == 0)
        #expect(scrape.value("hypha_server_up", ["server_id": live]) == 1)
        #expect(scrape.value("hypha_server_status", ["server_id": live, "status": "ok"]) == 1)
        #expect(scrape.all("hypha_server_status", ["server_id": live]).count == 5, "ok, lagging, stalled, silent, gone")
        let age = try #require(scrape.value("hypha_server_health_check_age_seconds", ["server_id": live]))
        #expect(age >= 0 && age < 5)
        #expect(scrape.value("hypha_server_lag", ["server_id": live]) != nil)
        // Members as the broker reports them, the same number `groups describe` shows
        // (Tansu's DescribeGroups lists none; the unit tests count real ones).
        let described = try Hyphactl.succeed(["groups", "describe", live, "-o", "json"])
        let document = try JSONSerialization.jsonObject(with: described.stdout)
        let group = try #require((document as? [String: Any]) ?? (document as? [[String: Any]])?.first)
        let members = try #require(group["members"] as? [Any], "\(described.output)")
        #expect(
            scrape.value("kafka_consumergroup_members", ["consumergroup": "hypha_server_\(live)"])
                == Double(members.count))

        // Every partition's lag is its end minus the group's offset, never below 0:
        // other tests' groups commit meanwhile, and an offset read after the end
        // can be past it.
        for sample in scrape.all("kafka_consumergroup_lag") where sample.value >= 0 {
            let key = ["topic": sample.labels["topic"]!, "partition": sample.labels["partition"]!]
            let end = scrape.value("kafka_topic_partition_current_offset", key)
            let committed = scrape.value("kafka_consumergroup_current_offset", sample.labels)
            let expected = end.flatMap { end in committed.map { max(0, end - $0) } }
            #expect(expected == sample.value, "\(sample.labels)")
        }

        // Other paths and methods, and HEAD.
        let other = try Self.scrape(url.replacingOccurrences(of: "/metrics", with: "/"))
        #expect(other.status == 404)
        #expect(try Self.scrape(url, method: "POST").status == 405)
        let head = try Self.scrape(url, method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty)
    }

    @Test("Kafka unreachable: 200 with hyphactl_exporter_up 0 and the error counted, within --timeout")
    func unreachable() throws {
        let nobody = "127.0.0.1:\(try PrivateBroker.freePort())"
        let (exporter, url) = try Self.startExporter(["--timeout", "2", "--min-interval", "0s"], bootstrap: nobody)
        defer { Self.stop(exporter) }
        let first = try Self.scrape(url)
        #expect(first.status == 200)
        #expect(first.value("hyphactl_exporter_up") == 0)
        #expect((first.value("hyphactl_exporter_scrape_errors_total") ?? 0) >= 1)
        #expect(first.seconds < 3.5, "the scrape took \(first.seconds) s with --timeout 2")
        #expect(first.all("kafka_brokers").isEmpty)
        let second = try Self.scrape(url)
        #expect(second.status == 200 && second.value("hyphactl_exporter_up") == 0)
        #expect((second.value("hyphactl_exporter_scrape_errors_total") ?? 0) >= 2)
        #expect(second.seconds < 3.5, "the scrape took \(second.seconds) s with --timeout 2")
    }

    @Test("SIGTERM and SIGINT end it promptly with 0, also with a connection left open", arguments: [SIGTERM, SIGINT])
    func signals(_ number: Int32) throws {
        let (exporter, url) = try Self.startExporter([])
        #expect(try Self.scrape(url).value("hyphactl_exporter_up") == 1)
        // An idle keep-alive connection, as Prometheus leaves between scrapes.
        let port = UInt16(URL(string: url)!.port!)
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)
        Thread.sleep(forTimeInterval: 0.2)

        exporter.signal(number)
        let end = try #require(exporter.finish(timeout: 5))
        #expect(end.status == 0, "exit \(end.status); stderr: \(end.stderr)")
    }

    @Test("a malformed --listen is a one-line usage error (64); a port in use a one-line failure (1)")
    func badListen() throws {
        for value in ["9308", "localhost", "host:port", "[::1]9308", "host:70000"] {
            let result = try Hyphactl.run(["exporter", "--listen", value])
            #expect(result.status == 64, "--listen \(value): \(result.status) \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("--listen"))
        }
        // The test broker's own port is in use.
        let broker = try TestEnvironment.bootstrap()
        let result = try Hyphactl.run(["exporter", "--listen", broker], timeout: 20)
        #expect(result.status == 1, "\(result.status) \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("in use"))
    }
}
