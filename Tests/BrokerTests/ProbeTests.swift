import Foundation
import Testing

@Suite("probe against the test broker")
struct ProbeTests {
    @Test("probe --count 20 prints round-trip latencies and exits 0, leaving no health topic behind")
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
