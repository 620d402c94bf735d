// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaKafkaAdmin
import HyphaWire

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
    }

    func run() async throws {
        let topics = names.map { TopicReference.resolve($0) }
        if !yes {
            try Confirmation.ask("delete \(topics.count == 1 ? "topic" : "topics") \(topics.joined(separator: ", "))?")
        }
        try await KafkaAdmin(settings: global.clientSettings()).deleteTopics(topics)
        Terminal.write(topics.map { "deleted topic \($0)\n" }.joined())
    }
}
