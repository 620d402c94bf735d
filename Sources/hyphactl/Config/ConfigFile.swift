// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaYAML

/// hyphactl's config file: named contexts, each a cluster with its librdkafka
/// properties and where its secrets come from (never the secrets themselves).
///
/// ```yaml
/// current-context: prod
/// contexts:
///   prod:
///     bootstrap-servers: kafka-1:9093,kafka-2:9093
///     properties: {security.protocol: SASL_SSL}
///     secrets:
///       sasl.password: {env: HYPHA_KAFKA_PASSWORD}   # or {file: /run/secrets/kafka}
/// ```
struct ConfigFile: Sendable {
    /// Where a secret's value is read from when it is needed.
    enum SecretSource: Sendable, Equatable {
        /// An environment variable's name.
        case environment(String)
        /// A file's path; one trailing newline is not part of the value.
        case file(String)
    }

    /// One cluster.
    struct Context: Sendable {
        /// The context's name.
        let name: String
        /// Its bootstrap servers, if it names them.
        let bootstrapServers: String?
        /// librdkafka properties, in file order.
        let properties: [KafkaProperty]
        /// librdkafka properties whose values are secrets.
        let secrets: [(String, SecretSource)]
    }

    /// The context used when none is named.
    let currentContext: String?
    /// Every context, in file order.
    let contexts: [Context]
    /// The file it was read from.
    let path: String

    /// `$HYPHACTL_CONFIG`, else `$XDG_CONFIG_HOME/hyphactl/config.yaml`, else `~/.config/hyphactl/config.yaml`.
    static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["HYPHACTL_CONFIG"], !path.isEmpty { return path }
        if let base = environment["XDG_CONFIG_HOME"], !base.isEmpty { return base + "/hyphactl/config.yaml" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/hyphactl/config.yaml"
    }

    /// The file at `path`; nil when there is none. Every problem in it is reported at once.
    static func load(path: String) throws(KafkaFailure) -> ConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KafkaFailure(.invalidInput, "config file \(path): not readable")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw KafkaFailure(.invalidInput, "config file \(path): not UTF-8 text")
        }
        let root: YAMLNode?
        do {
            root = try YAMLReader.read(text)
        } catch {
            throw KafkaFailure(.invalidInput, "config file \(path): \(error)")
        }
        var problems: [String] = []
        let config = ConfigFile(root, path: path, problems: &problems)
        guard problems.isEmpty else {
            throw KafkaFailure(.invalidInput, "config file \(path): \(problems.joined(separator: "; "))")
        }
        return config
    }

    private init(_ root: YAMLNode?, path: String, problems: inout [String]) {
        self.path = path
        var current: String?
        var contexts: [Context] = []
        if let root {
            let fields = ConfigFields(root, path: "", problems: &problems)
            current = fields.string("current-context", problems: &problems)
            if let node = fields["contexts"] {
                let entries = ConfigFields(node, path: "contexts", problems: &problems)
                for (name, contextNode) in entries.pairs {
                    contexts.append(Self.context(name, contextNode, problems: &problems))
                }
            }
            fields.rejectUnknown(["current-context", "contexts"], problems: &problems)
        }
        self.currentContext = current
        self.contexts = contexts
    }

    private static func context(_ name: String, _ node: YAMLNode, problems: inout [String]) -> Context {
        let path = "contexts.\(name)"
        let fields = ConfigFields(node, path: path, problems: &problems)
        fields.rejectUnknown(["bootstrap-servers", "properties", "secrets"], problems: &problems)
        var properties: [KafkaProperty] = []
        if let node = fields["properties"] {
            for (key, value) in ConfigFields(node, path: "\(path).properties", problems: &problems).pairs {
                if let text = value.scalarText {
                    properties.append(KafkaProperty(name: key, value: text))
                } else {
                    problems.append(
                        "\(path).properties.\(key): expected a value, found \(value.kindName) at \(value.position)")
                }
            }
        }
        var secrets: [(String, SecretSource)] = []
        if let node = fields["secrets"] {
            for (key, value) in ConfigFields(node, path: "\(path).secrets", problems: &problems).pairs {
                let secretPath = "\(path).secrets.\(key)"
                let source = ConfigFields(value, path: secretPath, problems: &problems)
                source.rejectUnknown(["env", "file"], problems: &problems)
                let env = source.string("env", problems: &problems)
                let file = source.string("file", problems: &problems)
                switch (env, file) {
                case (let env?, nil): secrets.append((key, .environment(env)))
                case (nil, let file?): secrets.append((key, .file(file)))
                default: problems.append("\(secretPath): expected exactly one of env or file at \(value.position)")
                }
            }
        }
        return Context(
            name: name, bootstrapServers: fields.string("bootstrap-servers", problems: &problems),
            properties: properties, secrets: secrets)
    }

    /// The named context, else the current one; nil when neither is set.
    func context(named name: String?) throws(KafkaFailure) -> Context? {
        guard let wanted = name ?? currentContext else { return nil }
        guard let context = contexts.first(where: { $0.name == wanted }) else {
            let known = contexts.map(\.name).joined(separator: ", ")
            throw KafkaFailure(
                .invalidInput,
                "config file \(path): no context named \(wanted) (contexts: \(known.isEmpty ? "none" : known))")
        }
        return context
    }
}

