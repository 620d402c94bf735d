// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `hyphactl groups …`: is every Hypha server keeping up?
struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups", abstract: "Consumer groups of Hypha servers, their members and lag.",
        subcommands: [GroupsList.self, GroupsDescribe.self, GroupsResetOffsets.self, GroupsDelete.self],
        aliases: ["group"])
}
