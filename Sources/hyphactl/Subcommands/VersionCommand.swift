// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `hyphactl version`: this tool's and the loaded librdkafka's versions.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print hyphactl's and the loaded librdkafka's versions.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        Terminal.write(VersionRendering.text())
    }
}
