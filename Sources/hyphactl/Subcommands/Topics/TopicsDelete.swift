// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import RDKafkaAdmin

/// `topics delete EVENT…`.
struct TopicsDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete topics; asks first unless --yes.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Event or topic names.", valueName: "event|topic"), completion: Completions.events)
    var names: [String]
    @Flag(name: [.short, .long], help: "Delete without asking.") var yes = false

    func validate() throws {
        if names.isEmpty { throw ValidationError("name at least one event or topic to delete") }
        if let glob = names.first(where: EventGlob.isGlob) {
            throw ValidationError(
                "'\(glob)': topics delete takes exact names, not globs; see the names with hyphactl topics list")
        }
        try EventNameArgument.check(names, as: "an event or topic name")
    }

    func run() async throws {
        let admin = try KafkaAdmin(settings: global.clientSettings())
        let existing = Set(try await admin.topicNames())
        let topics = names.map { TopicReference.resolve($0, existing: existing) }
        if let missing = topics.first(where: { !existing.contains($0) }) {
            throw KafkaFailure(
                .notFound, "topic \(missing) does not exist; nothing was deleted", code: .unknownTopicOrPartition,
                subject: .topic(missing))
        }
        if !yes {
            try Confirmation.ask("delete \(topics.count == 1 ? "topic" : "topics") \(topics.joined(separator: ", "))?")
        }
        try await admin.deleteTopics(topics)
        Terminal.write(topics.map { "deleted topic \($0)\n" }.joined())
    }
}
