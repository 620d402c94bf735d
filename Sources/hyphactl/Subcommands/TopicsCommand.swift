import ArgumentParser
import HyphaKafka
import HyphaWire

/// `hyphactl topics …`: the bus's topics.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "List, describe, create and delete the bus's topics.",
        subcommands: [TopicsList.self, TopicsDescribe.self, TopicsCreate.self, TopicsDelete.self])
}

/// `topics list`.
struct TopicsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Hypha's topics with their sizes (--all: every topic).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Every topic, not only Hypha's.") var all = false
    @Option(name: .short, help: "Output format.") var output: OutputFormat = .table

    func run() async throws {
        try await ExitCodes.run {
            let topics = try await KafkaAdmin(settings: global.clientSettings()).listTopics(includeAll: all)
            Terminal.write(TopicRendering.list(topics, as: output))
        }
    }
}

/// `topics describe EVENT|TOPIC`.
struct TopicsDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "A topic's partitions, watermarks and configs.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("An event name or a topic name.", valueName: "event|topic"), completion: Completions.events) var name: String
    @Option(name: .short, help: "Output format.") var output: OutputFormat = .table

    func run() async throws {
        try await ExitCodes.run {
            let admin = try KafkaAdmin(settings: global.clientSettings())
            let topic = TopicReference.resolve(name)
            let description: TopicDescription
            do {
                description = try await admin.describeTopic(topic)
            } catch let failure as KafkaFailure where failure.kind == .notFound && topic != name && HyphaTopic.isLegal(name) {
                description = try await admin.describeTopic(name)
            }
            Terminal.write(TopicRendering.describe(description, as: output))
        }
    }
}

/// `topics create EVENT`.
struct TopicsCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create the topic of an event (hypha_event_EVENT).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The event name.", valueName: "event")) var event: String
    @Option(name: [.short, .customLong("partitions")], help: "Partitions (default: the broker's).") var partitions: Int?
    @Option(name: [.short, .customLong("replication-factor")], help: "Replicas (default: the broker's).") var replicationFactor: Int?
    @Option(name: .customLong("config"), help: ArgumentHelp("A topic config, repeatable.", valueName: "key=value"))
    var configs: [String] = []

    func validate() throws {
        if let partitions, partitions < 1 { throw ValidationError("--partitions must be at least 1") }
        if let replicationFactor, replicationFactor < 1 { throw ValidationError("--replication-factor must be at least 1") }
        _ = try KeyValue.pairs(configs, option: "--config", example: "retention.ms=86400000")
    }

    func run() async throws {
        try await ExitCodes.run {
            let topic = TopicReference.resolve(event)
            let pairs = configs.compactMap(KeyValue.split)
            try await KafkaAdmin(settings: global.clientSettings())
                .createTopic(topic, partitions: partitions, replicationFactor: replicationFactor, configs: pairs)
            Terminal.write("created topic \(topic)\n")
        }
    }
}

/// `topics delete EVENT…`.
struct TopicsDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete topics; asks first unless --yes.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Event or topic names.", valueName: "event|topic"), completion: Completions.events) var names: [String]
    @Flag(name: [.short, .long], help: "Delete without asking.") var yes = false

    func validate() throws {
        if names.isEmpty { throw ValidationError("name at least one event or topic to delete") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let topics = names.map { TopicReference.resolve($0) }
            if !yes {
                try Confirmation.ask("delete \(topics.count == 1 ? "topic" : "topics") \(topics.joined(separator: ", "))?")
            }
            try await KafkaAdmin(settings: global.clientSettings()).deleteTopics(topics)
            Terminal.write(topics.map { "deleted topic \($0)\n" }.joined())
        }
    }
}
