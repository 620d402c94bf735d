// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `hyphactl topics …`: the bus's topics.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "List, describe, create and delete the bus's topics.",
        subcommands: [TopicsList.self, TopicsDescribe.self, TopicsCreate.self, TopicsDelete.self],
        aliases: ["topic"])
}
