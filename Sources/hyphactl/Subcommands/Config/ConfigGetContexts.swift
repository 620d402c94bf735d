// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `config get-contexts`.
struct ConfigGetContexts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-contexts", abstract: "List the contexts; * marks the current one.")

    @OptionGroup var output: OutputOptions<OutputFormat>

    func run() async throws {
        Terminal.write(ConfigRendering.contexts(try ConfigLocation.load(), as: output.format))
    }
}
