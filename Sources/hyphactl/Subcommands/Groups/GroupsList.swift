// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaKafkaAdmin
import RDKafkaAdmin

/// `groups list`.
struct GroupsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Hypha server groups (hypha_server_*); --all: every group.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Every consumer group, not only Hypha's.") var all = false
    @OptionGroup var output: OutputOptions<OutputFormat>

    func run() async throws {
        let groups = try await KafkaAdmin(settings: global.clientSettings()).listGroups(includeAll: all)
        Terminal.write(GroupRendering.list(groups, as: output.format))
    }
}
