// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaYAML

/// `config use-context NAME`.
struct ConfigUseContext: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use-context", abstract: "Make a context the current one (the rest of the file is kept as it is).")

    @Argument(help: ArgumentHelp("The context's name.", valueName: "name"), completion: Completions.contexts) var name:
        String

    func run() async throws {
        let config = try ConfigLocation.load()
        guard config.contexts.contains(where: { $0.name == name }) else {
            throw CommandFailure.failed(
                "no context named \(name) in \(config.path) (contexts: \(config.contexts.map(\.name).joined(separator: ", ")))"
            )
        }
        let text = try String(contentsOfFile: config.path, encoding: .utf8)
        let line = "current-context: \(YAMLWriter.document(.string(name)).trimmingCharacters(in: .newlines))"
        var lines = text.components(separatedBy: "\n")
        if let index = lines.firstIndex(where: { $0.hasPrefix("current-context:") }) {
            lines[index] = line
        } else {
            lines.insert(line, at: 0)
        }
        try AtomicFile.write(lines.joined(separator: "\n"), to: config.path)
        Terminal.write("switched to context \(name)\n")
    }
}
