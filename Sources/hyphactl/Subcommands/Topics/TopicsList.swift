// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaKafkaAdmin

/// `topics list`.
struct TopicsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Hypha's topics with their sizes (--all: every topic).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Every topic, not only Hypha's.") var all = false
    @OptionGroup var output: OutputOptions<OutputFormat>

    func run() async throws {
        let topics = try await KafkaAdmin(settings: global.clientSettings()).listTopics(includeAll: all)
        Terminal.write(TopicRendering.list(topics, as: output.format))
    }
}