extension ConfigFile.Context {
    /// The context's properties with each secret's value read from its source.
    func resolvedProperties(environment: [String: String]) throws(KafkaFailure) -> [KafkaProperty] {
        var resolved = properties
        for (key, source) in secrets {
            switch source {
            case .environment(let variable):
                guard let value = environment[variable] else {
                    throw KafkaFailure(
                        .invalidInput, "context \(name): secret \(key) comes from $\(variable), which is not set")
                }
                resolved.append(KafkaProperty(name: key, value: value))
            case .file(let path):
                guard let data = FileManager.default.contents(atPath: path),
                    var value = String(validating: data, as: UTF8.self)
                else {
                    throw KafkaFailure(
                        .invalidInput, "context \(name): secret \(key) comes from \(path), which cannot be read")
                }
                if value.hasSuffix("\n") { value.removeLast() }
                resolved.append(KafkaProperty(name: key, value: value))
            }
        }
        return resolved
    }
}

/// A mapping of the config file, read field by field with errors that name the key path.
private struct ConfigFields {
    let pairs: [(String, YAMLNode)]
    let positions: [String: YAMLPosition]
    let path: String

    init(_ node: YAMLNode, path: String, problems: inout [String]) {
        self.path = path
        guard case .mapping(let entries, _) = node else {
            if !node.isNull {
                problems.append(
                    "\(path.isEmpty ? "the file" : path): expected a mapping, found \(node.kindName) at \(node.position)"
                )
            }
            pairs = []
            positions = [:]
            return
        }
        var pairs: [(String, YAMLNode)] = []
        var positions: [String: YAMLPosition] = [:]
        for (key, value) in entries {
            guard let name = key.scalarText else {
                problems.append("\(path): keys must be text at \(key.position)")
                continue
            }
            pairs.append((name, value))
            positions[name] = key.position
        }
        self.pairs = pairs
        self.positions = positions
    }

    subscript(key: String) -> YAMLNode? { pairs.first { $0.0 == key }?.1 }

    func string(_ key: String, problems: inout [String]) -> String? {
        guard let node = self[key], !node.isNull else { return nil }
        guard let text = node.scalarText else {
            problems.append("\(qualified(key)): expected text, found \(node.kindName) at \(node.position)")
            return nil
        }
        return text
    }

    func rejectUnknown(_ known: Set<String>, problems: inout [String]) {
        for (key, _) in pairs where !known.contains(key) {
            let position = positions[key].map { " at \($0)" } ?? ""
            problems.append(
                "\(qualified(key)): unknown key (expected \(known.sorted().joined(separator: ", ")))\(position)")
        }
    }

    private func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}
