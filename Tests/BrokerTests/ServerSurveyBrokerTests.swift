// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import RDKafka
import RDKafkaAdmin
import Synchronization
import TestSupport
import Testing

@Suite("server survey against the test broker")
struct ServerSurveyBrokerTests {
    /// What the side question saw.
    private final class Asked: Sendable {
        let calls = Mutex<[(topics: [String], configs: Result<[TopicConfigEntry], KafkaFailure>)]>([])
    }

    @Test("a question asked beside the survey: once, with the Hypha topics it lists, on its connection")
    func sideQuestion() async throws {
        let event = TestEnvironment.uniqueEvent("side")
        try Hyphactl.succeed(["emit", event, "1"])
        let topic = "hypha_event_\(event)"
        let settings = KafkaClientSettings(
            bootstrapServers: try TestEnvironment.bootstrap(), timeout: .seconds(20), logger: testLogger())
        let asked = Asked()
        let findings = try await ServerSurvey.take(
            settings: settings,
            alongside: { topics, client in
                let configs = Result { () throws(KafkaFailure) in try client.describeTopicConfigs(topic) }
                asked.calls.withLock { $0.append((topics.map(\.name), configs)) }
            },
            nowMillis: { Int64(Date().timeIntervalSince1970 * 1000) })
        let calls = asked.calls.withLock { $0 }
        try #require(calls.count == 1, "asked \(calls.count) times")
        #expect(calls[0].topics.contains(topic))
        #expect(Set(calls[0].topics) == Set(findings.hyphaTopics.map(\.name)))
        #expect(throws: Never.self) { try calls[0].configs.get() }
    }
}
