// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import TestSupport

/// Event buses on the test broker, with group timings Tansu can serve quickly.
enum TestBus {
    static func make(_ serverID: String, bootstrap: String? = nil, healthEvery: Duration = .seconds(5)) throws
        -> KafkaEventBus
    {
        let settings = KafkaClientSettings(
            bootstrapServers: try bootstrap ?? TestEnvironment.bootstrap(),
            properties: [
                KafkaProperty(name: "session.timeout.ms", value: "6000"),
                KafkaProperty(name: "max.poll.interval.ms", value: "6000"),
                KafkaProperty(name: "heartbeat.interval.ms", value: "1000"),
            ],
            timeout: .seconds(20), logger: testLogger())
        return KafkaEventBus(
            configuration: EventBusConfiguration(kafka: settings, serverID: serverID, healthCheckInterval: healthEvery))
    }
}
