import ArgumentParser
import Foundation
import HyphaKafka
import HyphaYAML

/// `hyphactl config …`: the contexts of the config file.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The config file's contexts: list, switch, view (secrets masked).",
        discussion: "The file: $HYPHACTL_CONFIG, else $XDG_CONFIG_HOME/hyphactl/config.yaml, else ~/.config/hyphactl/config.yaml.",
        subcommands: [ConfigGetContexts.self, ConfigUseContext.self, ConfigView.self])
}

/// Loads the config file, or explains where it is expected.
enum ConfigLocation {
    static var path: String { ConfigFile.defaultPath(environment: ProcessInfo.processInfo.environment) }

    static func load() throws -> ConfigFile {
        guard let config = try ConfigFile.load(path: path) else {
            throw CommandFailure.failed("no config file at \(path) (see README: The config file)")
        }
        return config
    }
}

/// `config get-contexts`.
struct ConfigGetContexts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get-contexts", abstract: "List the contexts; * marks the current one.")

    @Option(name: .short, help: "Output format.") var output: OutputFormat = .table

    func run() async throws {
        try await ExitCodes.run {
            let config = try ConfigLocation.load()
            switch output {
            case .json:
                Terminal.write(JSONDocument.line(.array(config.contexts.map { context in
                    .object([
                        ("name", .string(context.name)),
                        ("current", .bool(context.name == config.currentContext)),
                        ("bootstrap_servers", JSONDocument.string(context.bootstrapServers)),
                    ])
                })))
            case .table:
                var table = Table("CURRENT", "NAME", "BOOTSTRAP-SERVERS")
                for context in config.contexts {
                    table.add([context.name == config.currentContext ? "*" : "", context.name, context.bootstrapServers ?? "-"])
                }
                Terminal.write(table.rendered())
            }
        }
    }
}

/// `config use-context NAME`.
struct ConfigUseContext: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use-context", abstract: "Make a context the current one (the rest of the file is kept as it is).")

    @Argument(help: ArgumentHelp("The context's name.", valueName: "name"), completion: Completions.contexts) var name: String

    func run() async throws {
        try await ExitCodes.run {
            let config = try ConfigLocation.load()
            guard config.contexts.contains(where: { $0.name == name }) else {
                throw CommandFailure.failed("no context named \(name) in \(config.path) (contexts: \(config.contexts.map(\.name).joined(separator: ", ")))")
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
}

/// `config view`.
struct ConfigView: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view", abstract: "Show the config file, each secret as *** with where it comes from.")

    func run() async throws {
        try await ExitCodes.run {
            let config = try ConfigLocation.load()
            let environment = ProcessInfo.processInfo.environment
            var document: [(String, YAMLValue)] = []
            if let current = config.currentContext { document.append(("current-context", .string(current))) }
            document.append(("contexts", .mapping(config.contexts.map { context in
                var fields: [(String, YAMLValue)] = []
                if let servers = context.bootstrapServers { fields.append(("bootstrap-servers", .string(servers))) }
                if !context.properties.isEmpty {
                    fields.append(("properties", .mapping(context.properties.map { ($0.0, .string($0.1)) })))
                }
                if !context.secrets.isEmpty {
                    fields.append(("secrets", .mapping(context.secrets.map { key, source in
                        switch source {
                        case .environment(let variable):
                            (key, .mapping([("env", .string(variable)), ("value", .string(environment[variable] == nil ? "(not set)" : "***"))]))
                        case .file(let path):
                            (key, .mapping([("file", .string(path)), ("value", .string(FileManager.default.isReadableFile(atPath: path) ? "***" : "(not readable)"))]))
                        }
                    })))
                }
                return (context.name, .mapping(fields))
            })))
            Terminal.write("# \(config.path)\n" + YAMLWriter.document(.mapping(document)))
        }
    }
}

/// Replacing a file whole: a temporary file beside it, then a rename.
enum AtomicFile {
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CommandFailure.failed("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
