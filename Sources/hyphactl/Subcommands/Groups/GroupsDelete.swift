// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaKafkaAdmin
import HyphaWire

/// `groups delete GROUP|SERVER_ID…`.
struct GroupsDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete leftover groups of servers that are gone; asks first unless --yes.",
        discussion: """
            Only groups without members (Empty or Dead) are deleted, with their committed \
            offsets, and not a server's whose last health check is under 15s old (a \
            server on the Swift event bus has no members); if any named group is \
            refused or does not exist, none is deleted. \
            A server id stands for its group: `1` means hypha_server_1.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: ArgumentHelp("Groups, or Hypha server ids.", valueName: "group|server-id"),
        completion: Completions.groups) var names: [String]
    @Flag(name: [.short, .long], help: "Delete without asking.") var yes = false

    func validate() throws {
        if names.isEmpty { throw ValidationError("name at least one GROUP or SERVER_ID to delete") }
        try EventNameArgument.check(names, as: "a group or server id")
    }

    func run() async throws {
        let admin = try KafkaAdmin(settings: global.clientSettings())
        let existing = Set(try await admin.groupNames())
        var seen = Set<String>()
        let groups = names.map { HyphaGroup.resolve($0, existing: existing) }.filter { seen.insert($0).inserted }
        if !yes {
            try Confirmation.ask(
                "delete consumer \(groups.count == 1 ? "group" : "groups") \(groups.joined(separator: ", "))?")
        }
        try await admin.deleteInactiveGroups(groups)
        Terminal.write(groups.map { "deleted consumer group \($0)\n" }.joined())
    }
}
