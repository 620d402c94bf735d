// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import Logging

/// Words the shells complete from the broker or the config file: quick (1 s at
/// most) and silent when nothing answers.
enum Completions {
    static let events = CompletionKind.custom { words, _, _ in
        guard let admin = try? KafkaAdmin(settings: settings(from: words)),
            let topics = try? await admin.topicNames()
        else { return [] }
        return topics.compactMap(HyphaTopic.eventName(fromTopic:))
    }

    static let groups = CompletionKind.custom { words, _, _ in
        guard let admin = try? KafkaAdmin(settings: settings(from: words)),
            let groups = try? await admin.groupNames()
        else { return [] }
        return groups + groups.compactMap(HyphaGroup.serverID(fromGroup:))
    }

    static let contexts = CompletionKind.custom { _, _, _ in
        let path = ConfigFile.defaultPath(environment: ProcessInfo.processInfo.environment)
        return ((try? ConfigFile.load(path: path)) ?? nil)?.contexts.map(\.name) ?? []
    }

    /// The cluster the command line being completed names, with a short timeout.
    private static func settings(from words: [String]) -> KafkaClientSettings {
        func value(after flags: [String]) -> String? {
            for (index, word) in words.enumerated() {
                if flags.contains(word), index + 1 < words.count { return words[index + 1] }
                for flag in flags where flag.hasPrefix("--") && word.hasPrefix(flag + "=") {
                    return String(word.dropFirst(flag.count + 1))
                }
            }
            return nil
        }
        let environment = ProcessInfo.processInfo.environment
        let config = (try? ConfigFile.load(path: ConfigFile.defaultPath(environment: environment))) ?? nil
        let named = value(after: GlobalOptions.Spelling.context)
        let context: ConfigFile.Context? = (try? config?.context(named: named)) ?? nil
        let (bootstrap, _) = GlobalOptions.bootstrap(
            flag: value(after: GlobalOptions.Spelling.bootstrapServers), named: named == nil ? nil : context,
            current: named == nil ? context : nil, environment: environment)
        var logger = Logger(label: "hyphactl.completion") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let properties = (try? context?.resolvedProperties(environment: environment)) ?? nil
        return KafkaClientSettings(
            bootstrapServers: bootstrap, properties: properties ?? [], timeout: .seconds(1), logger: logger,
            clientID: "hyphactl")
    }
}
