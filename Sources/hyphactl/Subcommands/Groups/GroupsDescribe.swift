// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaKafkaAdmin
import HyphaWire

/// `groups describe GROUP|SERVER_ID`.
struct GroupsDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "A group's state, members and lag per partition.",
        discussion: "A server id stands for its group: `1` means hypha_server_1. Exits 3 when --max-lag is exceeded.")

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: ArgumentHelp("A group, or a Hypha server id.", valueName: "group|server-id"),
        completion: Completions.groups) var name: String?
    @Flag(help: "Every Hypha server group.") var all = false
    @OptionGroup var output: OutputOptions<OutputFormat>
    @Option(help: ArgumentHelp("Exit 3 when a group's total lag is over N.", valueName: "n")) var maxLag: Int64?

    func validate() throws {
        if (name == nil) == !all { throw ValidationError("name one GROUP or SERVER_ID, or use --all") }
        if let maxLag, maxLag < 0 { throw ValidationError("--max-lag must be 0 or more") }
    }

    func run() async throws {
        let admin = try KafkaAdmin(settings: global.clientSettings())
        let groups: [String]
        if let name {
            groups = [HyphaGroup.resolve(name, existing: Set(try await admin.groupNames()))]
        } else {
            groups = try await admin.listGroups().map(\.group)
        }
        let lags = try await admin.describeGroups(groups)
        Terminal.write(GroupRendering.describe(lags, as: output.format, single: name != nil))
        if let maxLag, let over = lags.first(where: { $0.totalLag > maxLag }) {
            throw CommandFailure.thresholdExceeded(
                "\(over.group): total lag \(over.totalLag) is over --max-lag \(maxLag)")
        }
    }
}
