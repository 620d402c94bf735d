// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin

/// A failure found by the CLI itself (bad input data, a refused confirmation).
struct CommandFailure: Error, CustomStringConvertible {
    /// The exit code docs/cli.md assigns to this failure.
    let exitCode: Int32
    /// One line: what failed and what to try.
    let description: String

    /// An option's value that ArgumentParser cannot check by itself, reported in one line: exit 64.
    static func usage(_ message: String) -> CommandFailure { CommandFailure(exitCode: 64, description: message) }
    /// DATA or a file that is not valid for its type: exit 65.
    static func badInput(_ message: String) -> CommandFailure { CommandFailure(exitCode: 65, description: message) }
    /// An input file that cannot be opened (missing, not readable): exit 66.
    static func noInput(_ message: String) -> CommandFailure { CommandFailure(exitCode: 66, description: message) }
    /// The operation failed: exit 1.
    static func failed(_ message: String) -> CommandFailure { CommandFailure(exitCode: 1, description: message) }
    /// `--max-lag` and other thresholds exceeded: exit 3.
    static func thresholdExceeded(_ message: String) -> CommandFailure {
        CommandFailure(exitCode: 3, description: message)
    }
}

/// The one place where failures become exit codes (docs/cli.md, "Exit codes").
enum ExitCodes {
    static func code(for failure: KafkaFailure) -> Int32 {
        switch failure.kind {
        case .unreachable, .incompatibleClient: 69
        case .invalidInput: 65
        // Refused, not delivered, not found, the wrong state, librdkafka's own, and any later kind.
        default: 1
        }
    }

    /// What to try with hyphactl, added to the library's own words by kind.
    static func advice(for failure: KafkaFailure) -> String? {
        switch (failure.kind, failure.subject) {
        // A TLS failure's own hint names the setting to change; the broker is up.
        case (.unreachable, _) where failure.code == .ssl: nil
        // Refused or not resolved: its hint says where the address came from; more time cannot help.
        case (.unreachable, _) where failure.hint != nil: nil
        case (.unreachable, _):
            "check the address (-b, --context, $HYPHA_KAFKA_URI; -v says which was used) and that the broker is up; "
                + "a slow network may need a longer --timeout"
        case (.incompatibleClient, _):
            "put a librdkafka.so.1 of 2.2.0 or newer first on LD_LIBRARY_PATH; scripts/setup makes one in .venv/rdkafka"
        case (.notFound, .topic?): "see `hyphactl topics list --all`"
        case (.notFound, .group?): "see `hyphactl groups list --all`"
        default: nil
        }
    }

    /// One line for stderr: the failure, its hint, and hyphactl's advice.
    static func line(for failure: KafkaFailure) -> String {
        let hints = [failure.hint, advice(for: failure)].compactMap { $0 }
        return hints.isEmpty ? failure.reason : "\(failure.reason) (\(hints.joined(separator: "; ")))"
    }

    /// The line for stderr and the exit code of a failure hyphactl reports
    /// itself; nil for any other error (usage errors, help), which
    /// ArgumentParser reports. `HyphaCtl.main()` is its one caller.
    static func report(for error: any Error) -> (line: String, code: Int32)? {
        switch error {
        case let failure as KafkaFailure: (line(for: failure), code(for: failure))
        case let failure as CommandFailure: (failure.description, failure.exitCode)
        default: nil
        }
    }
}
