// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// Global options given before the subcommand, as kcat (`kcat -b host -L`) and
/// kubectl (`kubectl --context x get pods`) take them: `hyphactl -b kafka:9092
/// topics list`. They are moved to just after the subcommand's name, ahead of
/// its own arguments, so that where an option is given on both sides the one
/// after the subcommand wins (the last value of an option is the one kept, and
/// of `-X` properties the last one set).
enum LeadingGlobalOptions {
    /// `arguments` (without the program's name) with leading global options moved
    /// after the subcommand path `root` recognises; unchanged when none lead.
    static func rearranged(_ arguments: [String], root: any ParsableCommand.Type) throws -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if GlobalOptions.Spelling.flags.contains(argument) {
                leading.append(argument)
                index += 1
            } else if GlobalOptions.Spelling.withValue.contains(name) && argument.contains("=")
                && argument.hasPrefix("--")
            {
                leading.append(argument)
                index += 1
            } else if GlobalOptions.Spelling.withValue.contains(argument) {
                guard index + 1 < arguments.count else {
                    throw ValidationError("Missing value for '\(argument)'")
                }
                leading += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        var command: any ParsableCommand.Type = root
        var path = 0
        while path < rest.count,
            let next = command.configuration.subcommands.first(where: { $0.matches(rest[path]) })
        {
            command = next
            path += 1
        }
        guard path > 0 else {
            throw ValidationError(
                "global options (\(leading.joined(separator: " "))) need a command after them, e.g. hyphactl -b host:9092 topics list"
            )
        }
        if !command.configuration.subcommands.isEmpty && command.configuration.defaultSubcommand == nil {
            return rest // a group without its command (`topics --help`): the group says what is missing
        }
        rest.insert(contentsOf: leading, at: path)
        return rest
    }
}

extension ParsableCommand {
    /// Whether `word` names this command (its name or an alias).
    fileprivate static func matches(_ word: String) -> Bool {
        let name = configuration.commandName ?? String(describing: self).lowercased()
        return word == name || configuration.aliases.contains(word)
    }
}
