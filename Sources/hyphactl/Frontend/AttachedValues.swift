// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// Short options with their value attached, as getopt takes them (`-n1`,
/// `-fjsonl`, `-Xacks=all`, `-bkafka:9092`), split into option and value
/// before ArgumentParser, which reads `-n1` as the flags `-n` and `-1`.
enum AttachedValues {
    /// hyphactl's short options that take a value.
    static let shortOptions: Set<Character> = ["b", "X", "o", "f", "n", "p", "r"]

    /// `arguments` with each `-<letter><value>` of a value-taking short option
    /// split in two; a word after `--`, or that is itself an option's value, is kept.
    static func separated(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var takesValue = false
        for (index, word) in arguments.enumerated() {
            if word == "--" {
                result += arguments[index...]
                break
            }
            defer { takesValue = word.count == 2 && word.first == "-" && shortOptions.contains(word.last!) }
            guard !takesValue, word.count > 2, word.hasPrefix("-"), !word.hasPrefix("--"),
                let letter = word.dropFirst().first, shortOptions.contains(letter)
            else {
                result.append(word)
                continue
            }
            result += ["-\(letter)", String(word.dropFirst(2))]
        }
        return result
    }
}

/// `hyphactl help COMMAND…`: a command that does not exist is a usage error, not help.
enum HelpRequest {
    /// A usage error when `arguments` is `help` and words that name no command.
    static func check(_ arguments: [String], root: any ParsableCommand.Type) throws {
        guard arguments.first == "help" else { return }
        var command: any ParsableCommand.Type = root
        for word in arguments.dropFirst() where !word.hasPrefix("-") {
            let names = command.configuration.subcommands.map { ($0, [$0.name] + $0.configuration.aliases) }
            guard let next = names.first(where: { $0.1.contains(word) })?.0 else {
                let known = names.map(\.1[0]).joined(separator: ", ")
                throw ValidationError("help: no command '\(word)'\(known.isEmpty ? "" : " (commands: \(known))")")
            }
            command = next
        }
    }
}

extension ParsableCommand {
    /// The command's name on the command line.
    fileprivate static var name: String { configuration.commandName ?? String(describing: self).lowercased() }
}
