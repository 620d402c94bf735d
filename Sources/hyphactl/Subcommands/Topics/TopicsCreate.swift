// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaKafkaAdmin
import HyphaWire

/// `topics create EVENT`.
struct TopicsCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create the topic of an event (hypha_event_EVENT).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The event name.", valueName: "event")) var event: String
    @Option(
        name: [.short, .customLong("partitions")], parsing: .unconditional, help: "Partitions (default: the broker's).")
    var partitions: Int?
    @Option(
        name: [.short, .customLong("replication-factor")], parsing: .unconditional,
        help: "Replicas (default: the broker's).")
    var replicationFactor: Int?
    @Option(name: .customLong("config"), help: ArgumentHelp("A topic config, repeatable.", valueName: "key=value"))
    var configs: [String] = []

    func validate() throws {
        try EventNameArgument.check([event])
        if let partitions, partitions < 1 { throw ValidationError("--partitions must be at least 1") }
        if let replicationFactor, replicationFactor < 1 {
            throw ValidationError("--replication-factor must be at least 1")
        }
        _ = try KeyValue.pairs(configs, option: "--config", example: "retention.ms=86400000")
    }

    func run() async throws {
        let topic = TopicReference.resolve(event)
        let pairs = configs.compactMap(KeyValue.split)
        try await KafkaAdmin(settings: global.clientSettings())
            .createTopic(topic, partitions: partitions, replicationFactor: replicationFactor, configs: pairs)
        Terminal.write("created topic \(topic)\n")
    }
}
