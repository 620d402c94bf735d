// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire

/// `topics describe EVENT|TOPIC`.
struct TopicsDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "A topic's partitions, watermarks and configs.")

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: ArgumentHelp("An event name or a topic name.", valueName: "event|topic"), completion: Completions.events)
    var name: String
    @OptionGroup var output: OutputOptions<OutputFormat>

    func validate() throws {
        try EventNameArgument.check([name], as: "an event or topic name")
    }

    func run() async throws {
        let admin = try KafkaAdmin(settings: global.clientSettings())
        let topic = TopicReference.resolve(name)
        let description: TopicDescription
        do throws(KafkaFailure) {
            description = try await admin.describeTopic(topic)
        } catch {
            // No such event topic: NAME may be a topic's own name.
            guard error.kind == .notFound && topic != name && HyphaTopic.isLegal(name) else { throw error }
            description = try await admin.describeTopic(name)
        }
        Terminal.write(TopicRendering.describe(description, as: output.format))
    }
}
