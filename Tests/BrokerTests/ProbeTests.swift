// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import TestSupport
import Testing

@Suite("probe against the test broker")
struct ProbeTests {
    @Test("probe --count 20 prints round-trip latencies and exits 0, leaving no health topic or group behind")
    func probe() throws {
        let broker = try PrivateBroker()
        let result = try Hyphactl.run(["probe", "--count", "20", "-o", "json"], bootstrap: broker.bootstrap)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(document["sent"] as? Int == 20)
        #expect(document["received"] as? Int == 20)
        let figures = ["min_ms", "p50_ms", "p99_ms", "max_ms"].compactMap { document[$0] as? Double }
        #expect(figures.count == 4)
        #expect(figures == figures.sorted(), "min ≤ p50 ≤ p99 ≤ max")
        let serverID = try #require(document["server_id"] as? String)
        let topics = try Hyphactl.run(["topics", "list"], bootstrap: broker.bootstrap)
        #expect(topics.status == 0)
        #expect(topics.output.contains("hypha_event_hyphactl-probe"))
        #expect(!topics.output.contains("health_check_\(serverID)"))
        let groups = try Hyphactl.run(["groups", "list", "--all"], bootstrap: broker.bootstrap)
        #expect(groups.status == 0, "\(groups.stderr)")
        #expect(!groups.output.contains(serverID), "the probe's group is left: \(groups.output)")
    }

    @Test("a probe killed before it cleaned up is left out of servers and groups list (not of groups list --all)")
    func killedProbeInvisible() throws {
        let event = TestEnvironment.uniqueEvent()
        let serverID = "hyphactl-probe-\(event.suffix(8))"
        // What a killed probe leaves: a group with committed offsets and a health topic.
        let member = try BackgroundPeer(["consume", "--server-id", serverID, "--events", event, "--timeout", "60"])
        try Hyphactl.succeed(["emit", event, "1"])
        Thread.sleep(forTimeInterval: 1.5)
        member.stop()
        #expect(try PythonPeer.run(["health", "--server-id", serverID]).status == 0)

        let all = try Hyphactl.succeed(["groups", "list", "--all"])
        #expect(all.output.contains("hypha_server_\(serverID)"), "the leftover is there: \(all.output)")
        #expect(!(try Hyphactl.succeed(["groups", "list"]).output.contains(serverID)))
        let servers = try Hyphactl.succeed(["servers", "-o", "json"])
        #expect(!servers.output.contains(serverID), "\(servers.output)")
        // A server whose id only starts alike is still listed.
        let lookalike = "hyphactl-prober-\(event.suffix(8))"
        #expect(try PythonPeer.run(["health", "--server-id", lookalike]).status == 0)
        #expect(try Hyphactl.succeed(["servers"]).output.contains(lookalike))
    }

    @Test("two probes at once among another's probe events: each times its own probes, and only those")
    func concurrentProbes() async throws {
        let broker = try PrivateBroker()
        let settings = KafkaClientSettings(
            bootstrapServers: broker.bootstrap, timeout: .seconds(20), logger: testLogger())
        let count = 10
        // Probe events of another server, with the same indexes, all the while.
        let foreign = (0..<count).map { index in
            OutgoingEvent(
                name: BusProbe.event,
                payload: .json(
                    .object([
                        ("probe", .number(String(index))), ("server", .string("hyphactl-probe-elsewhere")),
                    ])))
        }
        let intruder = Task {
            let producer = try EventProducer(settings: settings)
            var rounds = 0
            while !Task.isCancelled {
                let report = try await producer.send(foreign, keepDeliveries: false)
                #expect(report.undelivered == 0, "\(report.firstError ?? "")")
                rounds += 1
                try? await Task.sleep(for: .milliseconds(20))
            }
            return rounds
        }
        async let first = BusProbe.run(settings: settings, count: count, timeout: .seconds(20))
        async let second = BusProbe.run(settings: settings, count: count, timeout: .seconds(20))
        let results = try await [first, second]
        intruder.cancel()
        #expect(try await intruder.value > 0)
        #expect(results[0].serverID != results[1].serverID)
        for result in results {
            #expect(result.roundTrips.count == count)
            // A foreign event taken for one of its own would have come back before it was sent.
            #expect(result.roundTrips.allSatisfy { $0 > .zero }, "\(result.serverID): \(result.roundTrips)")
        }
    }

    @Test("probe --metrics prints the bus's metrics in Prometheus' text format")
    func metrics() throws {
        let result = try Hyphactl.succeed(["probe", "--count", "2", "--metrics"])
        #expect(result.output.contains("2 of 2 probes came back"))
        #expect(result.output.contains("round trip: min "))
        #expect(result.output.contains(#"kafka_event_bus{event="hyphactl-probe",status="emitted"} 2"#))
        #expect(result.output.contains(#"kafka_event_bus{event="hyphactl-probe",status="received"} 2"#))
        #expect(result.output.contains("# TYPE kafka_consumer_latency_seconds gauge"))
    }
}
