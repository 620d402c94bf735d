// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaYAML

/// The table and JSON of `config get-contexts`, and the YAML of `config view`.
enum ConfigRendering {
    static func contexts(_ config: ConfigFile, as format: OutputFormat) -> String {
        switch format {
        case .json:
            return JSONDocument.line(
                .array(
                    config.contexts.map { context in
                        .object([
                            ("name", .string(context.name)),
                            ("current", .bool(context.name == config.currentContext)),
                            ("bootstrap_servers", JSONDocument.string(context.bootstrapServers)),
                        ])
                    }))
        case .table, .wide:
            var table = Table("CURRENT", "NAME", "BOOTSTRAP-SERVERS")
            table.cuttable = ["BOOTSTRAP-SERVERS"]
            for context in config.contexts {
                table.add([
                    context.name == config.currentContext ? "*" : "", context.name, context.bootstrapServers ?? "-",
                ])
            }
            return table.rendered(wide: format == .wide)
        }
    }

    /// The file as YAML under a `# path` line: each secret's source, its value
    /// `***`, or `(not set)` / `(not readable)` when the source has none.
    static func view(_ config: ConfigFile, environment: [String: String]) -> String {
        var document: [(String, YAMLValue)] = []
        if let current = config.currentContext { document.append(("current-context", .string(current))) }
        document.append(
            (
                "contexts",
                .mapping(
                    config.contexts.map { context in
                        var fields: [(String, YAMLValue)] = []
                        if let servers = context.bootstrapServers {
                            fields.append(("bootstrap-servers", .string(servers)))
                        }
                        if !context.properties.isEmpty {
                            fields.append(
                                ("properties", .mapping(context.properties.map { ($0.name, .string($0.value)) })))
                        }
                        if !context.secrets.isEmpty {
                            fields.append(
                                (
                                    "secrets",
                                    .mapping(
                                        context.secrets.map { key, source in
                                            switch source {
                                            case .environment(let variable):
                                                (
                                                    key,
                                                    .mapping([
                                                        ("env", .string(variable)),
                                                        (
                                                            "value",
                                                            .string(environment[variable] == nil ? "(not set)" : "***")
                                                        ),
                                                    ])
                                                )
                                            case .file(let path):
                                                (
                                                    key,
                                                    .mapping([
                                                        ("file", .string(path)),
                                                        (
                                                            "value",
                                                            .string(
                                                                FileManager.default.isReadableFile(atPath: path)
                                                                    ? "***" : "(not readable)")
                                                        ),
                                                    ])
                                                )
                                            }
                                        })
                                ))
                        }
                        return (context.name, .mapping(fields))
                    })
            ))
        return "# \(config.path)\n" + YAMLWriter.document(.mapping(document))
    }
}
