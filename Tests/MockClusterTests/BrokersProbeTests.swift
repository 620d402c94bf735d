// SPDX-License-Identifier: Apache-2.0
import KafkaConnection
import Logging
import RDKafka
import RDKafkaMock
import Testing

/// A handle that knows the brokers probe gets its bootstrap servers only after
/// the probe, so that no connection can come up before it (see `RDKafkaClient.make`).
@Suite("the brokers probe and the bootstrap servers added after it")
struct BrokersProbeTests {
    @Test("the handle connects, learns the brokers through the probe, and never asks for the brokers alone")
    func addedAfterTheProbe() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        try cluster.createTopic("hypha_event_probe", partitions: 2)
        let lines = KeptLines()
        let client = try Self.probing(cluster.bootstrapServers, lines: lines, extra: [("debug", "metadata")])
        try client.learnBrokers(until: .now + .seconds(10))
        let metadata = try client.metadata()
        #expect(metadata.topics.map(\.name).contains("hypha_event_probe"))
        let logged = lines.all
        #expect(logged.contains { $0.contains(RDKafkaClient.brokersProbeTopic) })
        #expect(!logged.contains { $0.contains("Request metadata for brokers only") })
        // rd_kafka_new ran without them: librdkafka says so, and that line is not passed on.
        #expect(!logged.contains { $0.contains("bootstrap.servers") })
        withExtendedLifetime(cluster) {}
    }

    @Test("an Azure address is given to rd_kafka_new: librdkafka's shorter idle time for it still applies")
    func azureKeepsItsIdleTime() throws {
        let client = try Self.probing("hypha.servicebus.windows.net.azure.invalid:9093", lines: KeptLines())
        #expect(client.property("connections.max.idle.ms") == "230000")
        #expect(client.property("bootstrap.servers") == "hypha.servicebus.windows.net.azure.invalid:9093")
        let plain = try Self.probing("127.0.0.1:1", lines: KeptLines())
        #expect(plain.property("connections.max.idle.ms") == "0")
    }

    /// A consumer handle that knows the probe, as the admin commands make one.
    private static func probing(
        _ bootstrap: String, lines: KeptLines, extra: [(String, String)] = []
    ) throws -> RDKafkaClient {
        var logger = Logger(label: "probe-test") { _ in lines }
        logger.logLevel = .debug
        let settings = KafkaClientSettings(
            bootstrapServers: bootstrap, properties: extra.map { KafkaProperty(name: $0.0, value: $0.1) },
            timeout: .seconds(10), logger: logger)
        return try RDKafkaClient.make(
            .consumer, settings: settings, overrides: [("allow.auto.create.topics", "false")], brokersProbe: true)
    }
}
