import ArgumentParser
import Foundation
import HyphaKafka

/// A failure found by the CLI itself (bad input data, a refused confirmation).
struct CommandFailure: Error, CustomStringConvertible {
    /// The exit code cli.md assigns to this failure.
    let exitCode: Int32
    /// One line: what failed and what to try.
    let description: String

    /// DATA or a file that is not valid for its type: exit 65.
    static func badInput(_ message: String) -> CommandFailure { CommandFailure(exitCode: 65, description: message) }
    /// The operation failed: exit 1.
    static func failed(_ message: String) -> CommandFailure { CommandFailure(exitCode: 1, description: message) }
    /// `--max-lag` and other thresholds exceeded: exit 3.
    static func thresholdExceeded(_ message: String) -> CommandFailure { CommandFailure(exitCode: 3, description: message) }
}

/// The one place where failures become exit codes (cli.md, "Exit codes").
enum ExitCodes {
    static func code(for failure: KafkaFailure) -> Int32 {
        switch failure.kind {
        case .unreachable, .incompatibleClient: 69
        case .invalidInput: 65
        case .refused, .deliveryFailed, .notFound, .client: 1
        }
    }

    /// Runs a command's body; a failure prints one line on stderr and exits with its code.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as KafkaFailure {
            Terminal.printError(failure.description)
            throw ExitCode(code(for: failure))
        } catch let failure as CommandFailure {
            Terminal.printError(failure.description)
            throw ExitCode(failure.exitCode)
        }
    }
}
